import Foundation
import Logging

/// Takes commands from a queue, runs them with an ``Agent`` and reports the outcome — the one
/// loop behind in-process agents (``AgentRunner``, over a ``Broker``) and remote agents
/// (`RemoteAgentRunner`, over HTTP). Several loops may serve one resource, in one process or
/// in several.
///
/// While an action runs, its lease is renewed every third of ``leaseDuration``; a transient
/// renewal failure is retried a few times within the lease's remaining time. When the lease
/// is lost (it ran out and another agent took the command, or renewing kept failing) the
/// action's task is cancelled and no outcome is recorded: the command runs again elsewhere.
public struct AgentLoop<Queue: CommandQueue>: Sendable {
    /// Where commands come from.
    public let queue: Queue
    /// The agent that runs them.
    public let agent: any Agent
    /// How long each lease lasts; the loop renews it while an action runs.
    public let leaseDuration: Duration
    /// When the loop is cancelled, how long the command in flight may still take to finish
    /// before it is cancelled too and its lease handed back.
    public let drainTimeout: Duration
    /// How long ``run()`` waits for a command in one poll.
    public let pollWait: Duration
    /// How long ``run()`` pauses after a failed poll before trying again.
    public let retryDelay: Duration
    /// Renewal tries before a lease is given up.
    public let renewalAttempts: Int
    /// How often the lease is renewed while an action runs; nil renews every third of it.
    public let renewalInterval: Duration?
    /// The pause after a failed renewal, doubled after each; nil takes a twentieth of the
    /// lease, at most half a second.
    public let renewalBackoff: Duration?
    let logger: Logger

    /// Creates a loop.
    public init(
        queue: Queue, agent: any Agent, leaseDuration: Duration = .seconds(30), drainTimeout: Duration = .seconds(10),
        pollWait: Duration = .seconds(60), retryDelay: Duration = .milliseconds(200), renewalAttempts: Int = 4,
        renewalInterval: Duration? = nil, renewalBackoff: Duration? = nil, logger: Logger = Logger(label: "spin.agent")
    ) {
        self.queue = queue
        self.agent = agent
        self.leaseDuration = leaseDuration
        self.drainTimeout = drainTimeout
        self.pollWait = pollWait
        self.retryDelay = retryDelay
        self.renewalAttempts = renewalAttempts
        self.renewalInterval = renewalInterval
        self.renewalBackoff = renewalBackoff
        self.logger = logger
    }

    /// Serves the queue until the task is cancelled; failures to reach the queue are retried.
    /// Cancelled, it takes no new command; the one in flight gets ``drainTimeout`` to finish,
    /// and is otherwise handed back so another agent takes it at once.
    public func run() async {
        while !Task.isCancelled {
            do {
                _ = try await runOnce(wait: pollWait)
            } catch {
                if error is CancellationError || Task.isCancelled { return }
                logger.error("agent \(agent.resource): \(error)")
                try? await Task.sleep(for: retryDelay)
            }
        }
    }

    /// Waits up to `wait` for one command, runs it and records its outcome.
    /// - Returns: the command run (or given up), or nil when none came.
    @discardableResult
    public func runOnce(wait: Duration = .zero) async throws -> CommandRecord? {
        guard let lease = try await queue.next(resource: agent.resource, lease: leaseDuration, wait: wait) else { return nil }
        let keeper = LeaseKeeper(
            queue: queue, lease: lease, duration: leaseDuration, interval: renewalInterval, attempts: renewalAttempts, backoff: renewalBackoff)
        let agent = agent
        let outcome = await Draining.run(grace: drainTimeout) { await Self.execute(agent, lease.command, keeper) }
        let stopping = Task.isCancelled
        // The outcome is recorded even while the loop stops.
        let queue = queue
        let logger = logger
        try await Task {
            let current = keeper.lease
            let name = "\(lease.command.resource).\(lease.command.action) \(lease.command.id)"
            switch outcome {
            case .succeeded:
                _ = try await queue.complete(current, success: true, reason: nil, errorCode: nil)
            case .lost(let loss):
                // Another agent may hold it now; whatever this run did, it does not count.
                logger.warning("\(name) given up: \(loss.message)")
                _ = try? await queue.release(current)
            case .failed(let error) where stopping:
                // Cut short by the shutdown (or failed during it): let another agent run it.
                logger.notice("\(name) handed back: \(error)")
                _ = try await queue.release(current)
            case .failed(let error) where error.isStoreOutage:
                // The store was out, not the action wrong: run it again once it is back
                // (actions are idempotent). A release the outage refuses too is retried for a
                // while; the lease running out would hand the command back anyway.
                logger.notice("\(name) handed back while the store is out: \(error)")
                _ = try await StoreOutage.retrying(for: .seconds(10), every: retryDelay) { try await queue.release(current) }
            case .failed(let error):
                logger.notice("\(name) failed: \(error)")
                let spin = error as? SpinError
                _ = try await queue.complete(current, success: false, reason: spin?.message ?? String(describing: error), errorCode: spin?.code.name)
            }
        }.value
        return lease.command
    }

    enum Outcome: Sendable {
        case succeeded
        case failed(any Error)
        case lost(SpinError)
    }

    /// Runs the action beside its lease keeper; whichever ends first ends the other.
    static func execute(_ agent: any Agent, _ command: CommandRecord, _ keeper: LeaseKeeper<Queue>) async -> Outcome {
        guard let handler = agent.actions.handler(for: command.action) else {
            return .failed(SpinError(.invalidArgument, "agent \(agent.resource) has no action \(command.action)"))
        }
        let context = CommandContext(command: command) { try await keeper.renew() }
        let result = await withTaskGroup(of: Outcome?.self) { group -> Outcome? in
            group.addTask {
                do {
                    try await handler(command.parameters, context)
                    return .succeeded
                } catch {
                    return .failed(error)
                }
            }
            group.addTask {
                await keeper.keep()
                return nil
            }
            var action: Outcome?
            if let first = await group.next() {
                // The action ended (the keeper stops), or the lease was lost (the action is cancelled).
                group.cancelAll()
                action = first
            }
            while let next = await group.next() {
                if let next { action = next }
            }
            return action
        }
        if let loss = keeper.loss { return .lost(loss) }
        return result ?? .failed(CancellationError())
    }
}
