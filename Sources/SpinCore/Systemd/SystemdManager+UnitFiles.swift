extension SystemdManager {
    /// Enables unit files (`EnableUnitFiles`, persistent, replacing conflicting links): systemd
    /// creates the links their `[Install]` sections name (`WantedBy=default.target` →
    /// `default.target.wants/<name>`), so the manager starts them when it starts. Enabling
    /// twice is harmless. Call ``reload(timeout:)`` afterwards for the running manager to see
    /// the new dependencies.
    public func enableUnitFiles(_ names: [String], timeout: Duration? = nil) async throws(SpinError) {
        try await call("EnableUnitFiles", [.stringArray(names), .bool(false), .bool(true)],
                       describing: "enable \(names.joined(separator: " "))", timeout: timeout) { _ throws(SpinError) in () }
    }

    /// Disables unit files (`DisableUnitFiles`, persistent): removes every link to them from
    /// the manager's configuration directories. Disabling twice is harmless.
    public func disableUnitFiles(_ names: [String], timeout: Duration? = nil) async throws(SpinError) {
        try await call("DisableUnitFiles", [.stringArray(names), .bool(false)],
                       describing: "disable \(names.joined(separator: " "))", timeout: timeout) { _ throws(SpinError) in () }
    }

    /// The unit file's enablement (`GetUnitFileState`): `enabled`, `disabled`, `static`, …
    /// - Throws: ``SpinError`` when systemd finds no such unit file.
    public func unitFileState(_ name: String, timeout: Duration? = nil) async throws(SpinError) -> String {
        try await call("GetUnitFileState", [.string(name)], describing: "read the enablement of \(name)",
                       timeout: timeout) { reply throws(SpinError) in try reply.readString() }
    }
}
