/// Runs `operation`, throwing `timeoutError` (and cancelling the operation) if `timeout`
/// elapses first on `clock`. A `nil` timeout waits for as long as it takes.
///
/// Shared by the QMP and guest agent clients; `operation` must honour cancellation (their
/// waits do, through `withTaskCancellationHandler`).
func withDeadline<T: Sendable>(
    _ timeout: Duration?, clock: any Clock<Duration>, timeoutError: @autoclosure () -> any Error,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    guard let timeout else { return try await operation() }
    let value = try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await clock.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        return try await group.next() ?? nil
    }
    guard let value else { throw timeoutError() }
    return value
}
