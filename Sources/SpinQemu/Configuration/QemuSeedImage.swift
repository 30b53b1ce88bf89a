/// A cloud-init NoCloud seed (an ISO 9660 image labelled `cidata`) on a read-only
/// `virtio-blk` drive. Not a CD-ROM on purpose: Debian's cloud kernel has no AHCI driver, so
/// a SATA CD-ROM on q35 is invisible to it, while cloud-init finds a virtio disk by its label.
public struct QemuSeedImage: Sendable, Equatable, Codable {
    /// Path of the seed image.
    public var path: String

    /// Creates a seed drive.
    public init(path: String) { self.path = path }

    /// `-drive file=…,format=raw,if=none,id=seed0,readonly=on` and
    /// `-device virtio-blk-pci,drive=seed0,id=virtio-seed0`.
    public func qemuArguments() -> [String] {
        let drive = QemuOption.list([("file", path), ("format", "raw"), ("if", "none"), ("id", "seed0"), ("readonly", "on")])
        return ["-drive", drive, "-device", QemuOption.list("virtio-blk-pci", [("drive", "seed0"), ("id", "virtio-seed0")])]
    }
}
