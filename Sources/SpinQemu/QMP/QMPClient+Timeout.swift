extension QMPClient {
    /// Runs `operation`, throwing ``QMPError/timeout`` (and cancelling it) if `timeout`
    /// elapses first on `clock`. A `nil` timeout waits for as long as it takes.
    static func withTimeout<T: Sendable>(
        _ timeout: Duration?, clock: any Clock<Duration>,
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withDeadline(timeout, clock: clock, timeoutError: QMPError.timeout, operation)
    }
}
