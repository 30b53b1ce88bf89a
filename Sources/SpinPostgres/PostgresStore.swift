import Foundation
import Logging
import PostgresNIO
import SpinCore
import SpinModel

/// A connection pool to the fleet's PostgreSQL database, with the schema spin expects.
///
/// ```swift
/// let store = try await PostgresStore.connect(PostgresLocation("postgresql:///spin?host=/run/postgresql"))
/// try await store.migrate()
/// let broker = PostgresBroker(store: store, catalog: catalog)
/// ```
///
/// Every call runs within ``PostgresStoreOptions/requestTimeout``: while the database is down
/// or unreachable, calls fail with ``SpinError`` `.unavailable` naming the store, instead of
/// waiting, and work resumes by itself when the database is back (the pool reconnects).
public final class PostgresStore: Sendable {
    /// Where the database is.
    public let location: PostgresLocation
    /// Timeouts and pool size.
    public let options: PostgresStoreOptions
    let client: PostgresClient
    let logger: Logger
    private let running: Task<Void, Never>

    private init(location: PostgresLocation, options: PostgresStoreOptions, client: PostgresClient, logger: Logger) {
        self.location = location
        self.options = options
        self.client = client
        self.logger = logger
        running = Task { await client.run() }
    }

    /// Opens a pool to `location` and checks that the database answers.
    /// - Throws: ``SpinError`` `.unavailable` when it does not within the request timeout.
    public static func connect(_ location: PostgresLocation, options: PostgresStoreOptions = .default, logger: Logger = Logger(label: "spin.postgres")) async throws -> PostgresStore {
        try await probe(location, options: options, logger: logger)
        var configuration = location.clientConfiguration()
        configuration.options.connectTimeout = options.connectTimeout
        configuration.options.maximumConnections = options.maximumConnections
        configuration.options.minimumConnections = 0
        // The pool logs every failed connection attempt at info; while the database is down that
        // is a line per retry. Calls report the outage themselves (`.unavailable`).
        var background = logger
        background.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: configuration, backgroundLogger: background)
        return PostgresStore(location: location, options: options, client: client, logger: logger)
    }

    /// Opens and closes one connection, so that a wrong address, user, password or database
    /// is reported at once with the server's own reason (the pool would only retry).
    private static func probe(_ location: PostgresLocation, options: PostgresStoreOptions, logger: Logger) async throws {
        var configuration = try location.connectionConfiguration()
        configuration.options.connectTimeout = TimeAmount.nanoseconds(Int64(options.connectTimeout.components.seconds) * 1_000_000_000 + options.connectTimeout.components.attoseconds / 1_000_000_000)
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try await connection.close()
        } catch {
            throw PostgresErrors.translate(error, store: location.description)
        }
    }

    /// Closes the pool; calls made afterwards fail.
    public func close() async {
        running.cancel()
        _ = await running.value
    }

    /// Runs `body` on a pooled connection, within the request timeout, with database errors
    /// translated into ``SpinError``.
    public func withConnection<R: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> R) async throws -> R {
        try await translatingErrors {
            try await self.client.withConnection { connection in try await body(connection) }
        }
    }

    /// Runs `body` in a transaction (READ COMMITTED; uniqueness and queue order come from
    /// constraints and row locks). A deadlock or serialization failure is retried a few times
    /// from the start, so `body` must only change the database.
    func transaction<R: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> R) async throws -> R {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await translatingErrors {
                    try await self.client.withConnection { connection in
                        try await connection.withTransaction(logger: self.logger) { connection in try await body(connection) }
                    }
                }
            } catch let conflict as RetryableConflict {
                guard attempt < 5 else {
                    throw SpinError(.unavailable, "the PostgreSQL store at \(location.description) aborted the same transaction \(attempt) times in races with other writers (\(conflict.underlying)); try again", cause: StoreOutage(underlying: conflict))
                }
                try await Task.sleep(for: .milliseconds(attempt * 10))
            }
        }
    }

    /// Runs `body` with the request timeout, mapping what PostgresNIO throws to ``SpinError``.
    ///
    /// The caller gets its answer when the timeout passes even if `body` does not end then
    /// (a query on a connection the server cut may not notice cancellation for minutes): `body`
    /// is cancelled and left to finish on its own.
    private func translatingErrors<R: Sendable>(_ body: @escaping @Sendable () async throws -> R) async throws -> R {
        let timeout = options.requestTimeout
        let description = location.description
        let outcome = OnceResult<R>()
        let call = Task {
            do {
                outcome.resume(with: .success(try await body()))
            } catch {
                outcome.resume(with: .failure(error))
            }
        }
        let timer = Task {
            do { try await Task.sleep(for: timeout) } catch { return }
            call.cancel()
            outcome.resume(with: .failure(SpinError(
                .unavailable, "the PostgreSQL store at \(description) did not answer within \(timeout); check that the database is running and reachable",
                cause: StoreOutage(underlying: nil))))
        }
        defer { timer.cancel() }
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { outcome.install($0) }
            } onCancel: {
                call.cancel()
                outcome.resume(with: .failure(CancellationError()))
            }
        } catch {
            throw PostgresErrors.translate(error, store: description)
        }
    }
}

/// A transaction that lost a race the database resolves by aborting it (deadlock,
/// serialization failure); it is retried.
struct RetryableConflict: Error {
    let underlying: any Error
}
