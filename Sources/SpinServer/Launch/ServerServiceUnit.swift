import SpinCore

/// The systemd unit that runs `spin-server` as a service, for the system manager
/// (`/etc/systemd/system/spin-server.service`) or a user's (`~/.config/systemd/user/…`).
/// `spin-server unit` prints it; `docs/operations.md` shows it.
///
/// SIGTERM is the stop signal: the server drains (in-flight requests finish, agents hand their
/// leases back) and exits 0, which systemd records as a clean stop.
public struct ServerServiceUnit: Sendable, Hashable {
    /// Which systemd manager runs the service.
    public enum Manager: String, Sendable, Hashable {
        /// The system manager: `multi-user.target`, root `/var/lib/spin` by default.
        case system
        /// A user's manager: `default.target`, the user's `~/.config/spin` by default.
        case user
    }

    /// The unit's file name.
    public static let name = "spin-server.service"

    /// Which manager runs it.
    public var manager: Manager
    /// The absolute path of the `spin-server` binary.
    public var executable: String
    /// The data root; nil is the manager's default.
    public var root: String?
    /// More `serve` arguments (e.g. `--listen 127.0.0.1:8080`).
    public var arguments: [String]

    /// Describes a unit.
    public init(manager: Manager, executable: String, root: String? = nil, arguments: [String] = []) {
        self.manager = manager
        self.executable = executable
        self.root = root
        self.arguments = arguments
    }

    /// The root the service uses: `root`, else `/var/lib/spin` for the system manager; a user
    /// service without one takes spin's own default (`~/.config/spin` of the user).
    var effectiveRoot: String? { root ?? (manager == .system ? "/var/lib/spin" : nil) }

    /// The unit file's text.
    /// - Throws: `.invalidArgument` for a relative executable or a value a unit file cannot carry.
    public func rendered() throws(SpinError) -> String {
        var argv = [executable, "serve"]
        if let effectiveRoot { argv += ["--root", effectiveRoot] }
        argv += arguments
        var lines = ["[Unit]", "Description=spin API server"]
        if manager == .system { lines += ["After=network.target"] }
        lines += ["", "[Service]", "Type=exec"]
        if let effectiveRoot {
            lines.append("Environment=" + (try UnitFileSyntax.quoteWord("SPIN_ROOT=" + effectiveRoot, expandsVariables: false, field: "Environment")))
        }
        lines += [
            "ExecStart=" + (try UnitFileSyntax.commandLine(argv, field: "ExecStart")),
            "# SIGTERM drains: in-flight requests finish, agents hand back their leases, exit 0.",
            "KillSignal=SIGTERM",
            "TimeoutStopSec=90",
            "Restart=on-failure",
            "UMask=0077",
            "",
            "[Install]",
            "WantedBy=" + (manager == .system ? "multi-user.target" : "default.target"),
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
