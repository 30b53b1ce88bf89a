import SpinStore

/// A VM's NICs on managed networks: MAC addresses and reserved addresses, unique per network
/// through the `network.addresses` index, written in the VM's own write transaction.
extension Registry {
    /// The MAC address of managed NIC `index` of VM `id`: like the user-mode NIC's
    /// (``VM/derivedMACAddress(id:salt:)``) but with the third byte `01 + index`, so it never
    /// equals any user-mode NIC's (`52:54:00:…`) nor another NIC's of the same root.
    package static func nicMACAddress(vmID: UInt64, index: Int, salt: UInt64) -> String {
        let base = VM.derivedMACAddress(id: vmID, salt: salt)
        let third = String(UInt8(1 + index), radix: 16)
        var parts = base.split(separator: ":").map(String.init)
        parts[2] = third.count == 1 ? "0" + third : third
        return parts.joined(separator: ":")
    }

    /// Fills in the MAC and reserved address of every NIC of `vm` that lacks them, checking
    /// that each network exists and each address lies in its subnet, is not the gateway, and
    /// is free (or already this VM's). Writes nothing.
    static func assignNetworks(_ vm: inout VM, previous: VM?, salt: UInt64, _ txn: ReadTransaction, _ t: Tables) throws {
        guard !vm.networks.isEmpty else { return }
        let n = try networkTables(t)
        var taken: [String: Set<UInt32>] = [:]
        for (index, nic) in vm.networks.enumerated() {
            let network = try requireNetwork(nic.network, txn, t)
            let kept = previous?.networks.first { $0.network == nic.network }
            var assigned = nic
            if assigned.macAddress == nil { assigned.macAddress = kept?.macAddress ?? nicMACAddress(vmID: vm.id, index: index, salt: salt) }
            if network.external {
                // The operator's bridge: no address is reserved (one asked for is refused).
                if let text = assigned.address { _ = try RegistryRules.guestAddress(text, nic: index, on: network) }
                vm.networks[index] = assigned
                continue
            }
            if let text = assigned.address ?? kept?.address {
                let address = try RegistryRules.guestAddress(text, nic: index, on: network)
                if let owner = try owner(of: address, network: network.name, txn, n), owner != vm.id {
                    throw SpinError(.conflict, "address \(text) of network \(quoted(network.name)) is reserved for \(describeVM(id: owner, txn, t)); give another address, or none to get the next free one")
                }
                assigned.address = IPv4Subnet.format(address)
            } else {
                guard let free = try firstFree(in: network, excluding: taken[network.name] ?? [], vmID: vm.id, txn, n) else {
                    throw SpinError(.failedPrecondition, "network \(quoted(network.name)) (\(network.subnet.map(\.description) ?? network.bridge)) has no free address left; delete a VM on it or create a larger network")
                }
                assigned.address = IPv4Subnet.format(free)
            }
            if let address = assigned.address.flatMap(IPv4Subnet.parseAddress) { taken[network.name, default: []].insert(address) }
            vm.networks[index] = assigned
        }
    }

    /// Writes the address index of `vm` (after removing `previous`'s). A NIC on an external
    /// network holds no address: its key is the VM's id instead
    /// (``Tables/attachmentKey(network:vmID:)``), so the network still knows it is used.
    static func indexNetworks(_ vm: VM, previous: VM?, _ txn: WriteTransaction, _ t: Tables) throws {
        guard !vm.networks.isEmpty || !(previous?.networks.isEmpty ?? true) else { return }
        let n = try networkTables(t)
        if let previous { try unindexNetworks(previous, txn, n) }
        for nic in vm.networks {
            guard let text = nic.address, let address = IPv4Subnet.parseAddress(text) else {
                try txn.put(vm.id.storeKeyBytes, forKey: Tables.attachmentKey(network: nic.network, vmID: vm.id), in: n.addresses)
                continue
            }
            let key = Tables.addressKey(network: nic.network, address: address)
            if let owner = try txn.get(key, in: n.addresses).flatMap({ UInt64(storeKey: $0) }), owner != vm.id {
                throw SpinError(.conflict, "address \(text) of network \(quoted(nic.network)) is reserved for \(describeVM(id: owner, txn, t)); give another address")
            }
            try txn.put(vm.id.storeKeyBytes, forKey: key, in: n.addresses)
        }
    }

    /// Frees the addresses `vm` holds.
    static func unindexNetworks(_ vm: VM, _ txn: WriteTransaction, _ n: NetworkTables) throws {
        for nic in vm.networks {
            let key: [UInt8]
            if let text = nic.address, let address = IPv4Subnet.parseAddress(text) {
                key = Tables.addressKey(network: nic.network, address: address)
            } else {
                key = Tables.attachmentKey(network: nic.network, vmID: vm.id)
            }
            if try txn.get(key, in: n.addresses).flatMap({ UInt64(storeKey: $0) }) == vm.id {
                _ = try txn.delete(key, in: n.addresses)
            }
        }
    }

    private static func owner(of address: UInt32, network: String, _ txn: ReadTransaction, _ n: NetworkTables) throws -> UInt64? {
        try txn.get(Tables.addressKey(network: network, address: address), in: n.addresses)
            .flatMap { UInt64(storeKey: $0) }
    }

    /// The lowest guest address of `network` no VM but `vmID` holds (one B-tree walk over the
    /// network's reserved addresses, in address order).
    private static func firstFree(in network: Network, excluding: Set<UInt32>, vmID: UInt64, _ txn: ReadTransaction, _ n: NetworkTables) throws -> UInt32? {
        guard let subnet = network.subnet else { return nil }
        var candidate = subnet.firstGuest
        let prefix = Tables.addressPrefix(network: network.name)
        var used = excluding
        try txn.forEach(in: n.addresses, range: .prefix(prefix)) { key, _ in
            guard key.count == prefix.count + 4 else { return true }
            var address: UInt32 = 0
            for byte in key[prefix.count...] { address = address << 8 | UInt32(byte) }
            used.insert(address)
            return true
        }
        while candidate <= subnet.lastGuest {
            if !used.contains(candidate) { return candidate }
            candidate += 1
        }
        return nil
    }
}
