import Foundation
import Synchronization

/// One outcome waiting to be committed.
struct Completion: Sendable {
    var id: UUID
    var success: Bool
    var reason: String?
    var errorCode: String?
}

/// Commits completions from concurrent agents together: the first caller becomes the leader
/// and commits everything queued behind it in one transaction (one fsync), then hands over to
/// whoever queued meanwhile. A lone caller pays exactly one commit, as before.
final class GroupCommit: Sendable {
    private struct Waiting {
        var completion: Completion
        var continuation: CheckedContinuation<Bool, any Error>
    }

    private struct State {
        var leading = false
        var queue: [Waiting] = []
    }

    private let state = Mutex(State())

    /// Queues `completion`; `commit` applies a batch and returns one result per completion,
    /// in order (the leader uses its own `commit` for everything it drains).
    func submit(_ completion: Completion, commit: @Sendable ([Completion]) -> [Result<Bool, any Error>]) async throws -> Bool {
        try await withCheckedThrowingContinuation { continuation in
            let lead = state.withLock { state -> Bool in
                state.queue.append(Waiting(completion: completion, continuation: continuation))
                guard !state.leading else { return false }
                state.leading = true
                return true
            }
            if lead { drain(commit) }
        }
    }

    private func drain(_ commit: ([Completion]) -> [Result<Bool, any Error>]) {
        while true {
            let batch = state.withLock { state -> [Waiting] in
                let batch = state.queue
                state.queue.removeAll()
                if batch.isEmpty { state.leading = false }
                return batch
            }
            if batch.isEmpty { return }
            let results = commit(batch.map(\.completion))
            for (waiting, result) in zip(batch, results) { waiting.continuation.resume(with: result) }
        }
    }
}

extension Broker {
    /// Commits a batch in one transaction; if any completion in it fails, commits them one by
    /// one so each caller gets its own outcome.
    static func commitBatch(_ broker: Broker, _ batch: [Completion]) -> [Result<Bool, any Error>] {
        let now = broker.options.now()
        do {
            let outcomes = try broker.store.write { txn in
                try batch.map { try broker.applyCompletion(txn, $0.id, success: $0.success, reason: $0.reason, errorCode: $0.errorCode, now: now) }
            }
            let changed = zip(batch, outcomes).compactMap { $1 == nil ? nil : $0.id }
            broker.finishCompletions(changed, events: outcomes.compactMap { $0 }.flatMap { $0 })
            return outcomes.map { .success($0 != nil) }
        } catch {
            guard batch.count > 1 else { return [.failure(error)] }
            return batch.map { completion in
                Result { try broker.complete(completion.id, success: completion.success, reason: completion.reason, errorCode: completion.errorCode) }
            }
        }
    }
}
