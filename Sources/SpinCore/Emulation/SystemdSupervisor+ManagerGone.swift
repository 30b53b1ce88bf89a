import SpinQemu

extension SystemdSupervisor {
    /// The status of a VM when its manager does not answer (it was killed, the host is
    /// restarting, the user's manager ended): qemu's own QMP socket decides. A qemu that
    /// answers still runs (unsupervised); otherwise the VM is stopped, not crashed — nothing
    /// ran it to fail.
    func statusWithoutManager(_ vmID: UInt64, _ error: SpinError) async -> ProcessStatus {
        if let orphan = await unsupervisedQemu(vmID) {
            return ProcessStatus(state: orphan.state, detail: "qemu answers on QMP, but \(error.message)")
        }
        return ProcessStatus(state: .stopped, detail: "not running; \(error.message)")
    }

    /// A qemu whose unit is not active (or whose manager is gone) but that still answers on
    /// its QMP socket: its manager was restarted and lost track of it. nil when none answers.
    func unsupervisedQemu(_ vmID: UInt64) async -> ProcessStatus? {
        let socket = RuntimePaths(root: root, vmID: vmID).qmpSocket
        guard let client = try? await QMPClient.connect(path: socket, retryFor: .milliseconds(20)) else { return nil }
        client.close()
        return ProcessStatus(state: .running, detail: "qemu answers on \(socket) but its unit is not active (the systemd manager restarted and lost track of it)")
    }

    /// Ends a qemu that no unit holds: a graceful power-off through QMP, then QMP `quit`;
    /// returns once its QMP connection closed (qemu exits as it closes it).
    func stopUnsupervised(_ vmID: UInt64, timeout: Duration) async {
        let socket = RuntimePaths(root: root, vmID: vmID).qmpSocket
        guard let client = try? await QMPClient.connect(path: socket, retryFor: .milliseconds(200)) else { return }
        defer { client.close() }
        if timeout > .zero, (try? await client.shutdown(timeout: timeout)) == true {
            await client.waitForDisconnect()
            return
        }
        try? await client.quit()
        await client.waitForDisconnect()
    }
}
