import CSystemd

extension SystemdManager {
    /// The unit's object path, loading the unit if needed (`LoadUnit`).
    public func loadUnit(_ name: String, timeout: Duration? = nil) async throws(SpinError) -> String {
        try await call("LoadUnit", [.string(name)], describing: "load \(name)", timeout: timeout) { reply throws(SpinError) in
            try reply.readString("o")
        }
    }

    /// The object path of a loaded unit (`GetUnit`); `.notFound` when systemd has not loaded it.
    public func unitPath(_ name: String, timeout: Duration? = nil) async throws(SpinError) -> String {
        try await call("GetUnit", [.string(name)], describing: "find \(name)", timeout: timeout) { reply throws(SpinError) in
            try reply.readString("o")
        }
    }

    /// The unit's current state (loading it if needed). A missing unit file gives
    /// `loadState == "not-found"` and `activeState == "inactive"`, not an error.
    public func status(of name: String, timeout: Duration? = nil) async throws(SpinError) -> UnitStatus {
        let path = try await loadUnit(name, timeout: timeout)
        return try await status(of: name, at: path, timeout: timeout)
    }

    /// Reads the unit's properties from every interface in one `GetAll` (empty interface name),
    /// so Unit and Service fields come from one consistent snapshot.
    ///
    /// `whileDispatching` sees the status while the reply is being dispatched, before any later
    /// message is: stream code uses it so no signal newer than the snapshot can slip past.
    func status(
        of name: String, at path: String, timeout: Duration?,
        whileDispatching: @escaping (UnitStatus) -> Void = { _ in }
    ) async throws(SpinError) -> UnitStatus {
        try await call("GetAll", path: path, interface: Self.propertiesInterface, [.string("")],
                       describing: "read the properties of \(name)", timeout: timeout) { reply throws(SpinError) in
            var status = UnitStatus(name: name)
            status.apply(try reply.readPropertyDictionary())
            whileDispatching(status)
            return status
        }
    }
}
