import Foundation
import Logging

/// The ``AgentLoop`` over a local ``Broker``: what serves a queue in this process.
///
/// ```swift
/// Task { await AgentRunner(broker: broker, agent: StorageAgent(scope: RegisteredVolumes(registry: registry))).run() }
/// ```
public typealias AgentRunner = AgentLoop<Broker>

extension AgentLoop where Queue == Broker {
    /// Creates a runner on `broker`.
    public init(
        broker: Broker, agent: any Agent, leaseDuration: Duration = .seconds(30), drainTimeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "spin.agent")
    ) {
        self.init(
            queue: broker, agent: agent, leaseDuration: leaseDuration, drainTimeout: drainTimeout,
            pollWait: .seconds(60), retryDelay: .milliseconds(200), logger: logger)
    }

    /// The broker commands come from.
    public var broker: Broker { queue }
}
