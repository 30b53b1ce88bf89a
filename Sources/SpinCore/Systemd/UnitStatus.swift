/// A unit's state as systemd reports it (properties of `org.freedesktop.systemd1.Unit` and
/// `org.freedesktop.systemd1.Service`).
public struct UnitStatus: Sendable, Hashable {
    /// The unit name, such as `spin-1.service`.
    public var name: String
    /// `loaded`, `not-found`, `bad-setting`, `error` or `masked`.
    public var loadState: String = ""
    /// `active`, `reloading`, `inactive`, `failed`, `activating` or `deactivating`.
    public var activeState: String = ""
    /// The unit-type specific state, such as `running`, `dead`, `failed` or `stop-sigterm`.
    public var subState: String = ""
    /// The main process id, or 0 when there is none.
    public var mainPID: UInt32 = 0
    /// The main process's exit status (or signal number) from its last run.
    public var execMainStatus: Int32 = 0
    /// How the main process last ended: 0 never, 1 exited (`CLD_EXITED`), 2 killed (`CLD_KILLED`),
    /// 3 dumped core (`CLD_DUMPED`).
    public var execMainCode: Int32 = 0
    /// The service result: `success`, `exit-code`, `signal`, `core-dump`, `timeout`, …
    public var result: String = ""
    /// How many times systemd restarted the service.
    public var restarts: UInt32 = 0

    /// Creates a status with empty fields.
    public init(name: String) { self.name = name }

    /// Whether the unit is `active`.
    public var isActive: Bool { activeState == "active" }
    /// Whether the unit is `failed`.
    public var isFailed: Bool { activeState == "failed" }

    /// The main process ended by a signal (`CLD_KILLED` or `CLD_DUMPED`).
    public var mainProcessWasKilled: Bool { execMainCode == 2 || execMainCode == 3 }

    /// Applies properties from a `GetAll` reply or a `PropertiesChanged` signal; unknown names
    /// are ignored. Returns whether a field changed.
    @discardableResult
    mutating func apply(_ properties: [String: BusValue]) -> Bool {
        let before = self
        for (key, value) in properties {
            switch key {
            case "LoadState": value.stringValue.map { loadState = $0 }
            case "ActiveState": value.stringValue.map { activeState = $0 }
            case "SubState": value.stringValue.map { subState = $0 }
            case "MainPID": value.uint32Value.map { mainPID = $0 }
            case "ExecMainStatus": value.int32Value.map { execMainStatus = $0 }
            case "ExecMainCode": value.int32Value.map { execMainCode = $0 }
            case "Result": value.stringValue.map { result = $0 }
            case "NRestarts": value.uint32Value.map { restarts = $0 }
            default: break
            }
        }
        return before != self
    }
}
