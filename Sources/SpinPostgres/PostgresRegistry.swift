import Foundation
import Logging
import PostgresNIO
import SpinCore
import SpinModel

/// The registry in PostgreSQL: the same contract as the LMDB ``Registry``
/// (``RegistryStore``), for any number of API servers on one database.
///
/// ```swift
/// let store = try await PostgresStore.connect(location)
/// try await store.migrate()
/// let registry = PostgresRegistry(store: store)
/// let vm = try await registry.createVM(VMSpec(name: "web"))
/// ```
///
/// Every call is one transaction. The checks run first, with the LMDB registry's messages,
/// then the rows are written; every rule that must hold across servers (a VM name, a host
/// port, a volume path, an image, a bridge, a subnet, a reserved address) is also a database
/// constraint (migration 2), and a host port is checked under a per-port advisory lock so a
/// wildcard address and a specific one cannot both be taken. A write that loses a race to
/// another server's commit (a unique, exclusion or foreign-key violation) runs again from the
/// start, so the loser sees the winner and refuses with the same message a lone call gives.
/// Change closures may therefore run more than once.
///
/// VM ids come from a sequence: never reused, but a write that lost a race may leave a gap.
public final class PostgresRegistry: RegistryStore, Sendable {
    /// The database.
    public let store: PostgresStore

    /// A registry on `store`, whose schema ``PostgresStore/migrate()`` made.
    public init(store: PostgresStore) {
        self.store = store
    }

    /// How many times a write that lost a race to a constraint is run again before the
    /// database's refusal is reported as it is.
    static let raceAttempts = 5

    static let logger = Logger(label: "spin.postgres.registry")

    /// Runs `body` in a transaction, again from the start when it lost a race to a constraint.
    func write<R: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> R) async throws -> R {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await store.transaction(body)
            } catch let error as SpinError where attempt < Self.raceAttempts && Self.lostRace(error) {
                continue
            } catch let error as CallerError {
                throw error.underlying
            }
        }
    }

    /// Runs `body` on a pooled connection (one statement, or reads that need no snapshot).
    func read<R: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> R) async throws -> R {
        try await store.withConnection(body)
    }

    /// Whether `error` is the database refusing a row another transaction committed first:
    /// a unique (23505), exclusion (23P01) or foreign-key (23503) violation.
    static func lostRace(_ error: SpinError) -> Bool {
        guard let psql = error.cause as? PSQLError, let state = psql.serverInfo?[.sqlState] else { return false }
        return state == "23505" || state == "23P01" || state == "23503"
    }

    // MARK: JSON bodies

    /// `value` as JSON text, for a `::jsonb` parameter.
    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    /// A `body` column read as text, decoded.
    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw SpinError(.internal, "the PostgreSQL registry holds a \(type) it cannot read: \(error)", cause: error)
        }
    }

    /// Runs a caller's change closure, marking what it throws as the caller's own, so the
    /// caller gets it back as it was (a ``SpinError`` passes as it is anyway).
    static func apply<T>(_ change: (inout T) throws -> Void, to value: inout T) throws {
        do {
            try change(&value)
        } catch let error as SpinError {
            throw error
        } catch {
            throw CallerError(underlying: error)
        }
    }
}
