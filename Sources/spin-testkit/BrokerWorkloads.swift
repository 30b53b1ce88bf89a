import Foundation
import SpinCore
import SpinStore

/// Broker workloads run in a child process by SpinCoreTests.
enum BrokerWorkloads {
    static func open(_ storePath: String, _ leasePath: String, batch: Int = 100) throws -> (Store, Broker) {
        let store = try Store(path: storePath, options: StoreOptions(durable: false))
        let broker = try Broker(store: store, leasePath: leasePath, catalog: RecordingAgent.catalog,
                                options: BrokerOptions(pruneBatchSize: batch, idleRecheck: .milliseconds(200)))
        return (store, broker)
    }

    /// `broker-take STORE LEASES SECONDS`: leases one `work` command for SECONDS, prints its
    /// id, then hangs until killed — a crashed agent.
    static func take(_ arguments: [String]) throws {
        guard arguments.count == 4, let seconds = Int(arguments[3]) else { fail("usage: broker-take STORE LEASES SECONDS") }
        let (_, broker) = try open(arguments[1], arguments[2])
        guard let lease = try broker.next(resource: "work", lease: .seconds(seconds)) else { fail("nothing to take") }
        emit(lease.command.id.uuidString)
        while true { sleep(60) }
    }

    /// `broker-serve STORE LEASES RUNNERS IDLE_MS`: runs RUNNERS `work` runners until the queue
    /// has been idle for IDLE_MS, then prints how many commands each ran.
    static func serve(_ arguments: [String]) async throws {
        guard arguments.count == 5, let runners = Int(arguments[3]), let idle = Int(arguments[4]) else {
            fail("usage: broker-serve STORE LEASES RUNNERS IDLE_MS")
        }
        let (store, broker) = try open(arguments[1], arguments[2])
        let agent = RecordingAgent(resource: "work", store: store)
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<runners {
                group.addTask {
                    let runner = AgentRunner(broker: broker, agent: agent)
                    var ran = 0
                    while try await runner.runOnce(wait: .milliseconds(idle)) != nil { ran += 1 }
                    return ran
                }
            }
            return try await group.reduce(0, +)
        }
        emit("ran \(total)")
    }

    /// `broker-prune STORE LEASES`: prunes every finished package (retention zero) and reaps
    /// abandoned ones over and over, printing `pruned N` after each pass that removed some,
    /// until killed — a process pruning while others submit and serve.
    static func prune(_ arguments: [String]) async throws {
        guard arguments.count == 3 else { fail("usage: broker-prune STORE LEASES") }
        let (_, broker) = try open(arguments[1], arguments[2], batch: 7)
        while true {
            let pruned = try await broker.pruneFinishedPackages(retention: .zero)
            _ = try broker.reapAbandonedPackages()
            if !pruned.isEmpty { emit("pruned \(pruned.count)") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
