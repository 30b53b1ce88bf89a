import Foundation
import PostgresNIO
import SpinModel

/// The broker's hot statements, prepared once per pooled connection so PostgreSQL parses and
/// plans them once rather than on every call (PostgresNIO prepares them on first use and again
/// on a new connection after a restart).
enum BrokerStatements {
    /// Leases the oldest free ready command of a resource (see ``PostgresBroker/next(resource:lease:)``).
    struct Next: PostgresPreparedStatement {
        static let sql = """
            UPDATE broker_commands c SET lease_token = $2, lease_expires_at = clock_timestamp() + $3 * interval '1 second'
            WHERE c.id = (
                SELECT id FROM broker_commands
                WHERE resource = $1 AND state = 'ready' AND (lease_expires_at IS NULL OR lease_expires_at <= clock_timestamp())
                ORDER BY ord LIMIT 1
                FOR UPDATE SKIP LOCKED
            )
            RETURNING \(PostgresRows.commandColumns), c.lease_expires_at
            """
        typealias Row = (CommandRecord, Date)

        let resource: String
        let token: UUID
        let seconds: Double

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 3)
            bindings.append(resource)
            bindings.append(token)
            bindings.append(seconds)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row {
            (try PostgresRows.command(row), try row.makeRandomAccess()["lease_expires_at"].decode(Date.self))
        }
    }

    /// One completion (`spin_broker_complete`, migration 1).
    struct Complete: PostgresPreparedStatement {
        static let sql = "SELECT spin_broker_complete($1, $2, $3, $4, $5)"
        typealias Row = [String]

        let id: UUID
        let token: UUID?
        let success: Bool
        let reason: String?
        let errorCode: String?

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 5)
            bindings.append(id)
            bindings.append(token)
            bindings.append(success)
            bindings.append(reason)
            bindings.append(errorCode)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode([String].self) }
    }

    /// A whole package in one statement (``SubmitBatch``).
    struct Submit: PostgresPreparedStatement {
        static let sql = """
            WITH package AS (
                INSERT INTO broker_packages (state, command_count, remaining, enqueued_at, finished_at)
                VALUES (CASE WHEN $1::int4 = 0 THEN 'succeeded' ELSE 'enqueued' END, $1::int4, $1::int4, clock_timestamp(),
                        CASE WHEN $1::int4 = 0 THEN clock_timestamp() END)
                RETURNING id
            ), commands AS (
                INSERT INTO broker_commands (id, package_id, resource, action, parameters, state, unmet_dependencies)
                SELECT d.id, package.id, d.resource, d.action, d.parameters::jsonb,
                       CASE WHEN d.unmet = 0 THEN 'ready' ELSE 'pending' END, d.unmet
                FROM package, unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::int4[])
                     WITH ORDINALITY AS d (id, resource, action, parameters, unmet, n)
                ORDER BY d.n
                RETURNING id, resource, ord, state
            ), dependencies AS (
                INSERT INTO broker_dependencies (command_id, depends_on)
                SELECT * FROM unnest($7::uuid[], $8::uuid[])
            )
            SELECT package.id,
                   ARRAY(SELECT DISTINCT 'ready:' || resource FROM commands WHERE state = 'ready') || ('package:' || package.id)
            FROM package
            """
        typealias Row = (Int64, [String])

        let batch: SubmitBatch

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 8)
            bindings.append(Int32(batch.ids.count))
            bindings.append(batch.ids)
            bindings.append(batch.resources)
            bindings.append(batch.actions)
            bindings.append(batch.parameters)
            bindings.append(batch.unmet)
            bindings.append(batch.dependents)
            bindings.append(batch.dependencies)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode((Int64, [String]).self) }
    }
}
