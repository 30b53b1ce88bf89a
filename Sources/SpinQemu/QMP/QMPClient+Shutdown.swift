extension QMPClient {
    /// Asks the guest to power off (`system_powerdown`) and waits up to `timeout` for a
    /// `SHUTDOWN` event or for the connection to close (QEMU exited).
    ///
    /// - Returns: `true` if the guest powered off (or QEMU was already gone), `false` if the
    ///   timeout passed first — the caller then decides whether to `quit` or kill.
    public func shutdown(timeout: Duration) async throws -> Bool {
        let events = self.events()
        do {
            try await systemPowerdown()
        } catch QMPError.disconnected {
            return true
        }
        do {
            return try await Self.withTimeout(timeout, clock: clock) {
                for await event in events where event.name == "SHUTDOWN" {
                    return true
                }
                return true  // the stream ended: the connection closed.
            }
        } catch QMPError.timeout {
            return false
        }
    }
}
