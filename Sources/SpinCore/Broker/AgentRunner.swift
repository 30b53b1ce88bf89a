import Foundation
import Logging

/// Takes commands from an agent's queue, runs them and reports the outcome — the loop that
/// connects an ``Agent`` to a ``Broker``. Several runners may serve one resource, in one
/// process or in several.
public struct AgentRunner: Sendable {
    /// The broker to take commands from.
    public let broker: Broker
    /// The agent that runs them.
    public let agent: any Agent
    /// How long each lease lasts; the runner renews it while an action runs.
    public let leaseDuration: Duration
    /// When the runner is cancelled, how long the command in flight may still take to finish
    /// before it is cancelled too and its lease handed back.
    public let drainTimeout: Duration
    private let logger: Logger

    /// Creates a runner.
    public init(
        broker: Broker, agent: any Agent, leaseDuration: Duration = .seconds(30), drainTimeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "spin.agent")
    ) {
        self.broker = broker
        self.agent = agent
        self.leaseDuration = leaseDuration
        self.drainTimeout = drainTimeout
        self.logger = logger
    }

    /// Serves the queue until the task is cancelled. Cancelled, it takes no new command; the
    /// one in flight gets ``drainTimeout`` to finish, and is otherwise handed back
    /// (``Broker/release(_:)``) so another agent takes it at once.
    public func run() async {
        while !Task.isCancelled {
            do {
                _ = try await runOnce(wait: .seconds(60))
            } catch is CancellationError {
                return
            } catch {
                logger.error("agent \(agent.resource): \(error)")
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// Waits up to `wait` for one command, runs it and completes it.
    /// - Returns: the command run, or nil when none came.
    @discardableResult
    public func runOnce(wait: Duration = .zero) async throws -> CommandRecord? {
        let lease: Lease?
        if wait > .zero {
            lease = try await broker.next(resource: agent.resource, lease: leaseDuration, wait: wait)
        } else {
            lease = try broker.next(resource: agent.resource, lease: leaseDuration)
        }
        guard let lease else { return nil }
        let outcome = await Draining.run(grace: drainTimeout) { await execute(lease) }
        let stopping = Task.isCancelled
        // The outcome is recorded even while the runner stops.
        let broker = broker
        let logger = logger
        try await Task {
            switch outcome {
            case .success:
                try await broker.complete(lease, success: true)
            case .failure(let error) where stopping:
                // Cut short by the shutdown (or failed during it): let another agent run it.
                logger.notice("\(lease.command.resource).\(lease.command.action) \(lease.command.id) handed back: \(error)")
                try broker.release(lease)
            case .failure(let error):
                logger.notice("\(lease.command.resource).\(lease.command.action) \(lease.command.id) failed: \(error)")
                try await broker.complete(lease, success: false, reason: Self.reason(error), errorCode: (error as? SpinError)?.code.name)
            }
        }.value
        return lease.command
    }

    private func execute(_ lease: Lease) async -> Result<Void, any Error> {
        guard let handler = agent.actions.handler(for: lease.command.action) else {
            return .failure(SpinError(.invalidArgument, "agent \(agent.resource) has no action \(lease.command.action)"))
        }
        let broker = broker
        let duration = leaseDuration
        let current = LeaseBox(lease)
        let context = CommandContext(command: lease.command) {
            current.set(try broker.renew(current.get(), for: duration))
        }
        // Keep the lease alive while the action runs.
        let keeper = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: duration / 3)
                try await context.renewLease()
            }
        }
        defer { keeper.cancel() }
        do {
            try await handler(lease.command.parameters, context)
            return .success(())
        } catch {
            return .failure(error)
        }
    }

    static func reason(_ error: any Error) -> String {
        if let spin = error as? SpinError { return spin.message }
        return String(describing: error)
    }
}

import Synchronization

/// The current lease of a running command, renewed from another task.
final class LeaseBox: Sendable {
    private let lease: Mutex<Lease>
    init(_ lease: Lease) { self.lease = Mutex(lease) }
    func get() -> Lease { lease.withLock { $0 } }
    func set(_ new: Lease) { lease.withLock { $0 = new } }
}
