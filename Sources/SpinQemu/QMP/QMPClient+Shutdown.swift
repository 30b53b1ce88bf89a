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
    /// A guest that ignores the button (no ACPI handling) can be asked another way: with
    /// `fallback`, once `fallback.after` has passed without a power-off, its `action` runs
    /// once (e.g. the guest agent's `guest-shutdown`) while the wait goes on to `timeout`; the
    /// button is still pressed meanwhile.
    ///
    /// - Returns: `true` if the guest powered off (or QEMU was already gone), `false` if the
    ///   timeout passed first — the caller then decides whether to `quit` or kill.
    public func shutdown(timeout: Duration, pressEvery: Duration = QMPClient.powerButtonRepeat, fallback: ShutdownFallback? = nil) async throws -> Bool {
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
                        let stopwatch = Stopwatch(clock: clock)
                        var pending = fallback
                        var lastPress = Duration.zero
                        while true {
                            let nextPress = lastPress + pressEvery
                            let wake = pending.map { min($0.after, nextPress) } ?? nextPress
                            let elapsed = stopwatch.elapsed
                            if wake > elapsed { try await clock.sleep(for: wake - elapsed) }
                            if let due = pending, stopwatch.elapsed >= due.after {
                                pending = nil
                                await due.action()
                                continue
                            }
                            lastPress = stopwatch.elapsed
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

/// What ``QMPClient/shutdown(timeout:pressEvery:fallback:)`` does for a guest that has not
/// powered off after the ACPI button: run `action` once, `after` the first press.
public struct ShutdownFallback: Sendable {
    /// How long after the first press.
    public var after: Duration
    /// What to do (it should not take long; the wait goes on meanwhile only after it returns).
    public var action: @Sendable () async -> Void

    /// Creates a fallback.
    public init(after: Duration, action: @escaping @Sendable () async -> Void) {
        self.after = after
        self.action = action
    }
}
