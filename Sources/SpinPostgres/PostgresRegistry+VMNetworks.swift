import PostgresNIO
import SpinCore
import SpinModel

/// A VM's NICs on managed networks: MAC addresses and reserved addresses, unique per network
/// through `registry_network_addresses`' primary key.
extension PostgresRegistry {
    /// Fills in the reserved address of every NIC of `vm` that lacks one (and, for a stored VM,
    /// its MAC), checking that each network exists and each address lies in its guest range
    /// and is free (or already this VM's); see ``Registry``'s rules. Writes nothing, but takes
    /// each network's row (`FOR NO KEY UPDATE`) so servers hand out its addresses in turn.
    static func assignNetworks(_ vm: inout VM, previous: VM?, salt: UInt64, _ c: PostgresConnection) async throws {
        guard !vm.networks.isEmpty else { return }
        var taken: [String: Set<UInt32>] = [:]
        for (index, nic) in vm.networks.enumerated() {
            let network = try await requireNetwork(nic.network, lock: .noKeyUpdate, c)
            let kept = previous?.networks.first { $0.network == nic.network }
            var assigned = nic
            if assigned.macAddress == nil, let kept = kept?.macAddress { assigned.macAddress = kept }
            if assigned.macAddress == nil, vm.id != 0 { assigned.macAddress = Registry.nicMACAddress(vmID: vm.id, index: index, salt: salt) }
            if network.external {
                // The operator's bridge: no address is reserved (one asked for is refused).
                if let text = assigned.address { _ = try RegistryRules.guestAddress(text, nic: index, on: network) }
                vm.networks[index] = assigned
                continue
            }
            if let text = assigned.address ?? kept?.address {
                let address = try RegistryRules.guestAddress(text, nic: index, on: network)
                if let owner = try await owner(of: address, network: network.name, c), owner != vm.id {
                    throw SpinError(.conflict, "address \(text) of network \(quoted(network.name)) is reserved for \(await describeVM(id: owner, c)); give another address, or none to get the next free one")
                }
                assigned.address = IPv4Subnet.format(address)
            } else {
                guard let free = try await firstFree(in: network, excluding: taken[network.name] ?? [], c) else {
                    throw SpinError(.failedPrecondition, "network \(quoted(network.name)) (\(network.subnet.map(\.description) ?? network.bridge)) has no free address left; delete a VM on it or create a larger network")
                }
                assigned.address = IPv4Subnet.format(free)
            }
            if let address = assigned.address.flatMap(IPv4Subnet.parseAddress) { taken[network.name, default: []].insert(address) }
            vm.networks[index] = assigned
        }
    }

    /// Gives every NIC of a new VM without a MAC its own (the VM has just got its id).
    static func fillNICMACs(_ vm: inout VM, salt: UInt64) {
        for index in vm.networks.indices where vm.networks[index].macAddress == nil {
            vm.networks[index].macAddress = Registry.nicMACAddress(vmID: vm.id, index: index, salt: salt)
        }
    }

    /// Rewrites the reserved addresses of `vm` (dropping `previous`'s first).
    static func indexNetworks(_ vm: VM, replacing previous: VM?, _ c: PostgresConnection) async throws {
        let id = Int64(clamping: vm.id)
        if let previous, !previous.networks.isEmpty {
            try await c.query("DELETE FROM registry_network_addresses WHERE vm_id = \(id)", logger: logger)
            try await c.query("DELETE FROM registry_network_attachments WHERE vm_id = \(id)", logger: logger)
        }
        for nic in vm.networks {
            guard let text = nic.address, let address = IPv4Subnet.parseAddress(text) else {
                // A NIC on an external network: no address, but the network is in use.
                try await c.query(
                    "INSERT INTO registry_network_attachments (network, vm_id) VALUES (\(nic.network), \(id))", logger: logger)
                continue
            }
            try await c.query(
                "INSERT INTO registry_network_addresses (network, address, vm_id) VALUES (\(nic.network), \(Int64(address)), \(id))",
                logger: logger)
        }
    }

    private static func owner(of address: UInt32, network: String, _ c: PostgresConnection) async throws -> UInt64? {
        let rows = try await c.query(
            "SELECT vm_id FROM registry_network_addresses WHERE network = \(network) AND address = \(Int64(address))", logger: logger)
        for try await id in rows.decode(Int64.self) { return UInt64(id) }
        return nil
    }

    /// The lowest guest address of `network` no VM holds and not in `excluding`.
    private static func firstFree(in network: Network, excluding: Set<UInt32>, _ c: PostgresConnection) async throws -> UInt32? {
        guard let subnet = network.subnet else { return nil }
        var used = excluding
        let rows = try await c.query(
            "SELECT address FROM registry_network_addresses WHERE network = \(network.name) ORDER BY address", logger: logger)
        for try await address in rows.decode(Int64.self) {
            if let address = UInt32(exactly: address) { used.insert(address) }
        }
        var candidate = subnet.firstGuest
        while candidate <= subnet.lastGuest {
            if !used.contains(candidate) { return candidate }
            candidate += 1
        }
        return nil
    }
}
