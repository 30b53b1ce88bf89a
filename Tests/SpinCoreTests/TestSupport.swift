import Foundation
import SpinTestSupport
import SpinCore
import SpinStore
@testable import spin_testkit

/// A temporary directory removed when the value is released.
final class TemporaryDirectory: @unchecked Sendable {
    let path: String

    init(prefix: String = "spin-core") throws {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A broker on a fresh temporary store, with the recording test agents' catalog.
struct BrokerFixture: @unchecked Sendable {
    let directory: TemporaryDirectory
    let store: Store
    let broker: Broker

    init(now: @escaping @Sendable () -> Date = { Date() }, pruneBatchSize: Int = 100, maintenance: (retention: Duration, interval: Duration)? = nil) throws {
        directory = try TemporaryDirectory(prefix: "spin-broker")
        store = try Store(path: directory.path + "/store", options: StoreOptions(durable: false))
        broker = try Broker(
            store: store, leasePath: directory.path + "/leases", catalog: RecordingAgent.catalog,
            options: BrokerOptions(
                abandonedPackageAge: .seconds(60), packageRetention: maintenance?.retention ?? BrokerOptions.defaultPackageRetention,
                maintenanceInterval: maintenance?.interval ?? .seconds(600), pruneBatchSize: pruneBatchSize,
                idleRecheck: .milliseconds(200), now: now))
    }

    /// How many rows each of the broker's databases holds.
    func rowCounts() throws -> [String: Int] {
        try store.read { txn in
            var counts: [String: Int] = [:]
            for name in ["packages", "open", "commands", "ready", "waiting", "members", "finished"] {
                counts[name] = try txn.entries(in: "broker." + name).count
            }
            return counts
        }
    }

    var storePath: String { directory.path + "/store" }
    var leasePath: String { directory.path + "/leases" }

    func agent(_ resource: String = "work") -> RecordingAgent { RecordingAgent(resource: resource, store: store) }

    func runner(_ resource: String = "work", lease: Duration = .seconds(30)) -> AgentRunner {
        AgentRunner(broker: broker, agent: agent(resource), leaseDuration: lease)
    }

    /// How many times each command's action ran, and which commands had an effect.
    func deliveries() throws -> (effects: Int, deliveries: [String: UInt64]) {
        try store.read { txn in
            let effects = try txn.entries(in: "test.effects").count
            var deliveries: [String: UInt64] = [:]
            for entry in try txn.entries(in: "test.deliveries") { deliveries[entry.stringKey] = UInt64(storeKey: entry.value) }
            return (effects, deliveries)
        }
    }
}

func work(_ tag: String, fail: Bool = false, after dependencies: [UUID] = [], resource: String = "work") throws -> CommandDraft {
    if resource == "work" {
        return try CommandDraft(RecordEffect.self, .init(tag: tag, fail: fail ? true : nil), dependencies: dependencies)
    }
    return try CommandDraft(RecordOther.self, .init(tag: tag, fail: fail ? true : nil), dependencies: dependencies)
}

