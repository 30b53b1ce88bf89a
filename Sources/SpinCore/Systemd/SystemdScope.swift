/// Which systemd manager a ``SystemdManager`` talks to, and how.
public enum SystemdScope: Sendable, Hashable, CustomStringConvertible {
    /// A user manager through its private peer-to-peer socket
    /// `<runtimeDirectory>/systemd/private` (no D-Bus daemon involved). This is what tests use,
    /// and it works wherever a `systemd --user` runs, even without a session bus.
    case user(runtimeDirectory: String)
    /// The user manager of the calling user through the session bus (`sd_bus_open_user`).
    case userBus
    /// The system manager through the system bus (`sd_bus_open_system`).
    case system

    /// The private socket path, for ``user(runtimeDirectory:)``.
    public var privateSocketPath: String? {
        guard case .user(let runtimeDirectory) = self else { return nil }
        return runtimeDirectory + "/systemd/private"
    }

    public var description: String {
        switch self {
        case .user(let runtimeDirectory): "user manager at \(runtimeDirectory)/systemd/private"
        case .userBus: "user manager on the session bus"
        case .system: "system manager on the system bus"
        }
    }
}
