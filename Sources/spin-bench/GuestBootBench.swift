import ArgumentParser
import Foundation
import SpinCore
import SpinQemu

/// `spin-bench guest-boot`: a real OS from a base image through whole `spin` processes — `vm
/// create --from` then `spin start` until the guest's SSH server answers — against raw qemu
/// run with the same argv (the plan of a twin VM: same image, same kind of seed) in the same
/// run; and the cost of an overlay on a 500 MB and a 5 GB base against raw `qemu-img create`.
struct GuestBootBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guest-boot",
        abstract: "vm create --from + start until SSH answers vs raw qemu with the same argv; overlay creation vs base size.",
        discussion: "Needs the spin binary next to spin-bench and the Debian guest's disk (scripts/build-debian-guest)."
    )

    @Option(help: "Boots of each kind (alternating spin and raw).") var rounds = 1
    @Option(help: "Overlay creations per base size.") var overlays = 5
    @Flag(help: "Print the table as Markdown.") var markdown = false

    func run() async throws {
        let spinBinary = try ManyStartBench.spinBinary()
        let disk = (ProcessInfo.processInfo.environment["SPIN_GUEST_DIR"] ?? "/var/tmp/spin-test-guests") + "/debian/disk.qcow2"
        guard FileManager.default.fileExists(atPath: disk) else { throw BenchError("\(disk) is missing; run scripts/build-debian-guest") }
        let directory = try makeBenchDirectory("guest")
        let root = SpinRoot(explicit: directory + "/root")
        let runner = CLIRunner(binary: spinBinary, root: root)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            try await measure(runner: runner, disk: disk, directory: directory, root: root)
        } catch {
            // Whatever runs is ended before the directory goes.
            for vm in ((try? await listNames(runner)) ?? []) { _ = try? await runner.time(["stop", vm, "--timeout", "0"]) }
            throw error
        }
    }

    private func listNames(_ runner: CLIRunner) async throws -> [String] {
        let result = try await ProcessRunner.run(runner.binary, ["vm", "list", "--format", "json", "--root", runner.root.path])
        let rows = try JSONSerialization.jsonObject(with: result.standardOutput) as? [[String: Any]] ?? []
        return rows.compactMap { ($0["vm"] as? [String: Any])?["name"] as? String }
    }

    private func measure(runner: CLIRunner, disk: String, directory: String, root: SpinRoot) async throws {
        _ = try await runner.time(["volume", "create", "vol", directory + "/vol"])
        _ = try await runner.time(["image", "import", "vol", "debian", disk, "--base"])

        var table = BenchTable(header: ["what", "spin ms", "raw ms", "spin / raw"])
        for (name, size) in [("base500m.raw", "500M"), ("base5g.raw", "5G")] {
            _ = try await runner.time(["image", "create", "vol", name, "--size", size, "--image-format", "raw"])
            // Allocated, not sparse: the base's blocks exist, as an imported image's do.
            _ = try await ProcessRunner.run("fallocate", ["-l", size, directory + "/vol/" + name])
            _ = try await runner.time(["image", "base", "vol", name])
            var spin = Samples(), raw = Samples(), version = Samples()
            for index in 0..<overlays {
                version.add(try await runner.time(["--version"]))
                spin.add(try await runner.time(["vm", "create", "o\(index)-\(name.prefix(6))", "--from", "vol/" + name, "--no-seed"]))
                let start = ContinuousClock.now
                _ = try await ProcessRunner.run("qemu-img", ["create", "-q", "-f", "qcow2", "-b", name, "-F", "raw", directory + "/vol/raw-\(index)-\(name).qcow2"])
                raw.add(milliseconds(since: start))
            }
            table.add(["overlay on a \(size) base (spin: whole vm create; --version \(formatMilliseconds(version.median)) ms)",
                       formatMilliseconds(spin.median), formatMilliseconds(raw.median), formatRatio(spin.median / raw.median)])
        }

        var spinBoot = Samples(), spinCreate = Samples(), rawBoot = Samples()
        for round in 0..<rounds {
            let name = "s\(round)"
            spinCreate.add(try await runner.time(["vm", "create", name, "--from", "vol/debian", "-c", "2", "-m", "1024"]))
            let spinPort = try await sshPort(of: name, runner: runner)
            let spinStart = ContinuousClock.now
            _ = try await runner.time(["start", name])
            try await waitForSSH(port: spinPort)
            spinBoot.add(milliseconds(since: spinStart))
            _ = try await runner.time(["stop", name, "--timeout", "0"])
            print("round \(round + 1): spin start → SSH \(formatMilliseconds(spinBoot.values.last ?? .nan)) ms")

            let twin = "r\(round)"
            _ = try await runner.time(["vm", "create", twin, "--from", "vol/debian", "-c", "2", "-m", "1024"])
            rawBoot.add(try await rawBootToSSH(twin, root: root, runner: runner))
            print("round \(round + 1): raw qemu → SSH \(formatMilliseconds(rawBoot.values.last ?? .nan)) ms")
        }
        table.add(["boot to SSH (spin start vs qemu)", formatMilliseconds(spinBoot.median), formatMilliseconds(rawBoot.median), formatRatio(spinBoot.median / rawBoot.median)])
        let total = spinCreate.median + spinBoot.median
        table.add(["vm create --from + start to SSH", formatMilliseconds(total), formatMilliseconds(rawBoot.median), formatRatio(total / rawBoot.median)])
        print("")
        print(table.render(markdown: markdown))
        print("goal: spin / raw ≤ 1.05 for the boot; overlay cost independent of the base's size")
    }

    /// Waits until the guest's SSH server answers on the forwarded port.
    private func waitForSSH(port: Int) async throws {
        guard await SSHReadiness.wait(port: port, timeout: .seconds(600)) else {
            throw BenchError("no SSH banner on 127.0.0.1:\(port) within 600 s")
        }
    }

    /// The host port forwarded to the VM's SSH port.
    private func sshPort(of vm: String, runner: CLIRunner) async throws -> Int {
        let result = try await ProcessRunner.run(runner.binary, ["vm", "get", vm, "--format", "json", "--root", runner.root.path])
        let object = try JSONSerialization.jsonObject(with: result.standardOutput) as? [String: Any]
        let ports = (object?["vm"] as? [String: Any])?["ports"] as? [[String: Any]] ?? []
        guard let port = ports.first(where: { $0["guestPort"] as? Int == 22 })?["hostPort"] as? Int else {
            throw BenchError("VM \(vm) has no SSH forward")
        }
        return port
    }

    /// Runs qemu itself with the twin VM's own plan (its overlay, its seed, its forward) and
    /// times it until SSH answers; then kills it.
    private func rawBootToSSH(_ vm: String, root: SpinRoot, runner: CLIRunner) async throws -> Double {
        let port = try await sshPort(of: vm, runner: runner)
        let spin = try await Spin.open(root: root, options: SpinOptions(supervisor: .direct, runsAgents: false))
        let record = try await spin.vm(vm)
        let image = try await spin.image(volume: "vol", name: vm + ".qcow2")
        let plan = try await spin.emulation.planner.plan(
            for: record, volumes: ["vol": spin.volume("vol")], images: ["vol/\(vm).qcow2": image], daemonize: false)
        await spin.close()
        try RuntimePaths(root: root, vmID: record.id).create()
        let start = ContinuousClock.now
        let pid = try ProcessRunner.spawnDetached(plan.executable, plan.arguments, logPath: plan.paths.vmDirectory + "/qemu.log")
        defer { kill(pid, SIGKILL) }
        try await waitForSSH(port: port)
        let elapsed = milliseconds(since: start)
        kill(pid, SIGKILL)
        _ = try? await ProcessRunner.waitForExit(pid: pid)
        return elapsed
    }
}
