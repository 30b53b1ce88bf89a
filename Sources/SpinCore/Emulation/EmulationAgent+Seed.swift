import Foundation

extension EmulationAgent {
    /// Makes `vm`'s cloud-init seed (`vms/<id>/seed.iso`) match its settings: written when
    /// they changed (the same settings give the same bytes, and an unchanged image is not
    /// touched), removed when the VM has none. Runs after the supervisor's config, which made
    /// the VM's directory.
    /// - Returns: whether the image changed.
    func writeSeed(for vm: VM) async throws -> Bool {
        let path = paths(vm.id).seedImage
        guard let settings = vm.cloudInit else {
            // Only spin writes in the VM's own directory: a seed there is one it made.
            return (try? FileManager.default.removeItem(atPath: path)) != nil
        }
        var networks: [String: Network] = [:]
        for nic in vm.networks { networks[nic.network] = try? await registry.network(nic.network) }
        let seed = try Self.seed(for: vm, settings, networks: networks)
        return try await CloudInitSeedWriter().write(seed, to: path) == .written
    }

    /// The seed of `vm`: its instance id (`spin-<id>` for a record without one), its host name
    /// (``VM/hostname``), user, keys and own user-data.
    ///
    /// A VM with NICs on managed networks gets a `network-config` matching every NIC by MAC
    /// address — the user-mode NIC by DHCP, each managed NIC with its reserved address (and,
    /// with NAT, a default route through the bridge with metric 200) — and the first managed
    /// network's dnsmasq as its first DNS server; a NIC on an external bridge asks for DHCP (``CloudInitSeed/resolvers``), so the VMs
    /// find each other by name whatever the user-mode NIC's DHCP lease says.
    static func seed(for vm: VM, _ settings: CloudInit, networks: [String: Network] = [:]) throws -> CloudInitSeed {
        var config: CloudInitNetworkConfig?
        var resolvers: [String] = []
        var routes: [String] = []
        if let mac = vm.macAddress, !vm.networks.isEmpty {
            var interfaces: [CloudInitNetworkConfig.Interface] = [.dhcp(mac)]
            for nic in vm.networks {
                guard let network = networks[nic.network], let nicMAC = nic.macAddress else { continue }
                guard let subnet = network.subnet, let address = nic.address else {
                    // The operator's bridge: its own DHCP server, if any, configures the NIC.
                    if network.external { interfaces.append(.dhcp(nicMAC)) }
                    continue
                }
                let gateway = IPv4Subnet.format(subnet.gateway)
                interfaces.append(.fixed(nicMAC, address: "\(address)/\(subnet.prefixLength)", gateway: network.nat ? gateway : nil))
                if resolvers.isEmpty { resolvers = [gateway] }
                if network.nat && routes.isEmpty { routes = [gateway] }
            }
            config = .interfaces(interfaces)
        }
        return try CloudInitSeed(
            instanceID: settings.instanceID ?? "spin-\(vm.id)", hostname: vm.hostname, userName: settings.userName,
            authorizedKeys: settings.authorizedKeys, userData: settings.userData, networkConfig: config,
            mounts: vm.mounts.enumerated().map { .init(tag: SharedFolder.tag(index: $0.offset), path: $0.element.guestPath, readOnly: $0.element.readOnly) },
            resolvers: resolvers, defaultRoutes: routes)
    }
}
