import Foundation
import SpinQemu

/// What the host facts depend on: when any of it changes, the facts are probed again.
///
/// - The emulator binary, by path, device, inode, size and modification time (an upgrade, a
///   copy or a `touch` changes one of them).
/// - The KVM device: present or not, its device number, mode and owner, and whether this
///   process can open it read-write (a group change, a module load).
/// - The CPU: its flags cannot change while the host runs, so the boot id stands for them (a
///   host that restarted, perhaps on another CPU, probes again). A CPU-information file other
///   than `/proc`'s (tests) is keyed by its own stamp.
public struct HostFactsKey: Codable, Sendable, Equatable {
    /// A file's identity and version.
    public struct FileStamp: Codable, Sendable, Equatable {
        /// The path asked for.
        public var path: String
        /// `st_dev`.
        public var device: UInt64
        /// `st_ino`.
        public var inode: UInt64
        /// `st_size`.
        public var size: Int64
        /// `st_mtim` in nanoseconds.
        public var modifiedNanoseconds: Int64
        /// `st_rdev` (device files).
        public var deviceNumber: UInt64
        /// `st_mode`, `st_uid`, `st_gid`.
        public var mode: UInt32
        /// The owner.
        public var owner: UInt32
        /// The group.
        public var group: UInt32

        /// The stamp of `path` (following links), or nil when it cannot be stat'ed.
        public static func of(_ path: String) -> FileStamp? {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            return FileStamp(
                path: path, device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
                modifiedNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                deviceNumber: UInt64(info.st_rdev), mode: info.st_mode, owner: info.st_uid, group: info.st_gid)
        }
    }

    /// The emulator.
    public var qemuSystem: FileStamp?
    /// The KVM device (nil: absent).
    public var kvmDevice: FileStamp?
    /// Whether this process opens the KVM device read-write.
    public var kvmOpens: Bool
    /// The CPU-information file's stamp when it is not the kernel's (tests inject one).
    public var cpuInfo: FileStamp?
    /// The boot id, standing for the CPU flags.
    public var bootID: String?

    /// The key as the host is now, for `binary` and `probe`'s files.
    public static func current(binary: QemuBinary, probe: AcceleratorProbe, bootIDFile: String? = nil) -> HostFactsKey {
        let fd = open(probe.kvmDevicePath, O_RDWR | O_CLOEXEC)
        if fd >= 0 { close(fd) }
        return HostFactsKey(
            qemuSystem: FileStamp.of(binary.systemPath),
            kvmDevice: FileStamp.of(probe.kvmDevicePath),
            kvmOpens: fd >= 0,
            cpuInfo: probe.cpuInfoPath.hasPrefix("/proc/") ? nil : FileStamp.of(probe.cpuInfoPath),
            bootID: BootID.current(file: bootIDFile))
    }
}
