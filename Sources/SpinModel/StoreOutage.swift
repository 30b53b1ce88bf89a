/// The cause of a ``SpinError`` `.unavailable` raised because the store that holds spin's
/// records and queue could not be reached for a while — a restart, a failover, a cut
/// connection — rather than because of what was asked: the same call may succeed as it is
/// once the store is back. Agents hand such a command back instead of failing it, and the
/// facade keeps trying to settle its records.
public struct StoreOutage: Error, Sendable, CustomStringConvertible {
    /// What the store's client reported.
    public let underlying: (any Error & Sendable)?

    /// Wraps what the store's client reported.
    public init(underlying: (any Error & Sendable)?) {
        self.underlying = underlying
    }

    public var description: String { underlying.map { "\($0)" } ?? "the store is out" }

    /// Runs `body`, and again every `interval` while it fails because the store is out, for up
    /// to `limit`; then the outage is thrown. For what must not be given up on a short outage:
    /// undoing records (an undo given up leaves records without files), handing a command back.
    package static func retrying<T: Sendable>(
        for limit: Duration = .seconds(60), every interval: Duration = .milliseconds(500), _ body: () async throws -> T
    ) async throws -> T {
        let deadline = ContinuousClock.now + limit
        while true {
            do {
                return try await body()
            } catch where error.isStoreOutage && ContinuousClock.now < deadline {
                try await Task.sleep(for: interval)
            }
        }
    }
}

extension SpinError {
    /// Whether this error, or one it wraps, is a ``StoreOutage``.
    public var isStoreOutage: Bool {
        var cause = self.cause
        while let current = cause {
            if current is StoreOutage { return true }
            cause = (current as? SpinError)?.cause
        }
        return false
    }
}

extension Error {
    /// Whether this is a ``SpinError`` caused by a ``StoreOutage``.
    public var isStoreOutage: Bool { (self as? SpinError)?.isStoreOutage ?? false }
}
