import Foundation
import SpinCore
import SpinStore

/// Storage-agent workloads run in a child process by SpinCoreTests.
enum StorageWorkloads {
    /// `storage-serve STORE LEASES LEASE_MS IDLE_MS`: serves the `storage` queue with a
    /// ``StorageAgent`` holding leases of LEASE_MS, printing `progress ID FRACTION` as copies
    /// advance, until the queue has been idle for IDLE_MS; then prints `ran N`.
    static func serve(_ arguments: [String]) async throws {
        guard arguments.count == 5, let leaseMillis = Int(arguments[3]), let idleMillis = Int(arguments[4]) else {
            fail("usage: storage-serve STORE LEASES LEASE_MS IDLE_MS")
        }
        let store = try Store(path: arguments[1])
        let broker = try Broker(store: store, leasePath: arguments[2], catalog: .with(StorageAgent.actionTypes),
                                options: BrokerOptions(idleRecheck: .milliseconds(200)))
        let lease = Duration.milliseconds(leaseMillis)
        let agent = StorageAgent(leaseRenewalInterval: lease / 3) { command, fraction in
            emit("progress \(command.uuidString) \(fraction)")
        }
        let runner = AgentRunner(broker: broker, agent: agent, leaseDuration: lease)
        var ran = 0
        while try await runner.runOnce(wait: .milliseconds(idleMillis)) != nil { ran += 1 }
        emit("ran \(ran)")
    }
}
