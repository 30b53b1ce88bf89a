import Foundation
import Logging
import SpinCore

/// Serves one resource queue of a remote spin server: long-polls the server for the next
/// command, runs it with a local ``Agent`` (renewing the lease meanwhile), and reports the
/// outcome — ``AgentRunner`` over HTTP, for agents on other hosts.
public struct RemoteAgentRunner: Sendable {
    /// The server.
    public let remote: SpinRemote
    /// The agent that runs the commands here.
    public let agent: any Agent
    /// Each lease's length; renewed every third of it while an action runs.
    public let leaseSeconds: Int
    /// When the runner is cancelled, how long the command in flight may still take to finish
    /// before it is cancelled too and its lease handed back to the server.
    public let drainTimeout: Duration
    private let logger: Logger

    /// Creates a runner.
    public init(
        remote: SpinRemote, agent: any Agent, leaseSeconds: Int = 30, drainTimeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "spin.remote-agent")
    ) {
        self.remote = remote
        self.agent = agent
        self.leaseSeconds = leaseSeconds
        self.drainTimeout = drainTimeout
        self.logger = logger
    }

    /// Serves the queue until the task is cancelled; connection failures are retried.
    /// Cancelled, it takes no new command; the one in flight gets ``drainTimeout`` to finish,
    /// and is otherwise handed back (``SpinRemote/release(_:)``) so another agent takes it at
    /// once.
    public func run() async {
        while !Task.isCancelled {
            do {
                _ = try await runOnce(waitSeconds: 30)
            } catch {
                if Task.isCancelled { return }
                logger.error("agent \(agent.resource): \(error)")
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Waits up to `waitSeconds` for one command, runs it and completes it.
    /// - Returns: the command run, or nil when none came.
    @discardableResult
    public func runOnce(waitSeconds: Int = 0) async throws -> CommandRecord? {
        guard let lease = try await remote.next(resource: agent.resource, leaseSeconds: leaseSeconds, waitSeconds: waitSeconds) else { return nil }
        let remote = remote
        let seconds = leaseSeconds
        let renew: @Sendable () async throws -> Void = { _ = try await remote.renew(lease, leaseSeconds: seconds) }
        // Keep the lease alive while the action runs (a renewal keeps the same token).
        let keeper = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(Double(seconds) / 3))
                try await renew()
            }
        }
        defer { keeper.cancel() }
        let agent = agent
        let outcome = await Draining.run(grace: drainTimeout) { () async -> Result<Void, any Error> in
            do {
                try await agent.perform(lease.command, renewLease: renew)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        let stopping = Task.isCancelled
        let logger = logger
        // The outcome is recorded even while the runner stops.
        try await Task {
            switch outcome {
            case .success:
                try await remote.complete(lease, success: true)
            case .failure(let error) where stopping:
                logger.notice("\(lease.command.resource).\(lease.command.action) \(lease.command.id) handed back: \(error)")
                try await remote.release(lease)
            case .failure(let error):
                let spin = error as? SpinError
                logger.notice("\(lease.command.resource).\(lease.command.action) \(lease.command.id) failed: \(error)")
                try await remote.complete(lease, success: false, reason: spin?.message ?? String(describing: error), errorCode: spin?.code.name)
            }
        }.value
        return lease.command
    }
}
