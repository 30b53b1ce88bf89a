extension QMPClient {
    /// How often ``shutdown(timeout:pressEvery:)`` presses the power button again by default.
    public static let powerButtonRepeat: Duration = .seconds(3)

    /// Asks the guest to power off (`system_powerdown`) and waits up to `timeout` for a
    /// `SHUTDOWN` event or for the connection to close (QEMU exited).
    ///
    /// The button is pressed again every `pressEvery` while the wait lasts: a guest that was
    /// still booting when it was first pressed (no ACPI daemon listening yet) drops that press,
    /// and would otherwise sit out the whole timeout before being forced. A guest already
    /// shutting down ignores the extra presses.
    ///
    /// - Returns: `true` if the guest powered off (or QEMU was already gone), `false` if the
    ///   timeout passed first — the caller then decides whether to `quit` or kill.
    public func shutdown(timeout: Duration, pressEvery: Duration = QMPClient.powerButtonRepeat) async throws -> Bool {
        let events = self.events()
        do {
            try await systemPowerdown()
        } catch QMPError.disconnected {
            return true
        }
        let clock = self.clock
        do {
            return try await Self.withTimeout(timeout, clock: clock) {
                try await withThrowingTaskGroup(of: Bool.self) { group in
                    group.addTask {
                        for await event in events where event.name == "SHUTDOWN" {
                            return true
                        }
                        return true  // the stream ended: the connection closed.
                    }
                    group.addTask {
                        while true {
                            try await clock.sleep(for: pressEvery)
                            do {
                                try await self.systemPowerdown()
                            } catch QMPError.disconnected {
                                return true
                            } catch {
                                // A press qemu refused (it is quitting): the wait decides.
                            }
                        }
                    }
                    defer { group.cancelAll() }
                    return try await group.next() ?? true
                }
            }
        } catch QMPError.timeout {
            return false
        }
    }
}
