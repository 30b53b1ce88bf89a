/// A host file qemu opens for a VM, with what it does with it: what ``QemuFileGrants`` gives
/// the qemu user, what the unit's sandbox binds in, and what is checked before qemu starts.
public struct LaunchFile: Sendable, Equatable, Codable {
    /// What qemu does with the file.
    public enum Access: String, Sendable, Codable {
        /// Reads it: a CD-ROM, a kernel, an initrd, the cloud-init seed.
        case read
        /// Reads and writes it: a disk image, the serial log.
        case readWrite
    }

    /// What the file is, for messages: "disk image", "base image", "CD-ROM", "kernel", "initrd",
    /// "serial log".
    public var what: String
    /// Its absolute path.
    public var path: String
    /// What qemu does with it.
    public var access: Access
    /// Whether spin made the file and gives the qemu user access to it (images — a base only to
    /// read —, the serial log); a file the caller named (a CD-ROM, a kernel) must already be readable by that user.
    public var granted: Bool

    /// ``what`` of a disk image.
    public static let diskImage = "disk image"
    /// ``what`` of an overlay's base, which qemu opens read-only through the backing chain.
    public static let baseImage = "base image"
    /// ``what`` of the serial log.
    public static let serialLog = "serial log"
    /// ``what`` of the cloud-init seed image (spin writes it; qemu only reads it).
    public static let seedImage = "cloud-init seed"
    /// ``what`` of the VM's UEFI variable store (spin makes it; qemu reads and writes it).
    public static let efiVariables = "UEFI variables"
    /// `what` of the tun device qemu opens for its taps (managed networks).
    public static let tunDevice = "tun device"

    /// Creates a description.
    public init(what: String, path: String, access: Access, granted: Bool) {
        self.what = what
        self.path = path
        self.access = access
        self.granted = granted
    }
}
