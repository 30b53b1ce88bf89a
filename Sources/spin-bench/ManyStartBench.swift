import ArgumentParser
import Foundation
import SpinCore
import SpinQemu
#if canImport(Glibc)
import Glibc
#endif

/// `spin-bench vm-many`: N VMs started at once by N separate `spin start` processes (each with
/// its own agents, serialized per VM by the host-wide lock) against N raw qemu execs at once,
/// time until all run; and one `spin start` process against one raw exec. Direct supervisor.
struct ManyStartBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vm-many",
        abstract: "N concurrent spin start processes vs N raw qemu execs (time until all run), and one vs one.",
        discussion: "Needs the test guests (scripts/build-test-guests) and the spin binary next to spin-bench."
    )

    @Option(help: "VMs started at once.") var vms = 10
    @Option(help: "Rounds; each runs every measurement once.") var rounds = 3
    @Option(help: "Guest memory in MiB.") var memory = 128

    func run() async throws {
        let guests = try BenchGuests.locate()
        let spinBinary = try Self.spinBinary()
        let directory = try makeBenchDirectory("many")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let root = SpinRoot(explicit: directory + "/root")
        let spin = try await Spin.open(root: root, options: SpinOptions(supervisor: .direct))
        _ = try await spin.createVolume(name: "vol", path: directory + "/vol")
        var spinVMs: [VM] = []
        var rawPlans: [LaunchPlan] = []
        for index in 0..<vms {
            spinVMs.append(try await spin.createVM(Self.spec("s\(index)", guests, memoryMiB: memory)))
            let raw = try await spin.createVM(Self.spec("r\(index)", guests, memoryMiB: memory))
            let plan = try await spin.emulation.planner.plan(
                for: raw, volumes: ["vol": spin.volume("vol")], images: ["vol/r\(index).raw": spin.image(volume: "vol", name: "r\(index).raw")], daemonize: false)
            try RuntimePaths(root: root, vmID: raw.id).create()
            rawPlans.append(plan)
        }
        // From here on only the `spin start` children serve the queues.
        await spin.close()
        var rawMany = Samples(), spinMany = Samples(), rawOne = Samples(), spinOne = Samples()
        do {
            for round in 0..<rounds {
            rawMany.add(try await Self.raw(rawPlans))
            spinMany.add(try await Self.spinStarts(spinVMs, spin: spin, binary: spinBinary, root: root))
            rawOne.add(try await Self.raw([rawPlans[0]]))
            spinOne.add(try await Self.spinStarts([spinVMs[0]], spin: spin, binary: spinBinary, root: root))
            print("round \(round + 1)/\(rounds): \(vms) at once: spin \(formatMilliseconds(spinMany.values.last ?? .nan)) ms, raw \(formatMilliseconds(rawMany.values.last ?? .nan)) ms; one: spin \(formatMilliseconds(spinOne.values.last ?? .nan)) ms, raw \(formatMilliseconds(rawOne.values.last ?? .nan)) ms")
            }
        } catch {
            await Self.stopAll(spin, spinVMs)
            throw error
        }
        await Self.stopAll(spin, spinVMs)
        print("")
        print("| start, whole processes, until QMP running | spin (median) | raw qemu (median) | ratio |")
        print("| --- | --- | --- | --- |")
        print("| \(vms) VMs at once (\(vms) `spin start` processes vs \(vms) execs) | \(formatMilliseconds(spinMany.median)) ms | \(formatMilliseconds(rawMany.median)) ms | \(String(format: "%.2f", spinMany.median / rawMany.median)) |")
        print("| one VM (`spin start` vs one exec) | \(formatMilliseconds(spinOne.median)) ms | \(formatMilliseconds(rawOne.median)) ms | \(String(format: "%.2f", spinOne.median / rawOne.median)) |")
    }

    /// A started guest: a 16 MiB raw disk and the test guest's kernel (also `spin-bench cli`'s).
    static func spec(_ name: String, _ guests: BenchGuests, memoryMiB: Int) -> VMSpec {
        VMSpec(name: name, cpus: 1, memoryMiB: memoryMiB, storage: [.disk(volume: "vol", image: name + ".raw")],
               kernel: DirectBoot(kernel: guests.kernel, initrd: guests.initrd, append: BenchGuests.append),
               stopTimeoutSeconds: 1, newImages: [ImageSpec(volume: "vol", name: name + ".raw", sizeBytes: 16 << 20, format: .raw)])
    }

    /// Spawns every plan's qemu at once and waits until each says `running`; then kills them.
    static func raw(_ plans: [LaunchPlan]) async throws -> Double {
        for plan in plans { for stale in [plan.paths.qmpSocket, plan.paths.serialSocket, plan.paths.vncSocket] { unlink(stale) } }
        let start = ContinuousClock.now
        var pids: [pid_t] = []
        defer { for pid in pids { kill(pid, SIGKILL) } }
        for plan in plans {
            pids.append(try ProcessRunner.spawnDetached(plan.executable, plan.arguments, logPath: plan.paths.vmDirectory + "/qemu.log"))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (plan, pid) in zip(plans, pids) {
                group.addTask { try await waitForRawQemuRunning(socket: plan.paths.qmpSocket, pid: pid) }
            }
            try await group.waitForAll()
        }
        let elapsed = milliseconds(since: start)
        for pid in pids {
            kill(pid, SIGKILL)
            _ = try? await ProcessRunner.waitForExit(pid: pid)
        }
        pids = []
        return elapsed
    }

    /// Runs one `spin start` process per VM, all at once, until every one has exited (each
    /// exits once its VM runs); then stops them without a graceful power-off.
    static func spinStarts(_ vms: [VM], spin: Spin, binary: String, root: SpinRoot) async throws -> Double {
        let start = ContinuousClock.now
        let children = try vms.map { vm -> Process in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["start", vm.name, "--root", root.path]
            var environment = ProcessInfo.processInfo.environment
            environment["XDG_RUNTIME_DIR"] = ""
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            return process
        }
        for child in children { child.waitUntilExit() }
        let elapsed = milliseconds(since: start)
        for (vm, child) in zip(vms, children) where child.terminationStatus != 0 {
            throw BenchError("spin start \(vm.name) exited \(child.terminationStatus)")
        }
        for vm in vms { try await spin.emulation.stop(vm.id, timeoutSeconds: 0) }
        return elapsed
    }

    static func spinBinary() throws -> String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let sibling = URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("spin").path
        guard FileManager.default.isExecutableFile(atPath: sibling) else {
            throw BenchError("no spin binary next to spin-bench at \(sibling); build it (swift build -c release --product spin)")
        }
        return sibling
    }

    /// Stops every VM of the run without a graceful power-off, whatever happened.
    static func stopAll(_ spin: Spin, _ vms: [VM]) async {
        for vm in vms { try? await spin.emulation.stop(vm.id, timeoutSeconds: 0) }
    }
}
