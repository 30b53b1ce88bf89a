import Foundation
import Logging
import SpinClient
import SpinCore

/// The ``AgentLoop`` over a remote spin server: long-polls the server for the next command,
/// runs it with a local ``Agent`` (renewing the lease meanwhile) and reports the outcome —
/// ``AgentRunner`` over HTTP, for agents on other hosts.
typealias RemoteAgentRunner = AgentLoop<SpinRemote>

extension AgentLoop where Queue == SpinRemote {
    /// Creates a runner on `remote`.
    /// - Parameters:
    ///   - leaseSeconds: each lease's length; renewed every third of it while an action runs.
    ///   - drainTimeout: when the runner is cancelled, how long the command in flight may still
    ///     take before it is cancelled too and its lease handed back to the server.
    public init(
        remote: SpinRemote, agent: any Agent, leaseSeconds: Int = 30, drainTimeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "spin.remote-agent")
    ) {
        self.init(
            queue: remote, agent: agent, leaseDuration: .seconds(max(1, leaseSeconds)), drainTimeout: drainTimeout,
            pollWait: .seconds(30), retryDelay: .seconds(1), logger: logger)
    }

    /// The server.
    public var remote: SpinRemote { queue }

    /// Each lease's length in seconds.
    public var leaseSeconds: Int { Int(leaseDuration.components.seconds) }

    /// Waits up to `waitSeconds` for one command, runs it and completes it.
    /// - Returns: the command run, or nil when none came.
    @discardableResult
    public func runOnce(waitSeconds: Int) async throws -> CommandRecord? {
        try await runOnce(wait: .seconds(waitSeconds))
    }
}
