import Foundation
import SpinQemu

extension Spin {
    /// What a running VM's guest agent says: whether it answers, the guest's host name and
    /// addresses (loopback and IPv6 link-local left out). nil for a VM that is not running.
    /// Fast when no agent answers: QEMU tells first whether anything holds the guest's end
    /// of the channel, and an agent gets 300 ms to answer the sync. Read-only instances
    /// create no lock file.
    public func guestInfo(vmID: UInt64, status: VMStatus?) async -> GuestInfo? {
        guard let status, status.state == .running || status.state == .paused else { return nil }
        if status.state == .paused { return GuestInfo(agent: .notAnswering, detail: "the VM is paused; spin resume \(vmID)") }
        let access = GuestAgentAccess(root: root, vmID: vmID)
        switch await access.channel() {
        case nil: return GuestInfo(agent: .notAnswering, detail: "QEMU's monitor did not answer")
        case .missing?: return GuestInfo(agent: .noChannel, detail: "this qemu was started without the guest agent channel; spin restart \(vmID) adds it")
        case .closed?: return GuestInfo(agent: .notAnswering, detail: "nothing in the guest has opened the agent's port (still booting, or qemu-guest-agent is not running)")
        case .open?: break
        }
        do {
            return try await access.exchange(
                lockWait: .milliseconds(500), existingLockOnly: options.readOnly, syncTimeout: .milliseconds(300), commandTimeout: .seconds(2)
            ) { client in
                let hostname = try? await client.hostName()
                let interfaces = try await client.networkInterfaces()
                return GuestInfo(agent: .answering, hostname: hostname, addresses: Self.addresses(interfaces))
            }
        } catch let error as SpinError where error.cause is GuestAgentLock.Busy {
            return GuestInfo(agent: .busy, detail: "another spin command is using the agent")
        } catch let error as SpinError {
            return GuestInfo(agent: .notAnswering, detail: error.message)
        } catch {
            return GuestInfo(agent: .notAnswering, detail: "\(error)")
        }
    }

    /// The addresses worth showing: not loopback, not IPv6 link-local.
    static func addresses(_ interfaces: [GuestNetworkInterface]) -> [GuestAddress] {
        interfaces.filter { $0.name != "lo" }.flatMap { interface in
            interface.ipAddresses
                .filter { !$0.address.hasPrefix("127.") && $0.address != "::1" && !$0.address.lowercased().hasPrefix("fe80:") }
                .map { GuestAddress(interface: interface.name, family: $0.family.rawValue, address: $0.address, prefix: $0.prefix) }
        }
    }

    /// Runs a command in a running VM's guest (`guest-exec`, then `guest-exec-status` polled
    /// every 10 ms backing off to 250 ms) and returns its exit code and output. Each call to
    /// the agent is one exchange under the VM's agent lock, so commands of several processes
    /// run side by side.
    /// - Throws: ``SpinError``: `.invalidArgument` for a command outside
    ///   ``ServiceLimits/checkGuestCommand(_:)``, `.failedPrecondition` when the VM is not
    ///   running or has no agent channel, `.unavailable` when no agent answers, `.actionFailed`
    ///   when the agent cannot start the program, `.timeout` when it outlives its timeout (it
    ///   keeps running in the guest: the agent cannot kill it).
    public func exec(_ ref: String, _ command: GuestCommand) async throws -> GuestCommandResult {
        try ServiceLimits.checkGuestCommand(command)
        let vm = try await registry.vm(ref)
        let state = try await emulation.status(vm.id).state
        guard state == .running else {
            let fix = state == .paused ? "resume it with spin vm resume \(vm.id)" : "start it with spin start \(vm.id)"
            throw SpinError(.failedPrecondition, "VM \(vm.id) (\(quoted(vm.name))) is \(state.rawValue); \(fix)")
        }
        let access = GuestAgentAccess(root: root, vmID: vm.id)
        switch await access.channel() {
        case .missing?:
            throw SpinError(.failedPrecondition, "VM \(vm.id) was started without the guest agent channel; restart it (spin restart \(vm.id)) to add it")
        case .closed?:
            throw SpinError(.unavailable, "the guest agent of VM \(vm.id) does not answer: nothing in the guest has opened its port (still booting, or qemu-guest-agent is not installed and running)")
        case nil, .open?: break
        }
        let limit = Duration.seconds(command.timeoutSeconds ?? GuestCommand.defaultTimeoutSeconds)
        let deadline = ContinuousClock.now + limit
        let argv = command.argv
        let pid = try await access.exchange(lockWait: limit, syncTimeout: .seconds(3), commandTimeout: .seconds(30)) { client in
            try await client.execStart(path: argv[0], arguments: Array(argv.dropFirst()), input: command.stdin)
        }
        var interval = Duration.milliseconds(10)
        while true {
            let remaining = deadline - ContinuousClock.now
            let status = try await access.exchange(lockWait: max(remaining, .seconds(1)), syncTimeout: .seconds(3), commandTimeout: .seconds(30)) { client in
                try await client.execStatus(pid: pid)
            }
            if status.exited {
                let result: GuestExecResult
                do { result = try status.result() } catch { throw GuestAgentAccess.spinError(error, vmID: vm.id) }
                return GuestCommandResult(
                    exitCode: result.exitCode, signal: result.signal, stdout: result.standardOutput, stderr: result.standardError,
                    truncated: result.truncated)
            }
            guard ContinuousClock.now < deadline else {
                throw SpinError(.timeout, "\(argv[0]) did not finish within \(limit) in VM \(vm.id); it keeps running in the guest (pid \(pid)), since the agent cannot stop it")
            }
            try await Task.sleep(for: min(interval, deadline - ContinuousClock.now))
            interval = min(interval * 2, .milliseconds(250))
        }
    }
}
