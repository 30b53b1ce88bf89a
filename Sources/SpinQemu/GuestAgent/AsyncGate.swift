import Synchronization

/// A first-come, first-served lock for async code: one holder at a time, waiters suspended
/// (never blocking a thread), a waiter that is cancelled leaves the queue with
/// `CancellationError`.
final class AsyncGate: Sendable {
    private struct State {
        var held = false
        var nextKey = 0
        var waiters: [(key: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    }

    private let state = Mutex(State())

    /// Runs `body` while holding the gate.
    func withLock<T>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    /// Waits until the gate is free and takes it.
    func acquire() async throws {
        let key = state.withLock { state -> Int in
            state.nextKey += 1
            return state.nextKey
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let taken = state.withLock { state -> Bool in
                    if !state.held {
                        state.held = true
                        return true
                    }
                    state.waiters.append((key, continuation))
                    return false
                }
                if taken {
                    continuation.resume()
                } else if Task.isCancelled {
                    leave(key)
                }
            }
        } onCancel: {
            leave(key)
        }
    }

    /// Hands the gate to the first waiter, or frees it.
    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard !state.waiters.isEmpty else {
                state.held = false
                return nil
            }
            return state.waiters.removeFirst().continuation
        }
        next?.resume()
    }

    /// Removes waiter `key` (if still queued) and fails it with `CancellationError`.
    private func leave(_ key: Int) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard let index = state.waiters.firstIndex(where: { $0.key == key }) else { return nil }
            return state.waiters.remove(at: index).continuation
        }
        continuation?.resume(throwing: CancellationError())
    }
}
