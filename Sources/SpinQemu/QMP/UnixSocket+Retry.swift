extension UnixSocket {
    /// Connects to `path`, retrying every 2 ms for up to `window` while the listener is not
    /// ready yet (`ENOENT`, `ECONNREFUSED`, `EAGAIN`: QEMU creates a socket file a moment
    /// before it listens, and serves one client at a time on a chardev socket).
    static func connect(
        path: String, retryingFor window: Duration, clock: any Clock<Duration>
    ) async throws -> Result<Int32, ConnectFailure> {
        let stopwatch = Stopwatch(clock: clock)
        while true {
            do {
                return .success(try connect(path: path))
            } catch let failure {
                guard failure.isRetryable, stopwatch.elapsed < window else {
                    return .failure(failure)
                }
            }
            try await clock.sleep(for: .milliseconds(2))
        }
    }
}
