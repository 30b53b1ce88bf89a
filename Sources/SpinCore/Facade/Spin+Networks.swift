import Foundation

extension Spin {
    /// Creates a managed network: checks the spec and the host (the subnet must overlap no
    /// other network and no host route; the bridge name must be free), records it, then runs
    /// `network.create` (bridge, dnsmasq, NAT). When that fails, everything made is removed
    /// and the record forgotten: nothing is left half made. With `spec.external` it records
    /// the operator's existing bridge instead, touching nothing (``createExternalNetwork(_:)``).
    @discardableResult
    public func createNetwork(_ spec: NetworkSpec) async throws -> Network {
        // Permission first: a caller who may not touch the host's network learns nothing more.
        try checkManagesNetworks()
        try ValidationProblem.check(spec.validate())
        if spec.external { return try await createExternalNetwork(spec) }
        let subnet = try IPv4Subnet(parsing: spec.subnet ?? "")
        var network = Network(name: spec.name, subnet: subnet, nat: spec.nat, dnsDomain: spec.dnsDomain, bridge: spec.bridge ?? "spinbr0")
        try ValidationProblem.check(network.validate())
        guard getuid() == 0 else {
            throw SpinError(.failedPrecondition, "managed networks need root (spin creates a bridge, runs dnsmasq and sets nftables rules); run spin as root, e.g. with sudo")
        }
        // Other networks first (their bridges' routes would clash too, less clearly); the
        // registry decides again in its write transaction.
        let others = try await registry.listNetworks()
        if let other = others.first(where: { $0.subnet?.overlaps(subnet) == true }), let theirs = other.subnet {
            throw SpinError(.conflict, "subnet \(subnet) overlaps network \(quoted(other.name))'s subnet \(theirs); pick a subnet that shares no address with it")
        }
        let host = self.network.host
        if let route = try await host.clashingRoute(subnet) {
            throw SpinError(.conflict, "subnet \(subnet) clashes with the host route to \(route.destination)\(route.device.map { " (dev \($0))" } ?? ""); pick a subnet no host route covers (see ip route)")
        }
        let links = Set(try await host.links().map(\.name))
        if let bridge = spec.bridge, links.contains(bridge) {
            throw SpinError(.conflict, "interface \(quoted(bridge)) already exists on this host; give another --bridge, or leave it out to get a free spinbr<N>")
        }
        // An automatic bridge name: the first spinbr<N> neither a link nor another network's;
        // a racing create that takes it first makes this one pick again.
        var attempts = 0
        var package: UInt64
        while true {
            if spec.bridge == nil {
                let used = links.union(try await registry.networkBridges())
                network.bridge = (0...).lazy.map { "spinbr\($0)" }.first { !used.contains($0) } ?? "spinbr0"
            }
            do {
                let candidate = network
                (network, package) = try await controlPlane.createNetwork(candidate) { made in
                    [try CommandDraft(CreateNetworkAction.self, NetworkActionParameters(made))]
                }
                break
            } catch let error as SpinError where spec.bridge == nil && error.code == .conflict && error.message.hasPrefix("bridge") && attempts < 8 {
                attempts += 1
            }
        }
        let parameters = NetworkActionParameters(network)
        // Forget first: a create redelivered later finds no record and does nothing.
        let undo: @Sendable () async -> Void = { [registry] in
            _ = try? await registry.deleteNetwork(parameters.name)
            _ = try? await self.run([CommandDraft(DeleteNetworkAction.self, parameters)])
        }
        do {
            try await finish(package: package, late: LateOutcome(failed: undo))
        } catch where Self.mayUndo(after: error) {
            await undo()
            throw error
        }
        return network
    }

    /// Every network, by name, each managed one with whether its dnsmasq runs now.
    public func listNetworks() async throws -> [Network] {
        var networks = try await registry.listNetworks()
        for index in networks.indices where !networks[index].external { networks[index].dnsmasq = await network.dnsmasqStatus(of: networks[index]) }
        return networks
    }

    /// One managed network, with whether its dnsmasq runs now (its pidfile checked against
    /// `/proc`; under systemd also its unit's state). Looks only: a dead dnsmasq is started
    /// again by the next command that touches the network (or by systemd).
    public func network(_ name: String) async throws -> Network {
        var record = try await registry.network(name)
        if !record.external { record.dnsmasq = await network.dnsmasqStatus(of: record) }
        return record
    }

    /// Deletes a network: refused while a VM has a NIC on it (decided in the
    /// registry's write transaction); else forgets it — so a create still pending for it does
    /// nothing — then stops its dnsmasq and removes its NAT table, bridge and files
    /// (`network.delete`). When that fails the record is put back, so the delete can be retried.
    /// An external network is only forgotten: its bridge is the operator's (`network.delete`
    /// leaves it alone).
    public func deleteNetwork(_ name: String) async throws {
        _ = try await registry.network(name)
        try checkManagesNetworks()
        let network = try await registry.deleteNetwork(name)
        do {
            try await run([CommandDraft(DeleteNetworkAction.self, NetworkActionParameters(network))])
        } catch where Self.mayUndo(after: error) {
            _ = try? await registry.createNetwork(network)
            throw error
        }
    }

    /// Refuses with `.forbidden` when this instance may not change the host's networks
    /// (``SpinOptions/managesNetworks``: a server started without `--allow-networks`).
    func checkManagesNetworks() throws {
        guard options.managesNetworks else {
            throw SpinError(.forbidden, "this server does not manage networks (bridges, dnsmasq and nftables on its host); start spin-server with --allow-networks, or use the spin CLI on the host")
        }
    }
}
