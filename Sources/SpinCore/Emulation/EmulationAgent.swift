import Foundation
import SpinQemu

/// Serves the `emulation` queue: writes VM configs for the supervisor and starts, stops,
/// shuts down, restarts, pauses and resumes VMs. Every action is idempotent.
public struct EmulationAgent: Agent {
    /// The registry the VM records come from.
    public let registry: any RegistryStore
    /// Turns VM records into qemu command lines.
    public let planner: LaunchPlanner
    /// Runs the qemu processes.
    public let supervisor: any Supervisor
    /// How long `start` waits for QMP to report `running`.
    public var startTimeout: Duration = .seconds(60)

    /// The actions this agent performs, for the broker's catalog.
    public static let actionTypes: [any BrokerAction.Type] = [
        WriteConfigAction.self, RemoveConfigAction.self, ForgetVMAction.self, ForgetImageAction.self, StartAction.self, StopAction.self,
        ShutdownAction.self, RestartAction.self, PauseAction.self, ResumeAction.self,
        SnapshotCreateAction.self, SnapshotRevertAction.self, SnapshotDeleteAction.self,
    ]

    /// Creates the agent.
    public init(registry: any RegistryStore, planner: LaunchPlanner, supervisor: any Supervisor) {
        self.registry = registry
        self.planner = planner
        self.supervisor = supervisor
    }

    public var resource: String { "emulation" }

    public var actions: ActionTable {
        var table = ActionTable()
        let agent = self
        // Every action holds the VM's host-wide lock; lifecycle actions are also ordered
        // (a late, older command is superseded by a newer one already applied).
        table.on(WriteConfigAction.self) { p, c in try await agent.serialized(p.vmID, c) { _ = try await agent.writeConfig(p.vmID) } }
        table.on(RemoveConfigAction.self) { p, c in try await agent.serialized(p.vmID, c) { try await agent.removeConfig(p.vmID) } }
        table.on(ForgetVMAction.self) { p, c in try await agent.serialized(p.vmID, c) { try await agent.forget(p.vmID) } }
        table.on(ForgetImageAction.self) { p, _ in try await agent.forgetImage(volume: p.volume, name: p.image) }
        table.on(StartAction.self) { p, c in try await agent.lifecycle(p.vmID, c) { try await agent.start(p.vmID) } }
        table.on(StopAction.self) { p, c in try await agent.lifecycle(p.vmID, c) { try await agent.stop(p.vmID, timeoutSeconds: p.timeoutSeconds, leaseCheck: c.renewLease) } }
        table.on(ShutdownAction.self) { p, c in
            try await agent.lifecycle(p.vmID, c) { try await agent.shutdown(p.vmID, timeoutSeconds: p.timeoutSeconds) }
        }
        table.on(RestartAction.self) { p, c in
            try await agent.lifecycle(p.vmID, c) {
                try await agent.stop(p.vmID, timeoutSeconds: p.timeoutSeconds, leaseCheck: c.renewLease)
                try await agent.start(p.vmID)
            }
        }
        table.on(PauseAction.self) { p, c in try await agent.lifecycle(p.vmID, c) { try await agent.pause(p.vmID) } }
        table.on(ResumeAction.self) { p, c in try await agent.lifecycle(p.vmID, c) { try await agent.resume(p.vmID) } }
        table.on(SnapshotCreateAction.self) { p, c in try await agent.serialized(p.vmID, c) { try await agent.createSnapshot(p.vmID, name: p.name) } }
        table.on(SnapshotRevertAction.self) { p, c in try await agent.serialized(p.vmID, c) { try await agent.revertSnapshot(p.vmID, name: p.name) } }
        table.on(SnapshotDeleteAction.self) { p, c in try await agent.serialized(p.vmID, c) { try await agent.deleteSnapshot(p.vmID, name: p.name) } }
        return table
    }

    func paths(_ id: UInt64) -> RuntimePaths { RuntimePaths(root: planner.root, vmID: id) }

    /// The launch plan of VM `id` as the registry describes it now.
    public func plan(_ id: UInt64) async throws -> LaunchPlan {
        try await plan(for: registry.vm(id: id))
    }

    /// The launch plan of `vm` (a record just read from the registry).
    func plan(for vm: VM) async throws -> LaunchPlan {
        var volumes: [String: Volume] = [:]
        var images: [String: Image] = [:]
        for case .disk(let volumeName, let imageName) in vm.storage {
            volumes[volumeName] = try await registry.volume(volumeName)
            images["\(volumeName)/\(imageName)"] = try? await registry.image(volume: volumeName, name: imageName)
        }
        var networks: [String: Network] = [:]
        for nic in vm.networks { networks[nic.network] = try? await registry.network(nic.network) }
        return try await planner.plan(for: vm, volumes: volumes, images: images, networks: networks, daemonize: supervisor.daemonizes)
    }

    /// Writes the VM's config, and its cloud-init seed when it has settings (an unchanged seed
    /// is left alone); returns whether anything changed.
    public func writeConfig(_ id: UInt64) async throws -> Bool {
        try await writeConfig(for: registry.vm(id: id)).changed
    }

    /// Writes `vm`'s config and seed; returns the plan and whether anything changed.
    func writeConfig(for vm: VM) async throws -> (plan: LaunchPlan, changed: Bool) {
        let plan = try await plan(for: vm)
        let configChanged = try await supervisor.writeConfig(plan)
        let seedChanged = try await writeSeed(for: vm)
        let variablesChanged = try await writeFirmwareVariables(for: vm)
        return (plan, configChanged || seedChanged || variablesChanged)
    }

    /// Removes the VM's config and runtime files; refuses while the VM runs.
    public func removeConfig(_ id: UInt64) async throws {
        let state = try await status(id).state
        guard state == .stopped || state == .crashed else {
            throw SpinError(.failedPrecondition, "VM \(id) is \(state.rawValue); stop it first with spin stop \(id)")
        }
        try await supervisor.removeConfig(vmID: id)
        try await removeTaps(id)
        paths(id).remove()
    }

    /// Pauses the guest (QMP `stop`).
    public func pause(_ id: UInt64) async throws {
        let client = try await control(id)
        defer { client.close() }
        if try await client.queryStatus().status == "paused" { return }
        try await client.stop()
    }

    /// Resumes the guest (QMP `cont`).
    public func resume(_ id: UInt64) async throws {
        let client = try await control(id)
        defer { client.close() }
        if try await client.queryStatus().running { return }
        try await client.cont()
    }

    /// A QMP connection to a running VM. A VM whose process is not running is refused at
    /// once; the retry only covers a qemu that is still creating its socket.
    func control(_ id: UInt64, retryFor: Duration = .seconds(2)) async throws -> QMPClient {
        let state = try await supervisor.status(vmID: id).state
        if state == .stopped || state == .crashed {
            throw SpinError(.failedPrecondition, "VM \(id) is not running (\(state.rawValue)); start it with spin start \(id)")
        }
        try paths(id).verify()
        do {
            return try await QMPClient.connect(path: paths(id).qmpSocket, retryFor: retryFor)
        } catch {
            throw SpinError(.failedPrecondition, "VM \(id) is not running (no QMP at \(paths(id).qmpSocket)); start it with spin start \(id)", cause: error)
        }
    }
}
