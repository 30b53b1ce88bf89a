import Foundation
import PostgresNIO
import SpinModel

extension PostgresBroker {
    /// How `spin_broker_complete` (migration 3) marks the events among its results.
    static let eventPrefix = "event:"

    /// Records the outcome of a command run under `lease`, unless another agent now holds a
    /// live lease on it (its outcome will count instead).
    /// - Returns: whether this call changed anything.
    @discardableResult
    public func complete(_ lease: Lease, success: Bool, reason: String?, errorCode: String?) async throws -> Bool {
        try await complete(lease.command.id, token: lease.token, success: success, reason: reason, errorCode: errorCode)
    }

    /// Records a command's outcome whoever holds it. Completing a finished command again
    /// changes nothing.
    @discardableResult
    public func complete(_ id: UUID, success: Bool, reason: String? = nil, errorCode: String? = nil) async throws -> Bool {
        try await complete(id, token: nil, success: success, reason: reason, errorCode: errorCode)
    }

    /// One completion: a call of `spin_broker_complete` (migration 1), in one round trip and
    /// one commit.
    private func complete(_ id: UUID, token: UUID?, success: Bool, reason: String?, errorCode: String?) async throws -> Bool {
        let result = try await store.withConnection { connection -> [String] in
            let statement = BrokerStatements.Complete(id: id, token: token, success: success, reason: reason, errorCode: errorCode)
            for try await result in try await connection.execute(statement, logger: Self.queryLogger) { return result }
            return ["missing"]
        }
        let outcome = result.first ?? "missing"
        switch outcome {
        case "changed":
            let entries = result.dropFirst()
            let lines = entries.filter { $0.hasPrefix(Self.eventPrefix) }.map { String($0.dropFirst(Self.eventPrefix.count)) }
            published(entries.filter { !$0.hasPrefix(Self.eventPrefix) }, eventLines: lines, local: lines.compactMap { BrokerEventWire.event($0[...]) })
            return true
        case "unchanged":
            return false
        case "missing":
            throw SpinError(.notFound, "command \(id) does not exist; spin package status PACKAGE lists a package's commands")
        default:
            let state = outcome.hasPrefix("not-ready:") ? String(outcome.dropFirst("not-ready:".count)) : outcome
            let command = try await command(id)
            throw SpinError(.failedPrecondition, "command \(id) (\(command.resource).\(command.action)) is \(state): it has not been handed to an agent yet")
        }
    }
}
