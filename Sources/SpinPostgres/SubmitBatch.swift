import Foundation
import PostgresNIO
import SpinModel

/// A whole package — its row, its commands in order, their dependencies, the ready ones'
/// queue rows — written by one statement, so a submit is one round
/// trip and one commit however many commands it carries.
struct SubmitBatch: Sendable {
    let ids: [UUID]
    let resources: [String]
    let actions: [String]
    let parameters: [String]
    let unmet: [Int32]
    let dependents: [UUID]
    let dependencies: [UUID]

    /// Checks what the database cannot see before the package exists: every dependency is an
    /// earlier command of the same package.
    init(_ drafts: [CommandDraft]) throws {
        var seen: Set<UUID> = [], dependents: [UUID] = [], dependencies: [UUID] = [], unmet: [Int32] = []
        for draft in drafts {
            let distinct = Array(Set(draft.dependencies))
            for dependency in distinct where !seen.contains(dependency) {
                throw SpinError(.invalidArgument, "dependency \(dependency) of \(draft.resource).\(draft.action) is not an earlier command of the package; add it to the package first")
            }
            if seen.contains(draft.id) {
                throw SpinError(.conflict, "command \(draft.id) appears twice in the package; give each command a new id")
            }
            seen.insert(draft.id)
            dependents += distinct.map { _ in draft.id }
            dependencies += distinct
            unmet.append(Int32(distinct.count))
        }
        ids = drafts.map(\.id)
        resources = drafts.map(\.resource)
        actions = drafts.map(\.action)
        parameters = try drafts.map { try PostgresRows.json($0.parameters) }
        self.unmet = unmet
        self.dependents = dependents
        self.dependencies = dependencies
    }

    /// What the commit of this batch as package `package` changed, in order: each command
    /// without dependencies became ready, then the package was enqueued (succeeded, when empty).
    func events(package: UInt64) -> [BrokerEvent] {
        var events: [BrokerEvent] = []
        for index in ids.indices where unmet[index] == 0 {
            events.append(.commandChanged(id: ids[index], package: package, resource: resources[index], state: .ready))
        }
        events.append(.packageChanged(id: package, state: ids.isEmpty ? .succeeded : .enqueued))
        return events
    }

    /// Inserts the package; returns its id and the notifications to send once committed.
    func insert(_ connection: PostgresConnection) async throws -> (UInt64, [String]) {
        do {
            for try await (id, notifications) in try await connection.execute(BrokerStatements.Submit(batch: self), logger: PostgresBroker.queryLogger) {
                return (UInt64(id), notifications)
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw SpinError(.conflict, "a command of this package already exists (\(error.serverInfo?[.detail] ?? "same id")); give each command a new id")
        }
        throw SpinError(.internal, "the PostgreSQL store returned no id for a new package")
    }
}
