/// A systemd service unit for one VM, rendered to unit-file text by ``rendered()``.
///
/// Always `Type=simple`. `Restart=no` unless ``restart`` says otherwise: spin decides about a
/// VM's restarts itself; a network's dnsmasq is restarted by systemd (`on-failure`).
public struct UnitFile: Sendable, Hashable {
    /// When systemd restarts the service (`Restart=`).
    public enum Restart: String, Sendable, Hashable {
        /// Never (a VM: spin decides).
        case no
        /// After an unclean exit, a crash or a kill by a signal other than SIGHUP, SIGINT,
        /// SIGTERM or SIGPIPE.
        case onFailure = "on-failure"
        /// Whenever it ends, except when stopped through the manager.
        case always
    }

    /// How systemd kills the service's processes on stop (`KillMode=`).
    public enum KillMode: String, Sendable, Hashable {
        /// All processes of the unit's control group get the stop signal.
        case controlGroup = "control-group"
        /// The main process gets SIGTERM, every remaining process gets SIGKILL.
        case mixed
        /// Only the main process is killed.
        case process
        /// No process is killed; only `ExecStop=` runs.
        case none
    }

    /// The unit file name, such as `spin-1.service`.
    public var name: String
    /// `Description=`.
    public var description: String
    /// `ExecStart=` as an argument vector; the program must be an absolute path.
    public var execStart: [String]
    /// `ExecStartPre=` commands, each an argument vector, run in order before `ExecStart=`.
    public var execStartPre: [[String]]
    /// `ExecStop=` as an argument vector, if any.
    public var execStop: [String]?
    /// `TimeoutStopSec=`: how long systemd waits after stopping before SIGKILL.
    public var timeoutStop: Duration?
    /// `KillMode=`.
    public var killMode: KillMode?
    /// `Environment=` variables, written sorted by name.
    public var environment: [String: String]
    /// `WorkingDirectory=`, an absolute path.
    public var workingDirectory: String?
    /// `After=` units.
    public var after: [String]
    /// `Wants=` units.
    public var wants: [String]
    /// `WantedBy=` in `[Install]`, for enabling autostart (``SystemdManager/enableUnitFiles(_:timeout:)``
    /// links the unit into each target's `.wants/`). Empty: no `[Install]` section.
    public var wantedBy: [String]
    /// A file that receives the service's standard output and error
    /// (`StandardOutput=append:` / `StandardError=append:`), an absolute path.
    public var logFile: String?
    /// The confinement when qemu runs as another user; nil: none. With one, `ExecStartPre=`
    /// and `ExecStop=` run with full privileges (`+`).
    public var sandbox: UnitSandbox?
    /// `Restart=`; with one other than `.no`, `RestartSec=1s`.
    public var restart: Restart = .no

    /// Creates a unit description.
    public init(
        name: String, description: String, execStart: [String], execStartPre: [[String]] = [], execStop: [String]? = nil,
        timeoutStop: Duration? = nil, killMode: KillMode? = nil, environment: [String: String] = [:],
        workingDirectory: String? = nil, after: [String] = [], wants: [String] = [], wantedBy: [String] = [],
        logFile: String? = nil, sandbox: UnitSandbox? = nil
    ) {
        self.name = name
        self.description = description
        self.execStart = execStart
        self.execStartPre = execStartPre
        self.execStop = execStop
        self.timeoutStop = timeoutStop
        self.killMode = killMode
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.after = after
        self.wants = wants
        self.wantedBy = wantedBy
        self.logFile = logFile
        self.sandbox = sandbox
    }

    /// The unit name of a VM: `spin-<id>.service`.
    /// - Throws: `.invalidArgument` unless the id is letters, digits, `_`, `-` or `.`.
    public static func serviceName(forVM id: String) throws(SpinError) -> String {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.".unicodeScalars)
        guard !id.isEmpty, id.unicodeScalars.allSatisfy(allowed.contains) else {
            throw SpinError(.invalidArgument, "VM id \"\(id)\" cannot name a systemd unit; use letters, digits, _, - or .")
        }
        return "spin-\(id).service"
    }
}
