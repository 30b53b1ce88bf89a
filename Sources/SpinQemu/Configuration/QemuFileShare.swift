/// A host directory shared with the guest over virtiofs: a `vhost-user-fs-pci` device whose
/// file system is served by a `virtiofsd` listening on `socketPath` (``QemuVirtiofsd``). The
/// guest mounts it by tag: `mount -t virtiofs TAG /path`. vhost-user needs the guest's RAM
/// shared with the daemon, so a configuration with shares backs its memory with a shared memfd.
public struct QemuFileShare: Sendable, Equatable, Codable {
    /// The tag the guest mounts it by (1…36 bytes).
    public var tag: String
    /// The vhost-user socket `virtiofsd` listens on.
    public var socketPath: String

    /// Creates a share.
    public init(tag: String, socketPath: String) {
        self.tag = tag
        self.socketPath = socketPath
    }

    /// `-chardev socket,id=fs<index>,path=…` and `-device vhost-user-fs-pci,chardev=fs<index>,tag=…`.
    public func qemuArguments(index: Int) -> [String] {
        [
            "-chardev", QemuOption.list("socket", [("id", "fs\(index)"), ("path", socketPath)]),
            "-device", QemuOption.list("vhost-user-fs-pci", [("chardev", "fs\(index)"), ("tag", tag), ("id", "virtiofs\(index)")]),
        ]
    }
}
