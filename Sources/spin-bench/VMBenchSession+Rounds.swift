import Foundation
import SpinCore
import SpinQemu
#if canImport(Glibc)
import Glibc
#endif

extension VMBenchSession {
    /// Each round: create a VM; two SIGKILL crash notices (polled, then watched); spin start
    /// and raw start, each to QMP `running` and to the guest's ready marker (the order
    /// alternates by round); a forced stop of spin's VM; delete.
    func runRounds(_ rounds: Int) async throws -> VMBenchResults {
        var results = VMBenchResults()
        _ = try await spin.createVolume(name: "vol", path: directory + "/vol")
        // The raw baseline's argv: the same planner, foreground (no -daemonize), its own paths.
        let rawVM = try await spin.createVM(spec("raw"))
        let rawPlan = try await spin.emulation.planner.plan(
            for: rawVM, volumes: ["vol": spin.volume("vol")], images: ["vol/raw.raw": spin.image(volume: "vol", name: "raw.raw")], daemonize: false)
        try RuntimePaths(root: spin.root, vmID: rawVM.id).create()
        for round in 0..<rounds {
            let name = "b\(round)"
            let created = ContinuousClock.now
            let vm = try await spin.createVM(spec(name))
            results.create.add(milliseconds(since: created))

            try await crashPolled(name, into: &results)
            try await crashWatched(name, into: &results)

            for spinFirst in round % 2 == 0 ? [true, false] : [false, true] {
                if spinFirst {
                    try await spinStart(vm, into: &results)
                    let stopping = ContinuousClock.now
                    try await spin.stopVM(name, timeoutSeconds: 0)
                    results.forcedStop.add(milliseconds(since: stopping))
                    let after = try await spin.status(name).state
                    guard after == .stopped else { throw BenchError("after stopVM the VM is \(after.rawValue)") }
                } else {
                    try await rawStart(rawPlan, into: &results)
                }
            }

            try await startBreakdown(vm, into: &results)

            let deleting = ContinuousClock.now
            try await spin.deleteVM(name)
            results.delete.add(milliseconds(since: deleting))
            print("round \(round + 1)/\(rounds): spin \(formatMilliseconds(results.spinRunning.values.last ?? .nan)) ms, raw \(formatMilliseconds(results.rawRunning.values.last ?? .nan)) ms to running")
        }
        return results
    }

    /// `startVM` to its return (QMP running), then to the ready marker on the serial log.
    private func spinStart(_ vm: VM, into results: inout VMBenchResults) async throws {
        let log = RuntimePaths(root: spin.root, vmID: vm.id).serialLog
        truncate(log)
        let start = ContinuousClock.now
        try await spin.startVM(vm.name)
        results.spinRunning.add(milliseconds(since: start))
        try await waitForMarker(log, since: start)
        results.spinReady.add(milliseconds(since: start))
    }

    /// qemu spawned with the plan's argv; a raw socket polls (every 1 ms) until QMP says
    /// running; then the ready marker; then SIGKILL and reap.
    private func rawStart(_ plan: LaunchPlan, into results: inout VMBenchResults) async throws {
        let paths = plan.paths
        truncate(paths.serialLog)
        for stale in [paths.qmpSocket, paths.serialSocket, paths.vncSocket, paths.runtimeDirectory + "/qga.sock"] { unlink(stale) }
        let start = ContinuousClock.now
        let pid = try ProcessRunner.spawnDetached(plan.executable, plan.arguments, logPath: paths.vmDirectory + "/qemu.log")
        rawPID.withLock { $0 = pid }
        defer {
            kill(pid, SIGKILL)
        }
        try await waitForRawRunning(socket: paths.qmpSocket, pid: pid)
        results.rawRunning.add(milliseconds(since: start))
        try await waitForMarker(paths.serialLog, since: start)
        results.rawReady.add(milliseconds(since: start))
        kill(pid, SIGKILL)
        _ = try? await ProcessRunner.waitForExit(pid: pid)
        rawPID.withLock { $0 = nil }
    }

    private func waitForRawRunning(socket: String, pid: pid_t) async throws {
        try await waitForRawQemuRunning(socket: socket, pid: pid)
    }

    /// Where `startVM`'s time goes: the emulation agent's `start` called directly (no broker
    /// package), and the supervisor's `start` alone followed by a 1 ms raw-socket poll to
    /// `running` (no facade, no agent status checks, no QMPClient). Each run ends in SIGKILL.
    private func startBreakdown(_ vm: VM, into results: inout VMBenchResults) async throws {
        let agentStart = ContinuousClock.now
        try await spin.emulation.start(vm.id)
        results.agentRunning.add(milliseconds(since: agentStart))
        try await killAndSettle(vm.name)

        _ = try await spin.emulation.writeConfig(vm.id)
        let supervisorStart = ContinuousClock.now
        try await spin.emulation.supervisor.start(vmID: vm.id)
        results.supervisorStarted.add(milliseconds(since: supervisorStart))
        let pid = try await spin.emulation.supervisor.status(vmID: vm.id).pid ?? 0
        try await waitForRawRunning(socket: RuntimePaths(root: spin.root, vmID: vm.id).qmpSocket, pid: pid)
        results.supervisorRunning.add(milliseconds(since: supervisorStart))
        try await killAndSettle(vm.name)
    }

    /// SIGKILL the VM's qemu, wait until spin sees it crashed, and settle it to stopped.
    private func killAndSettle(_ name: String) async throws {
        guard let pid = try await spin.status(name).process.pid else { throw BenchError("no pid for \(name)") }
        kill(pid, SIGKILL)
        while try await spin.status(name).state != .crashed { try await Task.sleep(for: .milliseconds(5)) }
        try await spin.stopVM(name, timeoutSeconds: 1)
    }

    /// SIGKILL qemu, then call `status()` back to back until it says crashed.
    private func crashPolled(_ name: String, into results: inout VMBenchResults) async throws {
        try await spin.startVM(name)
        guard let pid = try await spin.status(name).process.pid else { throw BenchError("no pid for \(name)") }
        let killed = ContinuousClock.now
        kill(pid, SIGKILL)
        var calls = 0
        while try await spin.status(name).state != .crashed {
            calls += 1
            guard ContinuousClock.now - killed < .seconds(20) else { throw BenchError("\(name) not reported crashed within 20 s") }
        }
        results.crashPolled.add(milliseconds(since: killed))
        results.crashPollCalls.add(Double(calls + 1))
    }

    /// Arm the event-driven watch, SIGKILL qemu, wait for the event, then one `status()`.
    private func crashWatched(_ name: String, into results: inout VMBenchResults) async throws {
        try await spin.startVM(name)
        guard let pid = try await spin.status(name).process.pid else { throw BenchError("no pid for \(name)") }
        let watch = try await spin.armCrashWatch(name)
        let killed = ContinuousClock.now
        kill(pid, SIGKILL)
        guard let seen = await watch.wait() else { throw BenchError("the crash watch on \(name) ended without a death") }
        results.crashFirstSign.add((seen.firstSign - killed).seconds * 1e3)
        results.crashEvent.add((seen.gone - killed).seconds * 1e3)
        while try await spin.status(name).state != .crashed {
            guard ContinuousClock.now - killed < .seconds(20) else { throw BenchError("\(name) not reported crashed within 20 s") }
        }
        results.crashEventConfirmed.add(milliseconds(since: killed))
    }

    /// Polls the serial log every 5 ms for the ready marker.
    private func waitForMarker(_ log: String, since start: ContinuousClock.Instant) async throws {
        let marker = Data(BenchGuests.readyMarker.utf8)
        while ContinuousClock.now - start < .seconds(180) {
            if let data = FileManager.default.contents(atPath: log), data.range(of: marker) != nil { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw BenchError("no \(BenchGuests.readyMarker) in \(log) within 180 s")
    }

    private func truncate(_ path: String) {
        _ = FileManager.default.createFile(atPath: path, contents: Data())
    }
}
