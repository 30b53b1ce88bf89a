/// How to run the `virtiofsd` that serves one ``QemuFileShare`` (Debian's qemu-system-common
/// ships the C daemon at ``defaultPath``). It serves one connection: when qemu goes away it
/// exits, so it lives exactly as long as the VM it was started for.
public struct QemuVirtiofsd: Sendable, Equatable, Codable {
    /// Where Debian 12 installs it.
    public static let defaultPath = "/usr/lib/qemu/virtiofsd"

    /// The daemon's binary.
    public var executable: String
    /// The vhost-user socket it listens on (qemu's ``QemuFileShare/socketPath``).
    public var socketPath: String
    /// The host directory it serves.
    public var sourceDirectory: String
    /// The group given the socket, so qemu running as another user can connect; nil: none.
    public var socketGroup: String?

    /// Creates a daemon description.
    public init(executable: String = QemuVirtiofsd.defaultPath, socketPath: String, sourceDirectory: String, socketGroup: String? = nil) {
        self.executable = executable
        self.socketPath = socketPath
        self.sourceDirectory = sourceDirectory
        self.socketGroup = socketGroup
    }

    /// Whether `path` can be given as `-o source=`: FUSE-style options split at commas, so a
    /// path with a comma (or a backslash, their escape) is refused rather than misread.
    public static func isServable(_ path: String) -> Bool {
        !path.contains(",") && !path.contains("\\")
    }

    /// Its argv (without the executable): the socket, the source, `cache=auto`, the namespace
    /// sandbox (the daemon pivots into the directory), and `--daemonize` when asked (it returns
    /// once the socket listens).
    public func arguments(daemonize: Bool) -> [String] {
        var arguments = ["--socket-path=\(socketPath)", "-o", "source=\(sourceDirectory)", "-o", "cache=auto", "-o", "sandbox=namespace"]
        if let socketGroup { arguments.append("--socket-group=\(socketGroup)") }
        arguments.append(daemonize ? "--daemonize" : "-f")
        return arguments
    }
}
