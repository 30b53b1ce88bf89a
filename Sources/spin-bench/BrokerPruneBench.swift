import ArgumentParser
import Foundation
import SpinCore
import SpinStore

/// `spin-bench broker-prune`: how fast finished packages are pruned, and how long a writer
/// (a package submission) waits while pruning runs beside it.
struct BrokerPruneBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker-prune",
        abstract: "Pruning throughput, and submit latency while pruning runs, vs without."
    )

    @Option(help: "Finished packages (three commands each) to prune.") var packages = 10_000
    @Option(help: "Packages per pruning transaction.") var batch = 100
    @Flag(help: "Print tables as Markdown.") var markdown = false

    func run() async throws {
        let dir = try makeBenchDirectory("prune")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(path: dir + "/store", options: StoreOptions(initialMapSize: 1 << 30))
        let broker = try Broker(
            store: store, leasePath: dir + "/leases", catalog: BenchAgent.catalog, options: BrokerOptions(pruneBatchSize: batch))
        try fill(broker, count: packages)
        let idle = try await submitLatencies(broker, while: nil)
        let pruning = Task { try await broker.pruneFinishedPackages(retention: .zero) }
        let busy = try await submitLatencies(broker, while: pruning)
        let pruned = try await pruning.value.count
        // Timed alone, on a fresh set of finished packages.
        let clock = ContinuousClock()
        try fill(broker, count: packages)
        let seconds = try await clock.measure { _ = try await broker.pruneFinishedPackages(retention: .zero) }
        var table = BenchTable(header: ["packages", "batch", "pruned/s", "ms per batch", "submit p50 ms idle", "p99 idle", "p50 while pruning", "p99 while pruning", "max while pruning"])
        let rate = Double(packages) / (Double(seconds.components.seconds) + Double(seconds.components.attoseconds) / 1e18)
        table.add([
            "\(packages)", "\(batch)", formatRate(rate), String(format: "%.2f", 1000 * Double(batch) / rate),
            String(format: "%.2f", idle.percentile(50)), String(format: "%.2f", idle.percentile(99)),
            String(format: "%.2f", busy.percentile(50)), String(format: "%.2f", busy.percentile(99)), String(format: "%.2f", busy.percentile(100)),
        ])
        print("first prune removed \(pruned) packages while submissions ran\n")
        print(table.render(markdown: markdown))
    }

    /// `count` packages of three commands, run to the end.
    private func fill(_ broker: Broker, count: Int) throws {
        for n in 0..<count {
            let drafts = try (0..<3).map { try CommandDraft(BenchAgent.Noop.self, .init(n: n * 3 + $0)) }
            _ = try broker.submit(drafts)
            while let lease = try broker.next(resource: "bench", lease: .seconds(30)) {
                try broker.complete(lease.command.id, success: true)
            }
        }
    }

    /// Milliseconds per durable one-command submission, 200 of them (beside `task`, if any).
    private func submitLatencies(_ broker: Broker, while task: Task<[UInt64], any Error>?) async throws -> Samples {
        var samples = Samples()
        let clock = ContinuousClock()
        for n in 0..<200 {
            let draft = try CommandDraft(BenchAgent.Noop.self, .init(n: n))
            let took = try clock.measure { _ = try broker.submit([draft]) }
            samples.add(Double(took.components.attoseconds) / 1e15 + Double(took.components.seconds) * 1000)
            await Task.yield()
        }
        return samples
    }
}
