import Foundation
import PostgresNIO
import SpinModel

extension PostgresBroker {
    /// Records the outcome of a command run under `lease`, unless another agent now holds a
    /// live lease on it (its outcome will count instead).
    /// - Returns: whether this call changed anything.
    @discardableResult
    public func complete(_ lease: Lease, success: Bool, reason: String?, errorCode: String?) async throws -> Bool {
        let changed = try await store.transaction { connection -> Bool in
            let holder = try await connection.query(
                """
                SELECT lease_token, (lease_expires_at > clock_timestamp()) AS live
                FROM broker_queue WHERE command_id = \(lease.command.id) FOR UPDATE
                """, logger: Self.queryLogger)
            for try await (token, live) in holder.decode((UUID?, Bool?).self) where live == true && token != lease.token {
                return false
            }
            return try await Self.applyCompletion(connection, lease.command.id, success: success, reason: reason, errorCode: errorCode)
        }
        if changed { signal.notify() }
        return changed
    }

    /// Records a command's outcome whoever holds it. Completing a finished command again
    /// changes nothing.
    @discardableResult
    public func complete(_ id: UUID, success: Bool, reason: String? = nil, errorCode: String? = nil) async throws -> Bool {
        let changed = try await store.transaction { connection in
            try await Self.applyCompletion(connection, id, success: success, reason: reason, errorCode: errorCode)
        }
        if changed { signal.notify() }
        return changed
    }

    /// One completion inside a transaction. Locks, in this order: the command's row, its
    /// dependents' rows, the package's row — the same order for every completion, so two
    /// completions in one package wait for each other instead of deadlocking.
    /// - Returns: false when the command had already finished.
    static func applyCompletion(_ connection: PostgresConnection, _ id: UUID, success: Bool, reason: String?, errorCode: String?) async throws -> Bool {
        let found = try await connection.query(
            "SELECT package_id, resource, action, state FROM broker_commands WHERE id = \(id) FOR UPDATE", logger: queryLogger)
        var row: (Int64, String, String, String)?
        for try await value in found.decode((Int64, String, String, String).self) { row = value }
        guard let (package, resource, action, stateText) = row, let state = CommandState(rawValue: stateText) else {
            throw SpinError(.notFound, "command \(id) does not exist; spin package status PACKAGE lists a package's commands")
        }
        guard !state.isTerminal else { return false }
        guard state == .ready else {
            throw SpinError(.failedPrecondition, "command \(id) (\(resource).\(action)) is \(state.rawValue): it has not been handed to an agent yet")
        }
        let finalState: CommandState = success ? .succeeded : .failed
        let storedReason = success ? reason : (reason ?? "failed without a reason")
        let storedCode = success ? nil : errorCode
        try await connection.query(
            """
            UPDATE broker_commands SET state = \(finalState.rawValue), reason = \(storedReason), error_code = \(storedCode), finished_at = clock_timestamp()
            WHERE id = \(id)
            """, logger: queryLogger)
        try await connection.query("DELETE FROM broker_queue WHERE command_id = \(id)", logger: queryLogger)
        var finishedHere = 1
        if success {
            try await releaseDependents(connection, of: id)
        } else {
            finishedHere += try await cancelDependents(connection, of: id, resource: resource, action: action, reason: storedReason ?? "")
            try await connection.query(
                """
                UPDATE broker_packages SET failure_command = \(id), failure_action = \(resource + "." + action),
                    failure_reason = \(storedReason ?? ""), failure_error_code = \(storedCode)
                WHERE id = \(package) AND failure_command IS NULL
                """, logger: queryLogger)
        }
        let updated = try await connection.query(
            """
            UPDATE broker_packages SET
                remaining = remaining - \(finishedHere),
                state = CASE WHEN remaining - \(finishedHere) > 0 THEN state
                             WHEN failure_command IS NULL THEN 'succeeded' ELSE 'failed' END,
                finished_at = CASE WHEN remaining - \(finishedHere) > 0 THEN finished_at ELSE clock_timestamp() END
            WHERE id = \(package)
            RETURNING state
            """, logger: queryLogger)
        for try await packageState in updated.decode(String.self) where packageState == "succeeded" || packageState == "failed" {
            try await notify(connection, "package:\(package)")
        }
        return true
    }

    /// Each command waiting on `id` has one dependency fewer; those with none left join their
    /// queue (and their resource's agents are notified).
    private static func releaseDependents(_ connection: PostgresConnection, of id: UUID) async throws {
        let rows = try await connection.query(
            """
            WITH released AS (
                UPDATE broker_commands SET
                    unmet_dependencies = unmet_dependencies - 1,
                    state = CASE WHEN unmet_dependencies = 1 THEN 'ready' ELSE state END
                WHERE state = 'pending' AND id IN (SELECT command_id FROM broker_dependencies WHERE depends_on = \(id))
                RETURNING id, resource, ord, state
            )
            INSERT INTO broker_queue (command_id, resource, ord)
            SELECT id, resource, ord FROM released WHERE state = 'ready'
            RETURNING resource
            """, logger: queryLogger)
        var resources: Set<String> = []
        for try await resource in rows.decode(String.self) { resources.insert(resource) }
        for resource in resources { try await notify(connection, "ready:" + resource) }
    }

    /// Cancels everything downstream of a failed command; returns how many.
    private static func cancelDependents(_ connection: PostgresConnection, of id: UUID, resource: String, action: String, reason: String) async throws -> Int {
        let why = "cancelled: \(resource).\(action) (\(id.uuidString)) failed: \(reason)"
        let rows = try await connection.query(
            """
            WITH RECURSIVE downstream (id) AS (
                SELECT command_id FROM broker_dependencies WHERE depends_on = \(id)
                UNION
                SELECT d.command_id FROM broker_dependencies d JOIN downstream ON d.depends_on = downstream.id
            )
            UPDATE broker_commands SET state = 'cancelled', reason = \(why), finished_at = clock_timestamp()
            WHERE state = 'pending' AND id IN (SELECT id FROM downstream)
            RETURNING id
            """, logger: queryLogger)
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }
}
