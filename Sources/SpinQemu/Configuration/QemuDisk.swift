/// A disk image attached to the guest.
public struct QemuDisk: Sendable, Equatable, Codable {
    /// Image file format.
    public enum Format: String, Sendable, Equatable, CaseIterable, Codable {
        /// A raw image.
        case raw
        /// A qcow2 image.
        case qcow2
    }

    /// The guest-visible controller.
    public enum Interface: String, Sendable, Equatable, CaseIterable, Codable {
        /// `virtio-blk-pci` (Linux: `/dev/vda`, …).
        case virtioBlk = "virtio-blk"
        /// An IDE/SATA disk on the q35 AHCI controller (`ide-hd`).
        case ide
    }

    /// Host page-cache policy (QEMU's `cache=`).
    public enum CacheMode: String, Sendable, Equatable, CaseIterable, Codable {
        /// O_DIRECT, no host cache.
        case none
        /// Host cache, flushes honoured (QEMU's default).
        case writeback
        /// Every write reaches the disk before it completes.
        case writethrough
        /// O_DIRECT and O_DSYNC.
        case directsync
        /// Flushes ignored; fast and unsafe on host crashes.
        case unsafe
    }

    /// Path of the image file.
    public var path: String
    /// Its format.
    public var format: Format
    /// The controller.
    public var interface: Interface
    /// The cache mode.
    public var cache: CacheMode
    /// Whether the guest may only read it.
    public var readOnly: Bool

    /// Creates a disk; defaults: qcow2 on virtio-blk, writeback cache, read-write.
    public init(
        path: String, format: Format = .qcow2, interface: Interface = .virtioBlk,
        cache: CacheMode = .writeback, readOnly: Bool = false
    ) {
        self.path = path
        self.format = format
        self.interface = interface
        self.cache = cache
        self.readOnly = readOnly
    }

    /// `-drive … if=none,id=diskN` plus the `-device` that shows it to the guest. IDE disks
    /// sit on AHCI port `ideBus` (`ide.N`, one unit per port on q35), `index` by default.
    public func qemuArguments(index: Int, ideBus: Int? = nil) -> [String] {
        var drive: [(String, String)] = [
            ("file", path), ("format", format.rawValue), ("if", "none"),
            ("id", "disk\(index)"), ("cache", cache.rawValue),
        ]
        if readOnly { drive.append(("readonly", "on")) }
        let device: String
        switch interface {
        case .virtioBlk: device = QemuOption.list("virtio-blk-pci", [("drive", "disk\(index)"), ("id", "virtio-disk\(index)")])
        case .ide: device = QemuOption.list("ide-hd", [("drive", "disk\(index)"), ("id", "ide-disk\(index)"), ("bus", "ide.\(ideBus ?? index)")])
        }
        return ["-drive", QemuOption.list(drive), "-device", device]
    }
}
