import CSystemd

extension SystemdManager {
    /// Starts a unit (`StartUnit`, mode `replace`) and waits until systemd removes the job.
    ///
    /// - Returns: the job's result; `.done` means the unit started (for `Type=simple`, that its
    ///   process was forked). Other results are returned, not thrown.
    /// - Throws: ``SpinError`` when systemd refuses the job (naming the unit and the D-Bus
    ///   error) or `.timeout` when the job does not finish within `timeout`.
    public func startUnit(_ name: String, mode: String = "replace", timeout: Duration? = nil) async throws(SpinError) -> JobResult {
        try await runJob("StartUnit", unit: name, mode: mode, verb: "start", timeout: timeout, idempotent: true)
    }

    /// Stops a unit (`StopUnit`) and waits until systemd removes the job.
    public func stopUnit(_ name: String, mode: String = "replace", timeout: Duration? = nil) async throws(SpinError) -> JobResult {
        try await runJob("StopUnit", unit: name, mode: mode, verb: "stop", timeout: timeout, idempotent: true)
    }

    /// Restarts a unit (`RestartUnit`) and waits until systemd removes the job.
    public func restartUnit(_ name: String, mode: String = "replace", timeout: Duration? = nil) async throws(SpinError) -> JobResult {
        try await runJob("RestartUnit", unit: name, mode: mode, verb: "restart", timeout: timeout, idempotent: false)
    }

    /// Sends `signal` to a unit's processes (`KillUnit`); `whom` is `all`, `main` or `control`.
    /// Returns once systemd has sent the signal, not when the processes are gone.
    public func killUnit(_ name: String, whom: String = "all", signal: Int32, timeout: Duration? = nil) async throws(SpinError) {
        try await call("KillUnit", [.string(name), .string(whom), .int32(signal)],
                       describing: "send signal \(signal) to \(whom) of \(name)", timeout: timeout,
                       idempotent: false) { _ throws(SpinError) in () }
    }

    /// Clears a unit's `failed` state (`ResetFailedUnit`).
    public func resetFailedUnit(_ name: String, timeout: Duration? = nil) async throws(SpinError) {
        try await call("ResetFailedUnit", [.string(name)], describing: "reset the failed state of \(name)",
                       timeout: timeout) { _ throws(SpinError) in () }
    }

    /// Reloads unit files (`Reload`, as `systemctl daemon-reload`). systemd answers only after the
    /// reload finished, so units written before are known when this returns.
    public func reload(timeout: Duration? = nil) async throws(SpinError) {
        try await call("Reload", describing: "reload unit files (daemon-reload)",
                       timeout: timeout) { _ throws(SpinError) in () }
    }

    /// The manager's version string (property `Version`); a cheap liveness probe.
    public func version(timeout: Duration? = nil) async throws(SpinError) -> String {
        try await call("Get", interface: Self.propertiesInterface,
                       [.string(Self.managerInterface), .string("Version")],
                       describing: "read the systemd version", timeout: timeout) { reply throws(SpinError) in
            guard let version = try reply.readVariant().stringValue else {
                throw SpinError(.internal, "systemd's Version property is not a string")
            }
            return version
        }
    }

    /// Queues a job and waits for its `JobRemoved` signal. A job whose connection dropped
    /// before it was removed is queued again on a new connection when `idempotent` (starting a
    /// started unit or stopping a stopped one is a no-op job).
    private func runJob(_ method: String, unit: String, mode: String, verb: String,
                        timeout: Duration?, idempotent: Bool) async throws(SpinError) -> JobResult {
        let what = "\(verb) \(unit)"
        return try await withConnection(idempotent: idempotent) { () async throws(SpinError) -> JobResult in
            try await queueJob(method, unit: unit, mode: mode, what: what, timeout: timeout)
        }
    }

    private func queueJob(_ method: String, unit: String, mode: String, what: String,
                          timeout: Duration?) async throws(SpinError) -> JobResult {
        try await perform(what, timeout: timeout) { token, finish throws(SpinError) in
            try send(method, path: Self.managerPath, interface: Self.managerInterface,
                     [.string(unit), .string(mode)], token: token, what: what) { [self] reply in
                do throws(SpinError) {
                    let job = try reply.readString("o")
                    // Registered while the reply is dispatched, before any later signal is.
                    jobWaiters[job] = token
                    inFlight[token]?.onJobRemoved = { finish(.success($0)) }
                } catch {
                    finish(.failure(error))
                }
            }
        }
    }

    /// `JobRemoved(u id, o job, s unit, s result)`.
    func handleJobRemoved(_ reader: BusMessageReader) {
        guard (try? reader.readFixed("u", as: UInt32.self)) != nil,
            let job = try? reader.readString("o"),
            (try? reader.readString()) != nil,
            let result = try? reader.readString(),
            let token = jobWaiters.removeValue(forKey: job)
        else { return }
        inFlight[token]?.onJobRemoved?(JobResult(rawValue: result))
    }
}
