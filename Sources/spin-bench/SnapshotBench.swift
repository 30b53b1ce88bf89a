import ArgumentParser
import Foundation
import SpinCore
import SpinQemu

/// `spin-bench snapshot`: `spin snapshot create|revert` (whole `spin` processes) and the SDK's
/// `Spin.createSnapshot`/`revertSnapshot` in this process against the same qemu-img and QMP
/// calls made directly in the same run, on a VM with two qcow2 disks:
/// stopped (qemu-img on each disk), running disk-only (pause + one transaction) and running
/// with 1 GiB of guest memory (`snapshot-save`/`snapshot-load` jobs).
struct SnapshotBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "spin snapshot create/revert vs the same qemu-img and QMP calls made directly.",
        discussion: "Needs the spin binary next to spin-bench and the busybox test guest (scripts/build-test-guests)."
    )

    @Option(help: "Rounds of each kind.") var rounds = 5
    @Flag(help: "Print the table as Markdown.") var markdown = false

    func run() async throws {
        setenv("XDG_RUNTIME_DIR", "", 1)
        let spinBinary = try ManyStartBench.spinBinary()
        let guests = try BenchGuests.locate()
        let directory = try makeBenchDirectory("snapshot")
        let root = SpinRoot(explicit: directory + "/root")
        let runner = CLIRunner(binary: spinBinary, root: root)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            try await measure(runner, guests: guests, directory: directory, root: root)
        } catch {
            _ = try? await runner.time(["stop", "b", "--timeout", "0"])
            throw error
        }
    }

    private func measure(_ runner: CLIRunner, guests: BenchGuests, directory: String, root: SpinRoot) async throws {
        _ = try await runner.time(["volume", "create", "vol", directory + "/vol"])
        _ = try await runner.time(["vm", "create", "b", "vol", "-s", "64M", "-m", "1024", "-c", "1", "--kernel", guests.kernel, "--initrd", guests.initrd, "--append", BenchGuests.append])
        _ = try await runner.time(["vm", "image", "attach", "b", "--volume", "vol", "--image", "data.qcow2", "--size", "32M"])
        let disks = [directory + "/vol/b.qcow2", directory + "/vol/data.qcow2"]
        let img = QemuImg()
        let sdk = try await Spin.open(root: root, options: SpinOptions(supervisor: .direct))
        defer { Task { await sdk.close() } }
        var table = BenchTable(header: ["what (2 disks)", "spin CLI ms", "SDK ms", "direct ms", "CLI / direct", "SDK / direct"])

        var create = Kinds(), revert = Kinds()
        for round in 0..<rounds {
            create.cli.add(try await runner.time(["snapshot", "create", "b", "c\(round)"]))
            create.sdk.add(try await timed { try await sdk.createSnapshot(vm: "b", name: "s\(round)") })
            create.direct.add(try await timed { for disk in disks { try await img.createSnapshot(path: disk, name: "r\(round)") } })
            revert.cli.add(try await runner.time(["snapshot", "revert", "b", "c\(round)"]))
            revert.sdk.add(try await timed { try await sdk.revertSnapshot(vm: "b", name: "s\(round)") })
            revert.direct.add(try await timed { for disk in disks { try await img.applySnapshot(path: disk, name: "r\(round)") } })
        }
        table.add(row("stopped: create (qemu-img -c)", create))
        table.add(row("stopped: revert (qemu-img -a)", revert))

        _ = try await runner.time(["start", "b"])
        let qmpSocket = RuntimePaths(root: root, vmID: 1).qmpSocket
        func qmp(_ body: (QMPClient, [String]) async throws -> Void) async throws {
            let client = try await QMPClient.connect(path: qmpSocket)
            defer { client.close() }
            try await body(client, try await nodeNames(client, disks))
        }
        var diskOnly = Kinds(), memory = Kinds(), load = Kinds()
        for round in 0..<rounds {
            diskOnly.cli.add(try await runner.time(["snapshot", "create", "b", "dc\(round)"]))
            diskOnly.sdk.add(try await timed { try await sdk.createSnapshot(vm: "b", name: "ds\(round)") })
            diskOnly.direct.add(try await timed {
                try await qmp { client, nodes in
                    try await client.stop()
                    try await client.snapshotDisks(name: "dr\(round)", devices: nodes)
                    try await client.cont()
                }
            })
            // qemu's first snapshot-save after a snapshot-load costs more whoever asks (the
            // loaded RAM is all resident): an untimed save takes that cost before each round.
            try await qmp { client, nodes in try await client.saveSnapshot(tag: "warm\(round)", vmstate: nodes[0], devices: nodes, jobID: "bench") }
            memory.cli.add(try await runner.time(["snapshot", "create", "b", "mc\(round)", "--memory"]))
            memory.sdk.add(try await timed { try await sdk.createSnapshot(vm: "b", name: "ms\(round)", memory: true) })
            memory.direct.add(try await timed {
                try await qmp { client, nodes in try await client.saveSnapshot(tag: "mr\(round)", vmstate: nodes[0], devices: nodes, jobID: "bench") }
            })
            load.cli.add(try await runner.time(["snapshot", "revert", "b", "mc\(round)"]))
            load.sdk.add(try await timed { try await sdk.revertSnapshot(vm: "b", name: "ms\(round)") })
            load.direct.add(try await timed {
                try await qmp { client, nodes in try await client.loadSnapshot(tag: "mr\(round)", vmstate: nodes[0], devices: nodes, jobID: "bench") }
            })
        }
        table.add(row("running, disk only: create (pause + transaction)", diskOnly))
        table.add(row("running, 1 GiB guest: create --memory (snapshot-save)", memory))
        table.add(row("running, 1 GiB guest: revert (snapshot-load)", load))
        let listed = try await runner.time(["snapshot", "list", "b"])
        _ = try await runner.time(["stop", "b", "--timeout", "0"])
        let version = try await runner.time(["--version"])
        print("")
        print(table.render(markdown: markdown))
        print("spin snapshot list while running (\(4 * rounds + 3 * rounds) snapshots): \(formatMilliseconds(listed)) ms; spin --version: \(formatMilliseconds(version)) ms (process start)")
        print("goal: spin / direct ≤ 1.1")
    }

    /// Samples of one operation made three ways.
    private struct Kinds {
        var cli = Samples(), sdk = Samples(), direct = Samples()
    }

    private func row(_ what: String, _ kinds: Kinds) -> [String] {
        [what, formatMilliseconds(kinds.cli.median), formatMilliseconds(kinds.sdk.median), formatMilliseconds(kinds.direct.median),
         formatRatio(kinds.cli.median / kinds.direct.median), formatRatio(kinds.sdk.median / kinds.direct.median)]
    }

    private func timed(_ body: () async throws -> Void) async throws -> Double {
        let start = ContinuousClock.now
        try await body()
        return milliseconds(since: start)
    }

    private func nodeNames(_ qmp: QMPClient, _ files: [String]) async throws -> [String] {
        let blocks = try await qmp.blockSnapshots()
        return try files.map { file in
            guard let block = blocks.first(where: { $0.file == file }) else { throw BenchError("\(file) is not open in qemu") }
            return block.nodeName
        }
    }
}
