import Foundation
import SpinQemu

/// Runs qemu without a service manager: `-daemonize -pidfile`, controlled through QMP. For
/// hosts and containers where no systemd manager is reachable.
///
/// The running qemu is found from what qemu itself holds, whoever spawned it (a killed CLI,
/// another process): the pid in its pidfile, accepted only when `/proc/<pid>` is alive (not a
/// zombie) and its command line names that very pidfile — so a reused pid is never mistaken
/// for it. Files per VM: `launch.json` (the plan), `identity.json` (written before each launch,
/// then with pid + start time: evidence that it was started) and `stopped` (written when spin
/// stopped it or saw it stop cleanly). A qemu that is gone while `stopped` is absent died
/// unseen: it crashed.
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
        try paths.create(qemuUser: plan.qemuUser)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data = try encoder.encode(plan)
        if let existing = FileManager.default.contents(atPath: paths.launchFile), existing == data { return false }
        try data.write(to: URL(fileURLWithPath: paths.launchFile), options: .atomic)
        return true
    }

    public func removeConfig(vmID: UInt64) async throws {
        if let identity = runningIdentity(vmID) {
            throw SpinError(.failedPrecondition, "VM \(vmID) still runs (qemu pid \(identity.pid)); stop it first with spin stop \(vmID)")
        }
        for file in [paths(vmID).launchFile, identityFile(vmID), stoppedMarker(vmID)] {
            try? FileManager.default.removeItem(atPath: file)
        }
    }

    public func start(vmID: UInt64) async throws {
        if runningIdentity(vmID) != nil { return }
        let paths = paths(vmID)
        guard let data = FileManager.default.contents(atPath: paths.launchFile) else {
            throw SpinError(.failedPrecondition, "VM \(vmID) has no launch description; run its write_config first (spin vm update \(vmID) rewrites it)")
        }
        let plan = try JSONDecoder().decode(LaunchPlan.self, from: data)
        try paths.create(qemuUser: plan.qemuUser)
        try await RuntimeLeftovers(files: [paths.pidFile], sockets: [paths.qmpSocket, paths.serialSocket, paths.vncSocket, paths.guestAgentSocket, watchSocket(vmID)])
            .removeProvenStale(vm: plan.name)
        // Evidence that a launch began, before there is a process: should this caller die
        // now, a qemu that later dies unseen is reported crashed, not "never started".
        try? FileManager.default.removeItem(atPath: stoppedMarker(vmID))
        try JSONEncoder().encode(ProcessIdentity(pid: 0, startTime: 0, bootID: BootID.current(file: bootIDFile))).write(to: URL(fileURLWithPath: identityFile(vmID)), options: .atomic)
        let arguments = plan.arguments + ["-qmp", "unix:\(watchSocket(vmID)),server=on,wait=off"]
        let command = try PrivilegeDrop(user: plan.qemuUser).command(plan.executable, arguments)
        // Shared folders' daemons listen before qemu connects to them; they end with it.
        let shares = FileShareDaemons(daemons: plan.fileShareDaemons)
        try await shares.start(logPath: { paths.vmDirectory + "/virtiofsd-\($0).log" })
        let result = try await ProcessRunner.run(command.executable, command.arguments, check: false)
        guard var identity = runningIdentity(vmID) else {
            shares.stop()
            if result.termination != .exited(0) {
                throw SpinError(.actionFailed, "qemu for VM \(plan.name) did not start: \(result.standardErrorText.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            throw SpinError(.actionFailed, "qemu for VM \(plan.name) exited right after starting; see \(paths.serialLog)")
        }
        identity.bootID = BootID.current(file: bootIDFile)
        try JSONEncoder().encode(identity).write(to: URL(fileURLWithPath: identityFile(vmID)), options: .atomic)
    }

    /// A second QMP socket reserved for watchers, so a watcher never blocks control.
    public func watchSocket(_ vmID: UInt64) -> String { paths(vmID).runtimeDirectory + "/watch.sock" }

    public func stop(vmID: UInt64, timeout: Duration, leaseCheck: (@Sendable () async throws -> Void)?) async throws {
        guard let identity = runningIdentity(vmID) else {
            // Not running. A crashed run is acknowledged as stopped; a VM that never ran (or
            // whose files are already gone) needs nothing.
            if FileManager.default.fileExists(atPath: identityFile(vmID)) { try await markStopped(vmID: vmID) }
            // A start killed between its shared folders' daemons and qemu leaves them waiting.
            endFileShareDaemons(vmID)
            return
        }
        // Asked to stop: whatever ends the process from here on is not a crash.
        try await markStopped(vmID: vmID)
        let qmp = paths(vmID).qmpSocket
        let agent = GuestAgentAccess(root: root, vmID: vmID)
        let ladder = StopLadder(
            powerOff: { timeout in
                guard let client = try? await QMPClient.connect(path: qmp, retryFor: .seconds(1)) else { return false }
                defer { client.close() }
                let fallback = agent.shutdownFallback(timeout: timeout, qmp: client)
                guard (try? await client.shutdown(timeout: timeout, fallback: fallback)) == true else { return false }
                // -no-shutdown keeps qemu waiting after the power-off so it is seen; end it.
                try? await client.quit()
                return true
            },
            signal: { signal in if identity.isAlive { kill(identity.pid, signal) } },
            waitGone: { limit in await Self.waitForExit(identity, within: limit) },
            exitGrace: .seconds(2), termGrace: termGrace, leaseCheck: leaseCheck)
        try await ladder.run(timeout: timeout, vm: String(vmID))
        // Each virtiofsd exits when its qemu disconnects; end any that has not yet.
        endFileShareDaemons(vmID)
    }

    /// Ends the virtiofsd daemons the VM's launch description names, if any still run.
    private func endFileShareDaemons(_ vmID: UInt64) {
        guard let data = FileManager.default.contents(atPath: paths(vmID).launchFile),
            let plan = try? JSONDecoder().decode(LaunchPlan.self, from: data), !plan.fileShareDaemons.isEmpty
        else { return }
        FileShareDaemons(daemons: plan.fileShareDaemons).stop()
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
        return await Self.waitForExit(identity, within: timeout)
    }

    /// The qemu running for VM `vmID`, from its pidfile checked against `/proc`. When the
    /// pidfile is gone or names another process while the QMP socket still exists (someone
    /// removed the pidfile), the qemu is looked for by its command line instead.
    func runningIdentity(_ vmID: UInt64) -> ProcessIdentity? {
        let pidFile = paths(vmID).pidFile
        if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0,
            let identity = ProcessIdentity.current(pid: pid),
            ProcessIdentity.commandLine(of: pid, has: "-pidfile", pidFile)
        {
            return identity
        }
        guard FileManager.default.fileExists(atPath: paths(vmID).qmpSocket) else { return nil }
        return ProcessIdentity.find(commandLineHas: "-pidfile", pidFile)
    }

    private func recordedIdentity(_ vmID: UInt64) -> ProcessIdentity? {
        guard let data = FileManager.default.contents(atPath: identityFile(vmID)) else { return nil }
        return try? JSONDecoder().decode(ProcessIdentity.self, from: data)
    }

    /// Polls /proc (zombies count as gone, so PID 1's slow reaping does not delay this).
    static func waitForExit(_ identity: ProcessIdentity, within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while identity.isAlive {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }
}
