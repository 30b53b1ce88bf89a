import Foundation
import PostgresNIO
import SpinModel

/// Broker rows as spin's records: the column lists queries select and their decoding.
enum PostgresRows {
    /// The columns of a command (table alias `c`), in the order ``command(_:)`` reads them.
    static let commandColumns = """
        c.id, c.package_id, c.resource, c.action, c.parameters::text AS parameters, \
        ARRAY(SELECT d.depends_on FROM broker_dependencies d WHERE d.command_id = c.id ORDER BY d.depends_on) AS dependencies, \
        c.state, c.reason, c.error_code, c.ord, c.unmet_dependencies, c.created_at, c.finished_at
        """

    /// The columns of a package, in the order ``package(_:)`` reads them.
    static let packageColumns = """
        id, state, command_count, remaining, failure_command, failure_action, failure_reason, failure_error_code, \
        created_at, enqueued_at, finished_at
        """

    static func command(_ row: PostgresRow) throws -> CommandRecord {
        let r = row.makeRandomAccess()
        let stateText = try r["state"].decode(String.self)
        guard let state = CommandState(rawValue: stateText) else {
            throw SpinError(.internal, "the PostgreSQL store holds a command in an unknown state \"\(stateText)\"")
        }
        let parameters = try JSONDecoder().decode(JSONValue.self, from: Data(try r["parameters"].decode(String.self).utf8))
        return CommandRecord(
            id: try r["id"].decode(UUID.self),
            package: UInt64(try r["package_id"].decode(Int64.self)),
            resource: try r["resource"].decode(String.self),
            action: try r["action"].decode(String.self),
            parameters: parameters,
            dependencies: try r["dependencies"].decode([UUID].self),
            state: state,
            reason: try r["reason"].decode(String?.self),
            errorCode: try r["error_code"].decode(String?.self),
            order: UInt64(try r["ord"].decode(Int64.self)),
            unmetDependencies: Int(try r["unmet_dependencies"].decode(Int32.self)),
            createdAt: try r["created_at"].decode(Date.self),
            finishedAt: try r["finished_at"].decode(Date?.self))
    }

    static func package(_ row: PostgresRow) throws -> PackageRecord {
        let r = row.makeRandomAccess()
        let stateText = try r["state"].decode(String.self)
        guard let state = PackageState(rawValue: stateText) else {
            throw SpinError(.internal, "the PostgreSQL store holds a package in an unknown state \"\(stateText)\"")
        }
        var record = PackageRecord(
            id: UInt64(try r["id"].decode(Int64.self)), state: state,
            commandCount: Int(try r["command_count"].decode(Int32.self)),
            remaining: Int(try r["remaining"].decode(Int32.self)),
            createdAt: try r["created_at"].decode(Date.self))
        record.enqueuedAt = try r["enqueued_at"].decode(Date?.self)
        record.finishedAt = try r["finished_at"].decode(Date?.self)
        if let command = try r["failure_command"].decode(UUID?.self) {
            record.failure = PackageFailure(
                command: command, action: try r["failure_action"].decode(String?.self) ?? "",
                reason: try r["failure_reason"].decode(String?.self) ?? "",
                errorCode: try r["failure_error_code"].decode(String?.self))
        }
        return record
    }

    /// `value` as JSON text, for a `::jsonb` parameter.
    static func json(_ value: JSONValue) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}
