import ArgumentParser
import Foundation
import SpinQemu

/// `spin-bench qmp`: `query-status` round trips against one real qemu (`-S`, nothing to
/// emulate), through SpinQemu's ``QMPClient`` and through a minimal blocking socket loop in
/// the same process (and, with python3 present, a small Python client). Clients take turns on
/// the one QMP socket, round after round.
struct QMPBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qmp",
        abstract: "QMP query-status latency and throughput: QMPClient vs a raw blocking socket (and Python)."
    )

    @Option(help: "Timed round trips per client per round.") var count = 5000
    @Option(help: "Rounds; clients alternate within each round.") var rounds = 3
    @Option(help: "Requests in flight for the pipelined rows (qemu queues at most 8).") var inFlight = 8
    @Flag(inversion: .prefixedNo, help: "Also time a Python client (python3).") var python = true
    @Flag(help: "Print tables as Markdown.") var markdown = false

    func run() async throws {
        let dir = try makeBenchDirectory("qmp")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let qemu = try await BenchQemu.launch(
            ["-accel", "tcg", "-machine", "q35", "-nodefaults", "-display", "none", "-S",
             "-qmp", "unix:\(dir)/qmp.sock,server=on,wait=off"], qmpSocket: dir + "/qmp.sock", log: dir + "/qemu.log")
        do {
            try await measureAll(socket: dir + "/qmp.sock", version: qemu.version)
        } catch {
            await qemu.kill()
            throw error
        }
        await qemu.kill()
    }

    private func measureAll(socket: String, version: String) async throws {
        var results: [String: (latency: Samples, rates: Samples)] = [:]
        let usePython = python && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
        for _ in 0..<rounds {
            try record(&results, "raw socket, blocking", try QMPRuns.raw(socket: socket, count: count))
            try record(&results, "QMPClient", try await QMPRuns.client(socket: socket, count: count))
            if usePython { try record(&results, "Python (socket + json)", try await QMPRuns.python(socket: socket, count: count)) }
            results["raw socket, \(inFlight) in flight", default: (Samples(), Samples())].rates
                .add(try QMPRuns.rawPipelined(socket: socket, count: count, window: inFlight))
            results["QMPClient, \(inFlight) concurrent tasks", default: (Samples(), Samples())].rates
                .add(try await QMPRuns.clientConcurrent(socket: socket, count: count, tasks: inFlight))
        }
        print("qemu \(version), -accel tcg -S, \(count) round trips × \(rounds) rounds per client\n")
        let raw = results["raw socket, blocking"]!
        var table = BenchTable(header: ["client", "p50 µs", "p99 µs", "round trips/s", "p50 ratio", "throughput ratio"])
        for name in ["raw socket, blocking", "QMPClient"] + (usePython ? ["Python (socket + json)"] : []) {
            guard let r = results[name] else { continue }
            table.add([name, formatMicroseconds(r.latency.percentile(50)), formatMicroseconds(r.latency.percentile(99)),
                       formatRate(r.rates.median), formatRatio(r.latency.percentile(50) / raw.latency.percentile(50)),
                       formatRatio(r.rates.median / raw.rates.median)])
        }
        let pipelinedRaw = results["raw socket, \(inFlight) in flight"]!.rates.median
        for name in ["raw socket, \(inFlight) in flight", "QMPClient, \(inFlight) concurrent tasks"] {
            let rate = results[name]!.rates.median
            table.add([name, "–", "–", formatRate(rate), "–", formatRatio(rate / pipelinedRaw)])
        }
        print(table.render(markdown: markdown))
        print("\nratios: against the blocking raw socket; the pipelined rows against the pipelined raw socket.")
    }

    private func record(_ results: inout [String: (latency: Samples, rates: Samples)], _ name: String, _ run: QMPRun) throws {
        var entry = results[name] ?? (Samples(), Samples())
        for value in run.latenciesMicroseconds { entry.latency.add(value) }
        entry.rates.add(run.rate)
        results[name] = entry
    }
}
