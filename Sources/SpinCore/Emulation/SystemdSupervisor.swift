import Foundation
import SpinQemu

/// Runs each VM as a systemd service, `spin-<id>.service`, driven over D-Bus.
///
/// The unit's `ExecStop` asks the guest to power off through QMP (`spin qmp shutdown`), and
/// systemd kills qemu once `TimeoutStopSec` passes — so a stop by systemd itself (host
/// shutdown, `systemctl stop`) is graceful too. One manager serves one spin root: a unit file
/// written for another root is never overwritten.
public struct SystemdSupervisor: Supervisor {
    /// The manager's connection.
    public let manager: SystemdManager
    /// Where unit files go.
    public let unitDirectory: String
    /// The data root.
    public let root: SpinRoot
    /// The `spin` executable that `ExecStop` runs, or nil for no graceful `ExecStop`.
    public let helperCommand: [String]?
    /// How long to wait after SIGTERM before SIGKILL when a graceful stop failed.
    public var termGrace: Duration = .seconds(2)

    /// Creates a systemd supervisor.
    public init(manager: SystemdManager, unitDirectory: String, root: SpinRoot, helperCommand: [String]?) {
        self.manager = manager
        self.unitDirectory = unitDirectory
        self.root = root
        self.helperCommand = helperCommand
    }

    public var kind: SupervisorKind { .systemd }
    public var daemonizes: Bool { false }

    static func unitName(_ vmID: UInt64) -> String { "spin-\(vmID).service" }
    /// The tag in a unit's description that names the spin root it was written for.
    static func ownerTag(_ root: SpinRoot) -> String { "[spin root \(root.path)]" }
    private var ownerTag: String { Self.ownerTag(root) }

    public func writeConfig(_ plan: LaunchPlan) async throws -> Bool {
        try RuntimePaths(root: root, vmID: plan.vmID).create(qemuUser: plan.qemuUser)
        let name = Self.unitName(plan.vmID)
        try checkOwnership(name)
        let unit = Self.unitFile(for: plan, root: root, helperCommand: helperCommand, scope: manager.scope, unitDirectory: unitDirectory)
        // Disable while the old file still names its targets; enable once the new one does.
        var changed = false
        if !plan.autostart, try await setEnabled(name, false) { changed = true }
        if try UnitFileWriter.write(unit, to: unitDirectory) {
            changed = true
            try await manager.reload()
        }
        if plan.autostart, try await setEnabled(name, true) { changed = true }
        return changed
    }

    /// The unit that runs `plan` (pure, for tests): qemu in the foreground, a graceful
    /// `ExecStop` through `helperCommand`, and for an autostart VM an `[Install]` section
    /// wanting it from ``installTarget(for:)``. The manager may start an enabled unit at its
    /// own start, when the runtime directory went with the old boot's `/run`, so
    /// `ExecStartPre` recreates it. When qemu runs as another user (``LaunchPlan/qemuUser``) the
    /// unit runs it as that user in a ``UnitSandbox`` that sees only the VM's own files.
    /// `unitDirectory` (where the unit goes) tells a user manager's units where it reads units.
    public static func unitFile(for plan: LaunchPlan, root: SpinRoot, helperCommand: [String]?, scope: SystemdScope, unitDirectory: String? = nil) -> UnitFile {
        let paths = RuntimePaths(root: root, vmID: plan.vmID)
        let stop = helperCommand.map {
            $0 + ["qmp", "shutdown", String(plan.vmID), "--root", root.path, "--timeout", String(plan.stopTimeoutSeconds)]
        }
        var prepare = [["/bin/mkdir", "-p", "-m", "0700", paths.runtimeDirectory]]
        var sandbox: UnitSandbox?
        if let user = plan.qemuUser {
            let owner = "\(user.uid):\(user.gid)"
            prepare = [
                ["/usr/bin/install", "-d", "-m", "0700", "-o", String(user.uid), "-g", String(user.gid), paths.runtimeDirectory],
                // The serial log is the qemu user's (QemuFileGrants): kept, or made, and handed over.
                ["/usr/bin/touch", "--", paths.serialLog], ["/bin/chown", "--no-dereference", owner, "--", paths.serialLog],
            ]
            sandbox = UnitSandbox(
                user: user.name, group: String(user.gid),
                writablePaths: plan.files.filter { $0.access == .readWrite && $0.what != LaunchFile.tunDevice }.map(\.path) + [paths.runtimeDirectory],
                readOnlyPaths: plan.files.filter { $0.access == .read }.map(\.path),
                madeAtStart: [paths.runtimeDirectory, paths.serialLog],
                devices: ["/dev/kvm rw"] + (plan.taps.isEmpty ? [] : ["/dev/net/tun rw"]))
        }
        // Taps: spin itself makes them before a start of its own, but a unit the manager
        // starts by itself (autostart at boot) needs them too — and its networks' bridges and
        // dnsmasq, gone with the old boot — so the unit asks spin (as root: `+` when sandboxed).
        var environment: [String: String] = [:]
        if !plan.taps.isEmpty, let helperCommand {
            prepare.append(helperCommand + ["network", "taps", String(plan.vmID), "--root", root.path])
            // The helper must reach this manager and write the networks' dnsmasq units where it
            // reads them: a user manager's units do not inherit the writer's HOME.
            if case .user(let runtimeDirectory) = scope {
                environment["XDG_RUNTIME_DIR"] = runtimeDirectory
                if let unitDirectory, unitDirectory.hasSuffix(Self.userUnitSuffix) {
                    environment["XDG_CONFIG_HOME"] = String(unitDirectory.dropLast(Self.userUnitSuffix.count))
                }
            }
        }
        // Shared folders' daemons: started by spin's own ExecStartPre (outside the sandbox) in a
        // session of their own (`setsid --fork` returns at once: Debian 12's C virtiofsd waits
        // for qemu before it would daemonize); they stay in the unit's cgroup and end with it,
        // and each exits with its qemu. The socket is bound within milliseconds, long before
        // qemu, started next, gets to its devices.
        prepare += plan.fileShareDaemons.flatMap { daemon in
            [["/bin/rm", "-f", "--", daemon.socketPath], ["/usr/bin/setsid", "--fork", daemon.executable] + daemon.arguments(daemonize: false)]
        }
        return UnitFile(
            name: unitName(plan.vmID), description: "spin VM \(plan.name) \(ownerTag(root))",
            execStart: [plan.executable] + plan.arguments,
            execStartPre: prepare, execStop: stop,
            timeoutStop: .seconds(plan.stopTimeoutSeconds + 5), killMode: .mixed, environment: environment,
            wantedBy: plan.autostart ? [installTarget(for: scope)] : [], logFile: paths.qemuLog, sandbox: sandbox)
    }

    /// How a user unit directory ends: `$XDG_CONFIG_HOME/systemd/user`.
    static let userUnitSuffix = "/systemd/user"

    /// The target autostart VMs are wanted by: `multi-user.target` for the system manager,
    /// `default.target` for a user manager (what each starts when it starts).
    public static func installTarget(for scope: SystemdScope) -> String {
        if case .system = scope { return "multi-user.target" }
        return "default.target"
    }

    /// Enables or disables the unit file when it is not so already; returns whether it acted.
    private func setEnabled(_ name: String, _ enabled: Bool) async throws -> Bool {
        guard FileManager.default.fileExists(atPath: unitDirectory + "/" + name) else { return false }
        let state = try? await manager.unitFileState(name)
        if enabled == (state == "enabled") { return false }
        if enabled {
            try await manager.enableUnitFiles([name])
        } else {
            try await manager.disableUnitFiles([name])
        }
        try await manager.reload()
        return true
    }

    /// Refuses to replace a unit file that another spin root (or a person) wrote.
    private func checkOwnership(_ name: String) throws {
        try Self.checkOwnership(unitDirectory + "/" + name, root: root)
    }

    /// Refuses (`.conflict`) when the unit file at `path` exists without the owner tag of
    /// `root` in its description: spin never overwrites a unit it did not write for this root.
    static func checkOwnership(_ path: String, root: SpinRoot) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        let escapedTag = ownerTag(root).replacingOccurrences(of: "%", with: "%%")
        guard text.contains(escapedTag) else {
            throw SpinError(.conflict, "\(path) exists and was not written for the spin root \(root.path); remove it or use another root")
        }
    }

    public func removeConfig(vmID: UInt64) async throws {
        let name = Self.unitName(vmID)
        try? await manager.resetFailedUnit(name)
        _ = try await setEnabled(name, false)
        if try UnitFileWriter.remove(name, from: unitDirectory) { try await manager.reload() }
    }

    public func start(vmID: UInt64) async throws {
        let name = Self.unitName(vmID)
        guard FileManager.default.fileExists(atPath: unitDirectory + "/" + name) else {
            throw SpinError(.failedPrecondition, "VM \(vmID) has no unit file; run its write_config first")
        }
        try? await manager.resetFailedUnit(name)
        let result = try await manager.startUnit(name, timeout: .seconds(60))
        guard result.isDone else {
            let status = try? await manager.status(of: name)
            throw SpinError(.actionFailed, "systemd could not start \(name): job \(result.rawValue)\(status.map { ", unit \($0.activeState)/\($0.subState) (\($0.result))" } ?? "")")
        }
    }

    public func stop(vmID: UInt64, timeout: Duration, leaseCheck: (@Sendable () async throws -> Void)?) async throws {
        let name = Self.unitName(vmID)
        let current = try await status(vmID: vmID)
        if current.state == .stopped || current.state == .crashed { return }
        if current.state == .running, current.pid == nil {
            // Running without a unit that holds it (the manager restarted): QMP ends it.
            await stopUnsupervised(vmID, timeout: timeout)
            return
        }
        let qmp = RuntimePaths(root: root, vmID: vmID).qmpSocket
        let agent = GuestAgentAccess(root: root, vmID: vmID)
        let manager = manager
        let ladder = StopLadder(
            powerOff: { timeout in
                guard let client = try? await QMPClient.connect(path: qmp, retryFor: .seconds(1)) else { return false }
                defer { client.close() }
                // After a power-off qemu exits at once; then systemd runs ExecStop.
                return (try? await client.shutdown(timeout: timeout, fallback: agent.shutdownFallback(timeout: timeout, qmp: client))) == true
            },
            signal: { signal in try? await manager.killUnit(name, signal: signal) },
            waitGone: { limit in try await self.waitForInactive(name, within: limit) },
            termGrace: termGrace, leaseCheck: leaseCheck)
        try await ladder.run(timeout: timeout, vm: String(vmID))
        // Killed on purpose: not a crash.
        try? await manager.resetFailedUnit(name)
    }

    public func markStopped(vmID: UInt64) async throws {
        try? await manager.resetFailedUnit(Self.unitName(vmID))
    }

    public func status(vmID: UInt64) async throws -> ProcessStatus {
        switch await unitStatus(vmID) {
        case .success(let unit): return await status(vmID, of: unit)
        case .failure(let error) where error.code == .unavailable: return await statusWithoutManager(vmID, error)
        case .failure(let error): throw error
        }
    }

    private func unitStatus(_ vmID: UInt64) async -> Result<UnitStatus, SpinError> {
        do throws(SpinError) {
            return .success(try await manager.status(of: Self.unitName(vmID)))
        } catch {
            return .failure(error)
        }
    }

    private func status(_ vmID: UInt64, of unit: UnitStatus) async -> ProcessStatus {
        let detail = "\(unit.name) \(unit.activeState)/\(unit.subState)" + (unit.result.isEmpty ? "" : " (\(unit.result))")
        let pid = unit.mainPID == 0 ? nil : Int32(bitPattern: unit.mainPID)
        switch unit.activeState {
        case "active", "reloading": return ProcessStatus(state: .running, pid: pid, detail: detail)
        case "activating": return ProcessStatus(state: .starting, pid: pid, detail: detail)
        case "deactivating": return ProcessStatus(state: .stopping, pid: pid, detail: detail)
        case "failed":
            if let orphan = await unsupervisedQemu(vmID) { return orphan }
            let killed = unit.mainProcessWasKilled
            return ProcessStatus(state: .crashed, exitStatus: killed ? nil : unit.execMainStatus,
                                 signal: killed ? unit.execMainStatus : nil, detail: detail)
        default:
            // systemd unloads a unit that ended cleanly, forgetting its exit code; what stays
            // is Result=success, which a failing exit code never gives.
            if let orphan = await unsupervisedQemu(vmID) { return orphan }
            return ProcessStatus(state: .stopped, exitStatus: unit.execMainCode == 1 ? unit.execMainStatus : nil, detail: detail)
        }
    }

    public func waitUntilStopped(vmID: UInt64, timeout: Duration) async throws -> Bool {
        try await waitForInactive(Self.unitName(vmID), within: timeout)
    }

    /// Waits for the unit to leave the active states, watching systemd's property signals.
    private func waitForInactive(_ name: String, within limit: Duration) async throws -> Bool {
        let changes = try await manager.statusChanges(of: name, timeout: .seconds(5))
        let deadline = ContinuousClock.now + limit
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await status in changes where status.activeState == "inactive" || status.activeState == "failed" {
                    return true
                }
                return false
            }
            group.addTask {
                try? await Task.sleep(until: deadline)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
