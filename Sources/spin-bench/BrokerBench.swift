import ArgumentParser
import Foundation
import SpinCore
import SpinStore

/// `spin-bench broker`: durable end-to-end throughput against raw durable LMDB commits, and
/// `next` latency with a deep queue of blocked commands.
struct BrokerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Broker throughput (1 and 4 runners) vs raw durable commits; next latency at depth."
    )

    @Option(help: "Commands per throughput run.") var commands = 2000
    @Option(help: "Queued commands for the next-latency rows.") var depths: [Int] = [1_000, 10_000, 100_000]
    @Flag(help: "Print tables as Markdown.") var markdown = false

    func run() async throws {
        let rawRate = try rawCommitRate(count: 2000)
        // The durable commits each flow needs per command without batching: new, add, enqueue
        // and complete; or submit and complete. (`next` leases without fsync.)
        var table = BenchTable(header: ["flow", "runners", "commands/s", "commits/command", "µs/command", "raw µs for the commits needed", "cost ratio"])
        for (flow, stepwise, needed) in [("new→add→enqueue→next→complete", true, 4.0), ("submit→next→complete", false, 2.0)] {
            for runners in [1, 4] {
                let result = try await throughput(runners: runners, stepwise: stepwise)
                let perCommand = 1e6 / result.rate
                let rawCost = needed * 1e6 / rawRate
                table.add([flow, "\(runners)", formatRate(result.rate), String(format: "%.2f", result.commitsPerCommand),
                           String(format: "%.0f", perCommand), String(format: "%.0f", rawCost), String(format: "%.2f", perCommand / rawCost)])
            }
        }
        print("raw durable LMDB commits on this disk: \(formatRate(rawRate))/s (\(String(format: "%.0f", 1e6 / rawRate)) µs each)\n")
        print(table.render(markdown: markdown))
        print()
        var latency = BenchTable(header: ["queued (99% blocked)", "next p50 µs", "next p99 µs", "lookup-only p50 µs"])
        for depth in depths {
            let (p50, p99, lookup) = try nextLatency(depth: depth)
            latency.add(["\(depth)", String(format: "%.1f", p50), String(format: "%.1f", p99), String(format: "%.1f", lookup)])
        }
        print(latency.render(markdown: markdown))
    }

    private func open(_ name: String) throws -> (String, Store, Broker) {
        let dir = try makeBenchDirectory(name)
        let store = try Store(path: dir + "/store", options: StoreOptions(initialMapSize: 1 << 30))
        let broker = try Broker(store: store, leasePath: dir + "/leases", catalog: BenchAgent.catalog)
        return (dir, store, broker)
    }

    private func rawCommitRate(count: Int) throws -> Double {
        let dir = try makeBenchDirectory("raw")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let raw = try RawLMDB(path: dir + "/raw")
        let keys = (0..<UInt64(count)).map { $0 }
        let seconds = try measure { try raw.putAll(keys, value: [UInt8](repeating: 1, count: 300), batch: 1) }.seconds
        return Double(count) / seconds
    }

    private func throughput(runners: Int, stepwise: Bool) async throws -> (rate: Double, commitsPerCommand: Double) {
        let (dir, store, broker) = try open("broker")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let before = store.statistics().lastTransactionID
        let perRunner = commands / runners
        let seconds = try await ContinuousClock().measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<runners {
                    group.addTask {
                        for i in 0..<perRunner {
                            let draft = try CommandDraft(BenchAgent.Noop.self, .init(n: i))
                            if stepwise {
                                let package = try broker.newPackage()
                                try broker.add(draft, to: package)
                                try broker.enqueue(package)
                            } else {
                                _ = try await broker.submitGrouped([draft])
                            }
                            guard let lease = try broker.next(resource: "bench", lease: .seconds(30)) else { continue }
                            try await broker.complete(lease, success: true)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }.seconds
        let done = perRunner * runners
        let commits = Double(store.statistics().lastTransactionID - before) / Double(done)
        return (Double(done) / seconds, commits)
    }

    /// `depth` queued commands of which 1% are ready; the rest wait on a gate that never runs.
    private func nextLatency(depth: Int) throws -> (p50: Double, p99: Double, lookup: Double) {
        let (dir, store, broker) = try open("next")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Packages of up to 5,000 commands, each with its own gate.
        var gate = try CommandDraft(BenchAgent.Gate.self, .init(n: 0))
        var drafts = [gate]
        for i in 0..<depth {
            drafts.append(try CommandDraft(BenchAgent.Noop.self, .init(n: i), dependencies: i % 100 == 99 ? [] : [gate.id]))
            if drafts.count == 5000 {
                _ = try broker.submit(drafts)
                gate = try CommandDraft(BenchAgent.Gate.self, .init(n: i))
                drafts = [gate]
            }
        }
        _ = try broker.submit(drafts)
        // The ready ones are spread through the queue; time `next` (the lease included) until
        // none is left, completing each command outside the timing as an agent would.
        var samples: [Double] = []
        let clock = ContinuousClock()
        while true {
            let start = clock.now
            let lease = try broker.next(resource: "bench", lease: .seconds(600))
            samples.append((clock.now - start).seconds * 1e6)
            guard let lease else { break }
            try broker.complete(lease.command.id, success: true)
        }
        samples.sort()
        var lookups: [Double] = []
        for _ in 0..<200 {
            let start = clock.now
            _ = try store.read { txn in try txn.entries(in: "broker.ready", range: .prefix(Array("bench".utf8) + [0]), limit: 1) }
            lookups.append((clock.now - start).seconds * 1e6)
        }
        lookups.sort()
        return (samples[samples.count / 2], samples[min(samples.count - 1, samples.count * 99 / 100)], lookups[lookups.count / 2])
    }
}

/// Benchmark-only actions.
enum BenchAgent {
    struct Parameters: Codable, Sendable { var n: Int }
    enum Noop: BrokerAction {
        static let resource = "bench"
        static let action = "noop"
        typealias Parameters = BenchAgent.Parameters
    }
    enum Gate: BrokerAction {
        static let resource = "gate"
        static let action = "hold"
        typealias Parameters = BenchAgent.Parameters
    }
    static let catalog = ActionCatalog.with([Noop.self, Gate.self])
}
