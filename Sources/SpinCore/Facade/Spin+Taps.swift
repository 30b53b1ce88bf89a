import Foundation

extension Spin {
    /// Makes what VM `ref`'s NICs on managed networks need before its qemu starts, without
    /// starting it: `network.create` for each of its networks (a bridge, dnsmasq or NAT table
    /// that a host restart removed is made again; nothing changes when all is there), then its
    /// taps, fresh, owned by the qemu user and on their bridges.
    ///
    /// systemd runs this (`spin network taps VM`) as an `ExecStartPre` of the unit of a VM with
    /// such NICs, so a VM its manager starts by itself — autostart at boot — has its taps; a
    /// start through spin has made them already and makes them again here, which is harmless
    /// because qemu does not run yet. Takes no VM lock (the start that triggers it holds it).
    /// - Throws: ``SpinError`` `.failedPrecondition` unless spin runs as root.
    public func prepareTaps(_ ref: String) async throws {
        let vm = try await registry.vm(ref)
        guard !vm.networks.isEmpty else { return }
        var networks: [String: Network] = [:]
        for nic in vm.networks { networks[nic.network] = try await registry.network(nic.network) }
        let taps = try emulation.planner.taps(for: vm, networks: networks)
        let creates = try networks.values.sorted { $0.name < $1.name }.map { try CommandDraft(CreateNetworkAction.self, NetworkActionParameters($0)) }
        try await run(creates)
        let user = try QemuUser.resolve(name: emulation.planner.qemuUserName)
        try await TapDevices(host: network.host).prepare(taps, vmID: vm.id, user: user.isOtherUser ? user : nil)
    }
}
