import ArgumentParser
import Foundation
import SpinCore
import SpinQemu

/// `spin-bench cli`: whole `spin` processes, as a user runs them, against `spin --version`
/// (the cost of starting the binary at all) in the same run: `vm list` over many VMs, `vm
/// get`, and `spin start` of the test guest against raw qemu started from the same argv.
struct CLIBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cli",
        abstract: "Whole spin processes (vm list, vm get, start) vs spin --version and raw qemu, medians and ratios.",
        discussion: "Needs the spin binary next to spin-bench (swift build -c release) and the test guests for the start rows."
    )

    @Option(help: "VMs in the listed root.") var vms = 200
    @Option(help: "Runs of each read command (medians over them).") var runs = 30
    @Option(help: "Rounds of the start comparison.") var starts = 5
    @Flag(help: "Print the table as Markdown.") var markdown = false

    func run() async throws {
        let spinBinary = try ManyStartBench.spinBinary()
        let guests = try BenchGuests.locate()
        let directory = try makeBenchDirectory("cli")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let root = SpinRoot(explicit: directory + "/root")
        let spin = try await Spin.open(root: root, options: SpinOptions(supervisor: .direct))
        _ = try await spin.createVolume(name: "vol", path: directory + "/vol")
        print("creating \(vms) VMs …")
        for index in 0..<vms {
            _ = try await spin.createVM(VMSpec(
                name: "vm\(index)", cpus: 1, memoryMiB: 128, storage: [],
                kernel: DirectBoot(kernel: guests.kernel, initrd: guests.initrd, append: BenchGuests.append)))
        }
        let guest = try await spin.createVM(ManyStartBench.spec("guest", guests, memoryMiB: 128))
        let raw = try await spin.createVM(ManyStartBench.spec("raw", guests, memoryMiB: 128))
        let rawPlan = try await spin.emulation.planner.plan(
            for: raw, volumes: ["vol": spin.volume("vol")], images: ["vol/raw.raw": spin.image(volume: "vol", name: "raw.raw")], daemonize: false)
        try RuntimePaths(root: root, vmID: raw.id).create()
        await spin.close()

        let runner = CLIRunner(binary: spinBinary, root: root)
        var version = Samples(), list = Samples(), listJSON = Samples(), get = Samples()
        for run in 0..<runs {
            version.add(try await runner.time(["--version"]))
            list.add(try await runner.time(["vm", "list"]))
            listJSON.add(try await runner.time(["vm", "list", "--format", "json"]))
            get.add(try await runner.time(["vm", "get", "vm\(max(0, vms / 2))"]))
            if run == 0 { print("warm-up done; \(runs) runs of each …") }
        }
        var rawStart = Samples(), spinStart = Samples(), versionAtStart = Samples()
        let control = try await Spin.open(root: root, options: SpinOptions(supervisor: .direct, runsAgents: false))
        do {
            for round in 0..<starts {
                versionAtStart.add(try await runner.time(["--version"]))
                rawStart.add(try await ManyStartBench.raw([rawPlan]))
                spinStart.add(try await ManyStartBench.spinStarts([guest], spin: control, binary: spinBinary, root: root))
                print("start round \(round + 1)/\(starts): spin \(formatMilliseconds(spinStart.values.last ?? .nan)) ms, raw \(formatMilliseconds(rawStart.values.last ?? .nan)) ms")
            }
        } catch {
            await ManyStartBench.stopAll(control, [guest])
            await control.close()
            throw error
        }
        await ManyStartBench.stopAll(control, [guest])
        await control.close()

        var table = BenchTable(header: ["whole process", "median ms", "p90 ms", "goal", "vs --version", "met"])
        func row(_ name: String, _ samples: Samples, goal: Double?, ratioGoal: Double?) {
            let ratio = samples.median / version.median
            let met = (goal.map { samples.median <= $0 } ?? true) && (ratioGoal.map { ratio <= $0 } ?? true)
            let goalText = [goal.map { "≤ \(formatMilliseconds($0)) ms" }, ratioGoal.map { "≤ \(formatRatio($0))×" }].compactMap { $0 }.joined(separator: ", ")
            table.add([name, formatMilliseconds(samples.median), formatMilliseconds(samples.percentile(90)), goalText.isEmpty ? "–" : goalText, formatRatio(ratio), met ? "yes" : "no"])
        }
        row("spin --version (baseline)", version, goal: 8, ratioGoal: nil)
        row("spin vm list (\(vms + 2) VMs)", list, goal: 10, ratioGoal: 1.5)
        row("spin vm list --format json (\(vms + 2) VMs)", listJSON, goal: nil, ratioGoal: nil)
        row("spin vm get", get, goal: 8, ratioGoal: nil)
        print("")
        print(table.render(markdown: markdown))
        let extra = spinStart.median - rawStart.median
        print("")
        var starts = BenchTable(header: ["start of the test guest, whole processes, until QMP running", "spin ms", "raw qemu ms", "spin − raw", "goal", "met"])
        starts.add(["`spin start` vs qemu from the same argv", formatMilliseconds(spinStart.median), formatMilliseconds(rawStart.median),
                    formatMilliseconds(extra), "≤ 20 ms", extra <= 20 ? "yes" : "no"])
        print(starts.render(markdown: markdown))
        print("(medians; --version during the start rounds: \(formatMilliseconds(versionAtStart.median)) ms)")
    }
}

/// Runs `spin` with a root, as a whole process, and times it from spawn to exit.
struct CLIRunner {
    let binary: String
    let root: SpinRoot

    /// Milliseconds from spawn to exit; throws when the command fails.
    func time(_ arguments: [String]) async throws -> Double {
        var environment = ProcessInfo.processInfo.environment
        environment["SPIN_ROOT"] = root.path
        environment["XDG_RUNTIME_DIR"] = ""
        let start = ContinuousClock.now
        let result = try await ProcessRunner.run(binary, arguments, environment: environment, check: false)
        let elapsed = milliseconds(since: start)
        guard result.termination == .exited(0) else {
            throw BenchError("spin \(arguments.joined(separator: " ")) ended with \(result.termination): \(result.standardErrorText)")
        }
        return elapsed
    }
}
