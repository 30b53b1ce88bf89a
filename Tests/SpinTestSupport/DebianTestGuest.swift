import Foundation

/// The Debian 12 cloud guest built by `scripts/build-debian-guest`: a qcow2 root disk (ext4
/// on the whole disk, to be used read-only under an overlay), its kernel and initramfs for
/// direct boot, with cloud-init (NoCloud only), openssh-server and qemu-guest-agent.
public struct DebianTestGuest: Sendable {
    /// The directory holding it.
    public let directory: String

    /// The kernel command line for direct boot.
    public static let append = "root=/dev/vda rw console=ttyS0 panic=-1"

    /// The root disk (qcow2).
    public var rootDisk: String { directory + "/root.qcow2" }
    /// The bootable disk (qcow2): GPT, grub for BIOS and UEFI, the same root on partition 3.
    public var disk: String { directory + "/disk.qcow2" }
    /// The kernel.
    public var kernel: String { directory + "/vmlinuz" }
    /// The initramfs.
    public var initrd: String { directory + "/initrd.img" }
    /// The build's `key=value` description.
    public var manifest: String { directory + "/manifest" }

    /// `$SPIN_GUEST_DIR/debian`, else `/var/tmp/spin-test-guests/debian`.
    public static var defaultDirectory: String {
        (ProcessInfo.processInfo.environment["SPIN_GUEST_DIR"] ?? "/var/tmp/spin-test-guests") + "/debian"
    }

    /// Whether every file is there (the manifest is written last, so it marks a whole build).
    public static var isBuilt: Bool {
        let guest = DebianTestGuest(directory: defaultDirectory)
        return [guest.rootDisk, guest.disk, guest.kernel, guest.initrd, guest.manifest].allSatisfy { FileManager.default.fileExists(atPath: $0) }
    }

    /// Finds the guest.
    /// - Throws: when it has not been built; run `scripts/build-debian-guest`.
    public static func locate() throws -> DebianTestGuest {
        let guest = DebianTestGuest(directory: defaultDirectory)
        for file in [guest.rootDisk, guest.disk, guest.kernel, guest.initrd, guest.manifest] where !FileManager.default.fileExists(atPath: file) {
            throw HarnessError("Debian test guest \(file) is missing; run scripts/build-debian-guest")
        }
        return guest
    }

    /// One value of the manifest, e.g. `kernel_release`.
    public func manifestValue(_ key: String) -> String? {
        guard let text = try? String(contentsOfFile: manifest, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(key + "=") {
            return String(line.dropFirst(key.count + 1))
        }
        return nil
    }
}
