import Synchronization

/// Wakes waiters when something changed: a generation counter plus parked continuations.
/// A waiter reads ``generation``, checks its condition, then waits for a newer generation,
/// so a change between the check and the wait is never missed.
package final class ChangeSignal: Sendable {
    package init() {}
    private struct State {
        var generation: UInt64 = 0
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// The current generation.
    package var generation: UInt64 { state.withLock { $0.generation } }

    /// Starts a new generation and wakes every waiter.
    package func notify() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.generation &+= 1
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns once the generation differs from `seen`, the timeout passes, or the task is
    /// cancelled — whichever comes first.
    package func wait(after seen: UInt64, timeout: Duration) async {
        guard timeout > .zero else { return }
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            self?.resume(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let parked = state.withLock { state -> Bool in
                    guard state.generation == seen, !Task.isCancelled else { return false }
                    state.waiters[id] = continuation
                    return true
                }
                if !parked { continuation.resume() }
            }
        } onCancel: {
            resume(id)
        }
        timer.cancel()
    }

    private func resume(_ id: Int) {
        let continuation = state.withLock { $0.waiters.removeValue(forKey: id) }
        continuation?.resume()
    }
}
