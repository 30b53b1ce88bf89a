import Foundation
import Logging
import PostgresNIO
import SpinModel

/// Statements run inside a broker transaction; each takes the transaction's connection.
extension PostgresBroker {
    static let queryLogger = Logger(label: "spin.postgres")

    static func insertPackage(_ connection: PostgresConnection) async throws -> UInt64 {
        let rows = try await connection.query("INSERT INTO broker_packages (state) VALUES ('open') RETURNING id", logger: queryLogger)
        for try await id in rows.decode(Int64.self) { return UInt64(id) }
        throw SpinError(.internal, "the PostgreSQL store returned no id for a new package")
    }

    /// Locks a package's row for the rest of the transaction and returns its state.
    static func lockPackage(_ connection: PostgresConnection, _ id: UInt64) async throws -> PackageState {
        let rows = try await connection.query("SELECT state FROM broker_packages WHERE id = \(Int64(clamping: id)) FOR UPDATE", logger: queryLogger)
        for try await text in rows.decode(String.self) {
            if let state = PackageState(rawValue: text) { return state }
        }
        throw notFound(id)
    }

    static func loadPackage(_ connection: PostgresConnection, _ id: UInt64) async throws -> PackageRecord {
        let rows = try await connection.query("SELECT \(unescaped: PostgresRows.packageColumns) FROM broker_packages WHERE id = \(Int64(clamping: id))", logger: queryLogger)
        for try await row in rows { return try PostgresRows.package(row) }
        throw notFound(id)
    }

    static func notFound(_ id: UInt64) -> SpinError {
        SpinError(.notFound, "package \(id) does not exist (finished packages are pruned after their retention); create one with spin package new")
    }

    /// Adds a pending command to an open package (locked by the caller).
    static func insert(_ connection: PostgresConnection, _ draft: CommandDraft, into package: UInt64) async throws {
        let dependencies = Array(Set(draft.dependencies))
        if !dependencies.isEmpty {
            let rows = try await connection.query(
                "SELECT count(*) FROM broker_commands WHERE id = ANY(\(dependencies)) AND package_id = \(Int64(clamping: package))", logger: queryLogger)
            var found = 0
            for try await count in rows.decode(Int64.self) { found = Int(count) }
            if found != dependencies.count {
                let first = dependencies.first { _ in true }.map { "\($0)" } ?? ""
                throw SpinError(.invalidArgument, "a dependency (\(first)…) of \(draft.resource).\(draft.action) is not an earlier command of package \(package); add it to the package first")
            }
        }
        do {
            try await connection.query(
                """
                INSERT INTO broker_commands (id, package_id, resource, action, parameters, state, unmet_dependencies)
                VALUES (\(draft.id), \(Int64(clamping: package)), \(draft.resource), \(draft.action), \(try PostgresRows.json(draft.parameters))::jsonb, 'pending', \(dependencies.count))
                """, logger: queryLogger)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw SpinError(.conflict, "command \(draft.id) already exists; give each command a new id")
        }
        if !dependencies.isEmpty {
            try await connection.query(
                "INSERT INTO broker_dependencies (command_id, depends_on) SELECT \(draft.id), unnest(\(dependencies))", logger: queryLogger)
        }
        try await connection.query(
            "UPDATE broker_packages SET command_count = command_count + 1, remaining = remaining + 1 WHERE id = \(Int64(clamping: package))", logger: queryLogger)
    }

    /// Moves an open package (locked by the caller) to enqueued: commands without
    /// dependencies join their queues; an empty package succeeds at once.
    /// - Returns: the notifications to send and the events to publish once the transaction
    ///   commits.
    static func enqueue(_ connection: PostgresConnection, _ package: UInt64) async throws -> ([String], [BrokerEvent]) {
        let id = Int64(clamping: package)
        let ready = try await connection.query(
            """
            UPDATE broker_commands SET state = 'ready'
            WHERE package_id = \(id) AND state = 'pending' AND unmet_dependencies = 0
            RETURNING id, ord, resource
            """, logger: queryLogger)
        var resources: Set<String> = []
        var released: [(order: Int64, event: BrokerEvent)] = []
        for try await (command, order, resource) in ready.decode((UUID, Int64, String).self) {
            resources.insert(resource)
            released.append((order, .commandChanged(id: command, package: package, resource: resource, state: .ready)))
        }
        let rows = try await connection.query(
            """
            UPDATE broker_packages SET
                state = CASE WHEN command_count = 0 THEN 'succeeded' ELSE 'enqueued' END,
                enqueued_at = clock_timestamp(),
                finished_at = CASE WHEN command_count = 0 THEN clock_timestamp() END
            WHERE id = \(id)
            RETURNING state
            """, logger: queryLogger)
        var state = PackageState.enqueued
        for try await text in rows.decode(String.self) { state = PackageState(rawValue: text) ?? state }
        let events = released.sorted { $0.order < $1.order }.map(\.event) + [.packageChanged(id: package, state: state)]
        return (resources.map { "ready:" + $0 } + ["package:\(package)"], events)
    }
}
