import Foundation
import Synchronization

/// Keeps one command's lease alive while its action runs: renews it every third of its
/// duration, retries a transient renewal failure a few times with a short backoff (never past
/// the lease's remaining time), and notes when the lease is lost so the runner cancels the
/// action and records no outcome. The action's ``CommandContext/renewLease`` renews through
/// the same keeper, so it throws once the lease is lost.
final class LeaseKeeper<Queue: CommandQueue>: Sendable {
    private struct State {
        var lease: Lease
        /// Until when the lease is surely ours, by this process's clock.
        var validUntil: ContinuousClock.Instant
        var loss: SpinError?
    }

    let queue: Queue
    let duration: Duration
    /// Between renewals.
    let interval: Duration
    /// Renewal tries before giving the lease up.
    let attempts: Int
    /// The pause after the first failed try; doubled after each.
    let backoff: Duration
    private let clock = ContinuousClock()
    private let state: Mutex<State>

    init(queue: Queue, lease: Lease, duration: Duration, interval: Duration? = nil, attempts: Int = 4, backoff: Duration? = nil) {
        self.queue = queue
        self.duration = duration
        self.interval = interval ?? duration / 3
        self.attempts = max(1, attempts)
        self.backoff = backoff ?? min(duration / 20, .milliseconds(500))
        state = Mutex(State(lease: lease, validUntil: ContinuousClock.now + duration))
    }

    /// The lease as last renewed.
    var lease: Lease { state.withLock { $0.lease } }

    /// Why the lease was lost, once it was.
    var loss: SpinError? { state.withLock { $0.loss } }

    /// Renews every ``interval`` until cancelled; returns early once the lease is lost.
    func keep() async {
        while loss == nil {
            do {
                try await Task.sleep(for: interval)
                try await renew()
            } catch {
                if error is CancellationError || Task.isCancelled { return }
            }
        }
    }

    /// Renews the lease now, retrying transient failures.
    /// - Throws: ``SpinError`` `.failedPrecondition` when the lease was lost (now or before),
    ///   `.unavailable` when every try failed; `CancellationError` when cancelled.
    func renew() async throws {
        if let loss { throw loss }
        let command = lease.command
        var delay = backoff
        var attempt = 1
        while true {
            let started = clock.now
            do {
                let renewed = try await renewOnce(lease, until: state.withLock { $0.validUntil })
                state.withLock { state in
                    state.lease = renewed
                    state.validUntil = started + duration
                }
                return
            } catch is CancellationError {
                throw CancellationError()
            } catch where Queue.leaseWasLost(error) {
                throw lose(SpinError(.failedPrecondition, "lease on command \(command.id) (\(command.resource).\(command.action)) was lost; the command may run elsewhere", cause: error))
            } catch {
                let validUntil = state.withLock { $0.validUntil }
                guard attempt < attempts, clock.now + delay < validUntil else {
                    throw lose(SpinError(.unavailable, "could not renew the lease on command \(command.id) (\(command.resource).\(command.action)) after \(attempt) tries: \(error); giving the command up", cause: error))
                }
                try await Task.sleep(for: delay)
                attempt += 1
                delay *= 2
            }
        }
    }

    /// One renewal, given up when the lease runs out first — a server that stopped answering
    /// must not keep an action running past its lease.
    private func renewOnce(_ lease: Lease, until deadline: ContinuousClock.Instant) async throws -> Lease {
        let outcome = OnceResult<Lease>()
        let queue = queue, duration = duration
        let call = Task {
            do {
                outcome.resume(with: .success(try await queue.renew(lease, for: duration)))
            } catch {
                outcome.resume(with: .failure(error))
            }
        }
        let timer = Task {
            do { try await Task.sleep(until: deadline, clock: .continuous) } catch { return }
            call.cancel()
            outcome.resume(with: .failure(SpinError(.unavailable, "the renewal did not answer before the lease ran out")))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { outcome.install($0) }
        } onCancel: {
            call.cancel()
            outcome.resume(with: .failure(CancellationError()))
        }
    }

    private func lose(_ error: SpinError) -> SpinError {
        state.withLock { state in
            if state.loss == nil { state.loss = error }
            return state.loss ?? error
        }
    }
}
