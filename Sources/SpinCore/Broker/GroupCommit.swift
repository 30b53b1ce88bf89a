import Foundation
import Synchronization

/// Commits writes from concurrent callers together: the first caller becomes the leader and
/// commits everything queued behind it in one transaction (one fsync), then hands over to
/// whoever queued meanwhile. A lone caller pays exactly one commit, as it would alone.
final class GroupCommit<Operation: Sendable, Output: Sendable>: Sendable {
    private struct Waiting {
        var operation: Operation
        var continuation: CheckedContinuation<Output, any Error>
    }

    private struct State {
        var leading = false
        var queue: [Waiting] = []
    }

    private let state = Mutex(State())

    /// Queues `operation`; `commit` applies a batch and returns one result per operation, in
    /// order (the leader uses its own `commit` for everything it drains).
    func perform(_ operation: Operation, commit: @Sendable ([Operation]) -> [Result<Output, any Error>]) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            let lead = state.withLock { state -> Bool in
                state.queue.append(Waiting(operation: operation, continuation: continuation))
                guard !state.leading else { return false }
                state.leading = true
                return true
            }
            if lead { drain(commit) }
        }
    }

    private func drain(_ commit: ([Operation]) -> [Result<Output, any Error>]) {
        while true {
            let batch = state.withLock { state -> [Waiting] in
                let batch = state.queue
                state.queue.removeAll()
                if batch.isEmpty { state.leading = false }
                return batch
            }
            if batch.isEmpty { return }
            let results = commit(batch.map(\.operation))
            for (waiting, result) in zip(batch, results) { waiting.continuation.resume(with: result) }
        }
    }
}
