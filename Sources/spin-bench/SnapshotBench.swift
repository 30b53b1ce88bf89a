import ArgumentParser
import Foundation
import SpinCore
import SpinQemu

/// `spin-bench snapshot`: `spin snapshot create|revert` (whole `spin` processes) against the
/// same qemu-img and QMP calls made directly in the same run, on a VM with two qcow2 disks:
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
        var table = BenchTable(header: ["what (2 disks)", "spin ms", "direct ms", "spin / direct"])

        var spinCreate = Samples(), rawCreate = Samples(), spinRevert = Samples(), rawRevert = Samples()
        for round in 0..<rounds {
            spinCreate.add(try await runner.time(["snapshot", "create", "b", "s\(round)"]))
            rawCreate.add(try await timed { for disk in disks { try await img.createSnapshot(path: disk, name: "r\(round)") } })
            spinRevert.add(try await runner.time(["snapshot", "revert", "b", "s\(round)"]))
            rawRevert.add(try await timed { for disk in disks { try await img.applySnapshot(path: disk, name: "r\(round)") } })
        }
        table.add(row("stopped: create (qemu-img -c)", spinCreate, rawCreate))
        table.add(row("stopped: revert (qemu-img -a)", spinRevert, rawRevert))

        _ = try await runner.time(["start", "b"])
        let qmpSocket = RuntimePaths(root: root, vmID: 1).qmpSocket
        var spinDisk = Samples(), rawDisk = Samples()
        var spinMemory = Samples(), rawMemory = Samples(), spinLoad = Samples(), rawLoad = Samples()
        for round in 0..<rounds {
            spinDisk.add(try await runner.time(["snapshot", "create", "b", "d\(round)"]))
            rawDisk.add(try await timed {
                let qmp = try await QMPClient.connect(path: qmpSocket)
                defer { qmp.close() }
                let nodes = try await nodeNames(qmp, disks)
                try await qmp.stop()
                try await qmp.snapshotDisks(name: "rd\(round)", devices: nodes)
                try await qmp.cont()
            })
            spinMemory.add(try await runner.time(["snapshot", "create", "b", "m\(round)", "--memory"]))
            rawMemory.add(try await timed {
                let qmp = try await QMPClient.connect(path: qmpSocket)
                defer { qmp.close() }
                let nodes = try await nodeNames(qmp, disks)
                try await qmp.saveSnapshot(tag: "rm\(round)", vmstate: nodes[0], devices: nodes, jobID: "bench")
            })
            spinLoad.add(try await runner.time(["snapshot", "revert", "b", "m\(round)"]))
            rawLoad.add(try await timed {
                let qmp = try await QMPClient.connect(path: qmpSocket)
                defer { qmp.close() }
                let nodes = try await nodeNames(qmp, disks)
                try await qmp.loadSnapshot(tag: "rm\(round)", vmstate: nodes[0], devices: nodes, jobID: "bench")
            })
        }
        table.add(row("running, disk only: create (pause + transaction)", spinDisk, rawDisk))
        table.add(row("running, 1 GiB guest: create --memory (snapshot-save)", spinMemory, rawMemory))
        table.add(row("running, 1 GiB guest: revert (snapshot-load)", spinLoad, rawLoad))
        let listed = try await runner.time(["snapshot", "list", "b"])
        _ = try await runner.time(["stop", "b", "--timeout", "0"])
        let version = try await runner.time(["--version"])
        print("")
        print(table.render(markdown: markdown))
        print("spin snapshot list while running: \(formatMilliseconds(listed)) ms; spin --version: \(formatMilliseconds(version)) ms (process start)")
        print("goal: spin / direct ≤ 1.1")
    }

    private func row(_ what: String, _ spin: Samples, _ direct: Samples) -> [String] {
        [what, formatMilliseconds(spin.median), formatMilliseconds(direct.median), formatRatio(spin.median / direct.median)]
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
