import Foundation
import SpinQemu

extension EmulationAgent {
    /// Starts the VM and waits until QMP reports `running`. Success if it already runs.
    /// - Throws: ``SpinError`` `.actionFailed` with the serial log's and qemu's last lines when
    ///   qemu exits instead.
    public func start(_ id: UInt64) async throws {
        let current = try await status(id).state
        if current == .running || current == .paused || current == .internalError { return }
        let plan = try await writeConfig(for: registry.vm(id: id)).plan
        try QemuFileGrants(root: planner.root).prepare(plan)
        SerialLogRotator().rotateIfNeeded(paths(id).serialLog)
        if !plan.taps.isEmpty { try await TapDevices(host: HostNetworking()).prepare(plan.taps, vmID: id, user: plan.qemuUser) }
        if !plan.bridges.isEmpty { try await BridgeHelperCheck().check(plan.bridges, vm: plan.name) }
        do {
            try await supervisor.start(vmID: id)
            try await waitUntilRunning(id)
        } catch let error as SpinError {
            if !plan.taps.isEmpty, try await status(id).state == .stopped { try? await removeTaps(id) }
            throw SpinError(error.code, error.message + diagnostics(id), cause: error.cause)
        }
    }

    /// Connects to QMP as soon as qemu listens and polls until the guest runs; between
    /// connection attempts it asks the supervisor whether qemu died.
    private func waitUntilRunning(_ id: UInt64) async throws {
        let deadline = ContinuousClock.now + startTimeout
        while ContinuousClock.now < deadline {
            if let client = try? await QMPClient.connect(path: paths(id).qmpSocket, retryFor: .milliseconds(500)) {
                defer { client.close() }
                while ContinuousClock.now < deadline {
                    let status = try await client.queryStatus()
                    if status.running || status.status == "paused" { return }
                    if status.status == "prelaunch" { try await client.cont() }
                    try await Task.sleep(for: .milliseconds(1))
                }
            }
            let process = try await supervisor.status(vmID: id)
            if process.state == .crashed || process.state == .stopped {
                throw SpinError(.actionFailed, "qemu for VM \(id) exited while starting (\(process.detail))")
            }
        }
        throw SpinError(.timeout, "VM \(id) did not reach QMP running within \(startTimeout)")
    }

    /// Stops the VM: graceful power-off, forced after the timeout. Success if stopped.
    public func stop(_ id: UInt64, timeoutSeconds: Int?, leaseCheck: (@Sendable () async throws -> Void)? = nil) async throws {
        // The record may already be gone (a delete being repeated): stopping still works.
        let recorded = try? await registry.vm(id: id)
        let timeout = timeoutSeconds ?? recorded?.stopTimeoutSeconds ?? 30
        try await supervisor.stop(vmID: id, timeout: .seconds(timeout), leaseCheck: leaseCheck)
        try await removeTaps(id)
    }

    /// Removes the VM's taps (as root, when its record has managed NICs or is gone).
    func removeTaps(_ id: UInt64) async throws {
        guard geteuid() == 0 else { return }
        if let vm = try? await registry.vm(id: id), vm.networks.isEmpty { return }
        try await TapDevices(host: HostNetworking()).remove(vmID: id)
    }

    /// Asks the guest to power off through ACPI and waits; never forces. A guest that has not
    /// powered off a while after the button (``GuestAgentAccess/fallbackDelay(for:)``) is asked
    /// through its guest agent (`guest-shutdown`) when one runs.
    /// - Throws: ``SpinError`` `.timeout` when the guest ignores both.
    public func shutdown(_ id: UInt64, timeoutSeconds: Int?) async throws {
        let timeout: Int
        if let timeoutSeconds { timeout = timeoutSeconds } else { timeout = try await registry.vm(id: id).stopTimeoutSeconds }
        let state = try await status(id).state
        if state == .stopped || state == .crashed { return }
        if state == .shuttingDown {
            guard try await supervisor.waitUntilStopped(vmID: id, timeout: .seconds(timeout)) else {
                throw SpinError(.timeout, "VM \(id) is still shutting down after \(timeout) s; spin stop \(id) forces it")
            }
            return
        }
        let client = try await control(id)
        defer { client.close() }
        let fallback = GuestAgentAccess(root: planner.root, vmID: id).shutdownFallback(timeout: .seconds(timeout), qmp: client)
        guard try await client.shutdown(timeout: .seconds(timeout), fallback: fallback) else {
            throw SpinError(.timeout, "VM \(id) did not power off within \(timeout) s (the guest ignored the ACPI request, and its guest agent, if any, did not shut it down); spin stop \(id) forces it")
        }
        // Under the direct supervisor qemu waits (-no-shutdown) so the power-off is seen.
        if supervisor.daemonizes { try? await client.quit() }
        await client.waitForDisconnect()
        _ = try await supervisor.waitUntilStopped(vmID: id, timeout: .seconds(10))
        try await supervisor.markStopped(vmID: id)
    }

    /// The VM's live status: the supervisor's view, refined by QMP. A direct-supervised qemu
    /// whose guest powered off is reaped here and reported stopped.
    public func status(_ id: UInt64) async throws -> VMStatus {
        var process = try await supervisor.status(vmID: id)
        var qmpStatus: String?
        // A short retry: a dead qemu's socket file refuses at once, and a status must not
        // stall on it (qemu creates its sockets before it forks, so a live one answers).
        // A runtime directory that fails its check is someone else's: its socket is not asked.
        if process.state == .running, (try? paths(id).verify()) != nil,
            let client = try? await QMPClient.connect(path: paths(id).qmpSocket, retryFor: .milliseconds(20))
        {
            defer { client.close() }
            qmpStatus = try? await client.queryStatus().status
            if qmpStatus == "shutdown", supervisor.daemonizes {
                try? await client.quit()
                await client.waitForDisconnect()
                try await supervisor.markStopped(vmID: id)
                process = try await supervisor.status(vmID: id)
            }
        }
        var status = VMStatus.derive(vmID: id, process: process, qmpStatus: qmpStatus, supervisor: supervisor.kind)
        // A running qemu's accelerator is the one its plan gave it; any other VM's is what the
        // host facts say it would get (no file to decode for each VM of a long list).
        if process.state == .running,
            let plan = try? JSONDecoder().decode(LaunchPlan.self, from: Data(contentsOf: URL(fileURLWithPath: paths(id).launchFile)))
        {
            status.accelerator = plan.accelerator
            status.acceleratorReason = plan.acceleratorReason
        } else {
            let choice = await planner.facts.acceleratorChoice((try? registry.vm(id: id)).flatMap { $0.accelerator.flatMap(Accelerator.init(rawValue:)) } ?? .auto)
            status.accelerator = choice.accelerator.rawValue
            status.acceleratorReason = choice.reason
        }
        return status
    }

    /// The last lines of the serial log and of qemu's own output, for error messages.
    func diagnostics(_ id: UInt64) -> String {
        var parts: [String] = []
        for (label, path) in [("serial log", paths(id).serialLog), ("qemu", paths(id).qemuLog)] {
            guard let text = SerialLogRotator.tail(of: path) else { continue }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: true).suffix(8)
            if !lines.isEmpty { parts.append("\n--- last lines of \(label) (\(path)):\n" + lines.joined(separator: "\n")) }
        }
        return parts.joined()
    }
}
