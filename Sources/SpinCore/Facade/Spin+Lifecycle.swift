import Foundation

extension Spin {
    /// Starts a VM and waits until QMP reports it running; returns its status then. Starting
    /// a running VM succeeds.
    @discardableResult
    public func startVM(_ ref: String) async throws -> VMStatus {
        let vm = try await registry.vm(ref)
        let id = vm.id
        // Its managed networks first: `network.create` finishes what is missing (a bridge or
        // dnsmasq gone after a host restart) and changes nothing when all is there.
        var networks: [CommandDraft] = []
        for nic in vm.networks {
            networks.append(try CommandDraft(CreateNetworkAction.self, NetworkActionParameters(try await registry.network(nic.network))))
        }
        try await run(networks + [CommandDraft(StartAction.self, .init(vmID: id), dependencies: networks.map(\.id))])
        return try await emulation.status(id)
    }

    /// Powers a VM off gracefully, forcing it after `timeoutSeconds` (default: the VM's
    /// `stopTimeoutSeconds`; 0 forces it at once). Stopping a stopped VM succeeds.
    /// - Throws: ``SpinError`` `.invalidArgument` for a timeout outside ``ServiceLimits/stopTimeoutSeconds``.
    @discardableResult
    public func stopVM(_ ref: String, timeoutSeconds: Int? = nil) async throws -> VMStatus {
        try ServiceLimits.checkStopTimeout(timeoutSeconds)
        let id = try await registry.vm(ref).id
        try await run([CommandDraft(StopAction.self, .init(vmID: id, timeoutSeconds: timeoutSeconds))])
        return try await emulation.status(id)
    }

    /// Asks the guest to power off through ACPI and waits; never forces.
    /// - Throws: ``SpinError`` `.invalidArgument` for a timeout outside ``ServiceLimits/shutdownTimeoutSeconds``.
    @discardableResult
    public func shutdownVM(_ ref: String, timeoutSeconds: Int? = nil) async throws -> VMStatus {
        try ServiceLimits.checkShutdownTimeout(timeoutSeconds)
        let id = try await registry.vm(ref).id
        try await run([CommandDraft(ShutdownAction.self, .init(vmID: id, timeoutSeconds: timeoutSeconds))])
        return try await emulation.status(id)
    }

    /// Stops (graceful, then forced) and starts a VM.
    /// - Throws: ``SpinError`` `.invalidArgument` for a timeout outside ``ServiceLimits/stopTimeoutSeconds``.
    @discardableResult
    public func restartVM(_ ref: String, timeoutSeconds: Int? = nil) async throws -> VMStatus {
        try ServiceLimits.checkStopTimeout(timeoutSeconds)
        let id = try await registry.vm(ref).id
        try await run([CommandDraft(RestartAction.self, .init(vmID: id, timeoutSeconds: timeoutSeconds))])
        return try await emulation.status(id)
    }

    /// Freezes a VM's CPUs.
    @discardableResult
    public func pauseVM(_ ref: String) async throws -> VMStatus {
        let id = try await registry.vm(ref).id
        try await run([CommandDraft(PauseAction.self, .init(vmID: id))])
        return try await emulation.status(id)
    }

    /// Unfreezes a paused VM.
    @discardableResult
    public func resumeVM(_ ref: String) async throws -> VMStatus {
        let id = try await registry.vm(ref).id
        try await run([CommandDraft(ResumeAction.self, .init(vmID: id))])
        return try await emulation.status(id)
    }

    /// The VM's live status, from its process and QMP.
    public func status(_ ref: String) async throws -> VMStatus {
        try await emulation.status(registry.vm(ref).id)
    }

    /// Live status of several VMs at once.
    public func statuses(_ vms: [VM]) async -> [UInt64: VMStatus] {
        await withTaskGroup(of: (UInt64, VMStatus?).self) { group in
            for vm in vms { group.addTask { (vm.id, try? await self.emulation.status(vm.id)) } }
            var result: [UInt64: VMStatus] = [:]
            for await (id, status) in group { if let status { result[id] = status } }
            return result
        }
    }

    /// The runtime files of a VM (sockets, serial log).
    public func paths(_ ref: String) async throws -> RuntimePaths {
        await RuntimePaths(root: root, vmID: try registry.vm(ref).id)
    }
}
