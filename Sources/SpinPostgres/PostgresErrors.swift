import Foundation
import PostgresNIO
import SpinModel

/// What PostgresNIO throws, as ``SpinError`` codes a caller (and the HTTP API) can act on.
enum PostgresErrors {
    /// Translates `error` for the store described by `store`.
    ///
    /// - The database unreachable, restarting or shutting down → `.unavailable` (HTTP 503),
    ///   with the store named, so a client retries later.
    /// - A unique violation → `.conflict`; other constraint violations → `.failedPrecondition`.
    /// - Deadlocks and serialization failures → ``RetryableConflict`` (retried by the store).
    /// - A ``SpinError`` (thrown by spin's own checks inside a transaction) passes unchanged,
    ///   and so does a ``CallerError`` (what a caller's closure threw).
    static func translate(_ error: any Error, store: String) -> any Error {
        if error is SpinError || error is RetryableConflict || error is CancellationError || error is CallerError { return error }
        if let transaction = error as? PostgresTransactionError {
            if let inner = transaction.closureError ?? transaction.commitError ?? transaction.beginError {
                return translate(inner, store: store)
            }
            return SpinError(.unavailable, "the PostgreSQL store at \(store) failed a transaction: \(transaction)", cause: StoreOutage(underlying: transaction))
        }
        guard let psql = error as? PSQLError else {
            return SpinError(.internal, "the PostgreSQL store at \(store) failed: \(error)", cause: error)
        }
        if let state = psql.serverInfo?[.sqlState] {
            let message = psql.serverInfo?[.message] ?? "\(psql.code)"
            switch state {
            case "40001", "40P01":
                return RetryableConflict(underlying: psql)
            case "23505":
                return SpinError(.conflict, "the PostgreSQL store refused a duplicate: \(message)", cause: psql)
            case let code where code.hasPrefix("23"):
                return SpinError(.failedPrecondition, "the PostgreSQL store refused a change: \(message)", cause: psql)
            case let code where code.hasPrefix("08") || code.hasPrefix("57") || code == "53300":
                return SpinError(.unavailable, "the PostgreSQL store at \(store) is not available (\(message)); spin works again once it is back", cause: StoreOutage(underlying: psql))
            case "28000", "28P01":
                return SpinError(.unavailable, "the PostgreSQL store at \(store) refused to log in (\(message)); check the user and password in the store URL", cause: psql)
            case "3D000":
                return SpinError(.unavailable, "the PostgreSQL store at \(store) has no such database (\(message)); create it with createdb", cause: psql)
            default:
                return SpinError(.internal, "the PostgreSQL store at \(store) failed: \(message) (SQLSTATE \(state))", cause: psql)
            }
        }
        switch psql.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed, .sslUnsupported, .failedToAddSSLHandler:
            let detail = psql.underlying.map { "\($0)" } ?? "\(psql.code)"
            return SpinError(.unavailable, "the PostgreSQL store at \(store) is unreachable (\(detail)); check that the database is running, spin works again once it is back", cause: StoreOutage(underlying: psql))
        case .queryCancelled:
            return CancellationError()
        default:
            return SpinError(.internal, "the PostgreSQL store at \(store) failed: \(psql.code)", cause: psql)
        }
    }
}

/// An error a caller's closure (a registry change) threw inside a transaction, carried through
/// the store's translation unchanged so the caller gets it back as it was.
struct CallerError: Error {
    let underlying: any Error
}
