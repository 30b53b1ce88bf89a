import Foundation
import SpinStore

/// A write that may share its commit with other callers' writes.
enum GroupedWrite: Sendable {
    /// An agent's outcome for a command.
    case completion(id: UUID, success: Bool, reason: String?, errorCode: String?)
    /// A whole package: create, fill, enqueue.
    case submission([CommandDraft])
}

/// What a grouped write produced.
enum GroupedOutput: Sendable {
    /// Whether a completion changed anything.
    case changed(Bool)
    /// The id of a submitted package.
    case package(UInt64)
}

extension Broker {
    /// Creates, fills and enqueues a package like ``submit(_:)``, sharing the durable commit
    /// with packages and completions that other tasks of this process write at the same time.
    public func submitGrouped(_ commands: [CommandDraft]) async throws -> UInt64 {
        for command in commands {
            try catalog.validate(resource: command.resource, action: command.action, parameters: command.parameters)
        }
        guard case .package(let id) = try await grouped(.submission(commands)) else {
            throw SpinError(.internal, "a grouped submission returned no package id")
        }
        return id
    }

    func grouped(_ write: GroupedWrite) async throws -> GroupedOutput {
        try await writes.perform(write) { [self] batch in commitBatch(batch) }
    }

    /// Applies one write inside a transaction: its output, events, and commands whose leases
    /// to drop.
    private func apply(_ write: GroupedWrite, _ txn: WriteTransaction, now: Date) throws -> (GroupedOutput, [BrokerEvent], [UUID]) {
        switch write {
        case .completion(let id, let success, let reason, let errorCode):
            let events = try applyCompletion(txn, id, success: success, reason: reason, errorCode: errorCode, now: now)
            return (.changed(events != nil), events ?? [], events == nil ? [] : [id])
        case .submission(let commands):
            let (id, events) = try submit(txn, commands, now: now)
            return (.package(id), events, [])
        }
    }

    /// Commits a batch in one transaction; if any write in it fails, commits them one by one
    /// so each caller gets its own outcome.
    private func commitBatch(_ batch: [GroupedWrite]) -> [Result<GroupedOutput, any Error>] {
        let now = options.now()
        do {
            let outcomes = try store.write { txn in try batch.map { try apply($0, txn, now: now) } }
            finish(outcomes)
            return outcomes.map { .success($0.0) }
        } catch {
            guard batch.count > 1 else { return [.failure(error)] }
            return batch.map { write in
                Result {
                    let outcome = try store.write { txn in try apply(write, txn, now: now) }
                    finish([outcome])
                    return outcome.0
                }
            }
        }
    }

    /// After writes commit: drop the leases of finished commands and tell waiters.
    func finish(_ outcomes: [(GroupedOutput, [BrokerEvent], [UUID])]) {
        let released = outcomes.flatMap(\.2)
        if !released.isEmpty {
            try? leases.withLock { txn, db in
                for id in released { try txn.delete(id, in: db) }
            }
        }
        published(outcomes.flatMap(\.1))
    }
}
