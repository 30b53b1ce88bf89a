import Foundation
import SpinQemu

/// Runs qemu without a service manager: `-daemonize -pidfile`, the process recognised by pid
/// and start time, controlled through QMP. For hosts and containers where no systemd manager
/// is reachable.
///
/// Files per VM: `launch.json` (the plan), `identity.json` (pid + start time of the running
/// qemu) and `stopped` (written when spin saw the VM stop cleanly). A qemu that is gone while
/// `stopped` is absent died unseen: it crashed.
public struct DirectSupervisor: Supervisor {
    /// The data root.
    public let root: SpinRoot
    /// How long to wait after SIGTERM before SIGKILL.
    public var termGrace: Duration = .seconds(2)
    /// Where the boot id is read (``BootID/current(file:)``); nil: `$SPIN_BOOT_ID_FILE`, else
    /// the kernel's.
    public var bootIDFile: String?

    /// Creates a direct supervisor for `root`.
    public init(root: SpinRoot) { self.root = root }

    public var kind: SupervisorKind { .direct }
    public var daemonizes: Bool { true }

    private func paths(_ id: UInt64) -> RuntimePaths { RuntimePaths(root: root, vmID: id) }
    private func identityFile(_ id: UInt64) -> String { paths(id).vmDirectory + "/identity.json" }
    private func stoppedMarker(_ id: UInt64) -> String { paths(id).vmDirectory + "/stopped" }

    public func writeConfig(_ plan: LaunchPlan) async throws -> Bool {
        let paths = paths(plan.vmID)
        try paths.create()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data = try encoder.encode(plan)
        if let existing = FileManager.default.contents(atPath: paths.launchFile), existing == data { return false }
        try data.write(to: URL(fileURLWithPath: paths.launchFile), options: .atomic)
        return true
    }

    public func removeConfig(vmID: UInt64) async throws {
        for file in [paths(vmID).launchFile, identityFile(vmID), stoppedMarker(vmID)] {
            try? FileManager.default.removeItem(atPath: file)
        }
    }

    public func start(vmID: UInt64) async throws {
        if try await status(vmID: vmID).state == .running { return }
        let paths = paths(vmID)
        guard let data = FileManager.default.contents(atPath: paths.launchFile) else {
            throw SpinError(.failedPrecondition, "VM \(vmID) has no launch description; run its write_config first (spin vm update \(vmID) rewrites it)")
        }
        let plan = try JSONDecoder().decode(LaunchPlan.self, from: data)
        try paths.create()
        for stale in [paths.qmpSocket, paths.serialSocket, paths.vncSocket, paths.pidFile, watchSocket(vmID), stoppedMarker(vmID)] {
            try? FileManager.default.removeItem(atPath: stale)
        }
        let arguments = plan.arguments + ["-qmp", "unix:\(watchSocket(vmID)),server=on,wait=off"]
        let result = try await ProcessRunner.run(plan.executable, arguments, check: false)
        guard result.termination == .exited(0) else {
            throw SpinError(.actionFailed, "qemu for VM \(plan.name) did not start: \(result.standardErrorText.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        guard let text = try? String(contentsOfFile: paths.pidFile, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
            var identity = ProcessIdentity.current(pid: pid)
        else {
            throw SpinError(.actionFailed, "qemu for VM \(plan.name) exited right after starting; see \(paths.serialLog)")
        }
        identity.bootID = BootID.current(file: bootIDFile)
        try JSONEncoder().encode(identity).write(to: URL(fileURLWithPath: identityFile(vmID)), options: .atomic)
    }

    /// A second QMP socket reserved for watchers, so a watcher never blocks control.
    public func watchSocket(_ vmID: UInt64) -> String { paths(vmID).runtimeDirectory + "/watch.sock" }

    public func stop(vmID: UInt64, timeout: Duration) async throws {
        guard let identity = runningIdentity(vmID) else {
            // Not running. A crashed run is acknowledged as stopped; a VM that never ran (or
            // whose files are already gone) needs nothing.
            if FileManager.default.fileExists(atPath: identityFile(vmID)) { try await markStopped(vmID: vmID) }
            return
        }
        var poweredOff = false
        if timeout > .zero, let client = try? await QMPClient.connect(path: paths(vmID).qmpSocket, retryFor: .seconds(1)) {
            if (try? await client.shutdown(timeout: timeout)) == true {
                poweredOff = true
                try? await client.quit()
            }
            client.close()
        }
        // After a power-off qemu exits at once; otherwise force it without further waiting.
        let exited = poweredOff ? await waitForExit(identity, within: .seconds(2)) : false
        if !exited {
            kill(identity.pid, SIGTERM)
            if !(await waitForExit(identity, within: termGrace)) {
                kill(identity.pid, SIGKILL)
                _ = await waitForExit(identity, within: .seconds(5))
            }
        }
        try await markStopped(vmID: vmID)
    }

    public func markStopped(vmID: UInt64) async throws {
        try? paths(vmID).create()
        try Data().write(to: URL(fileURLWithPath: stoppedMarker(vmID)))
    }

    public func status(vmID: UInt64) async throws -> ProcessStatus {
        if let identity = runningIdentity(vmID) {
            return ProcessStatus(state: .running, pid: identity.pid, detail: "qemu pid \(identity.pid)")
        }
        if recordedIdentity(vmID)?.isFromAnotherBoot(than: BootID.current(file: bootIDFile)) == true {
            return ProcessStatus(state: .stopped, detail: "stopped: the host restarted since it ran")
        }
        let started = FileManager.default.fileExists(atPath: identityFile(vmID))
        if !started || FileManager.default.fileExists(atPath: stoppedMarker(vmID)) {
            return ProcessStatus(state: .stopped, detail: started ? "stopped" : "never started")
        }
        return ProcessStatus(state: .crashed, detail: "qemu exited without a clean shutdown (killed or aborted)")
    }

    public func waitUntilStopped(vmID: UInt64, timeout: Duration) async throws -> Bool {
        guard let identity = runningIdentity(vmID) else { return true }
        return await waitForExit(identity, within: timeout)
    }

    private func runningIdentity(_ vmID: UInt64) -> ProcessIdentity? {
        guard let identity = recordedIdentity(vmID), identity.isAlive,
            !identity.isFromAnotherBoot(than: BootID.current(file: bootIDFile))
        else { return nil }
        return identity
    }

    private func recordedIdentity(_ vmID: UInt64) -> ProcessIdentity? {
        guard let data = FileManager.default.contents(atPath: identityFile(vmID)) else { return nil }
        return try? JSONDecoder().decode(ProcessIdentity.self, from: data)
    }

    /// Polls /proc (zombies count as gone, so PID 1's slow reaping does not delay this).
    private func waitForExit(_ identity: ProcessIdentity, within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while identity.isAlive {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }
}
