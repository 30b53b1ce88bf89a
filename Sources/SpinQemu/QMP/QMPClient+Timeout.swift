extension QMPClient {
    /// Runs `operation`, throwing ``QMPError/timeout`` (and cancelling it) if `timeout`
    /// elapses first on `clock`. A `nil` timeout waits for as long as it takes.
    static func withTimeout<T: Sendable>(
        _ timeout: Duration?, clock: any Clock<Duration>,
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        guard let timeout else { return try await operation() }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await clock.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw QMPError.timeout
            }
            return value
        }
    }
}
