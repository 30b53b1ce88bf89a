import Foundation
import SpinStore

extension Registry {
    /// Records a managed network. Checks, in the write transaction: the name is free, the
    /// bridge name belongs to no other network, and the subnet overlaps no other network's.
    /// Host-side clashes (routes, existing links) are the facade's to check before.
    /// - Throws: ``SpinError`` `invalidArgument` or `conflict`; the store is then unchanged.
    @discardableResult
    public func createNetwork(_ network: Network) throws -> Network {
        try createNetwork(network) { _ in }.network
    }

    /// Creates a network like ``createNetwork(_:)`` and runs `alongside` in the same write
    /// transaction (to submit the package that makes it), so both commit or neither.
    public func createNetwork<R>(_ network: Network, alongside: (WriteTransaction) throws -> R) throws -> (network: Network, result: R) {
        try ValidationProblem.check(network.validate())
        return try writing { txn, t in
            let n = try Self.networkTables(t)
            if let existing = try txn.decode(Network.self, forKey: network.name, in: n.networks) {
                throw SpinError(.conflict, "network \(quoted(network.name)) already exists (\(existing.subnet.map { "subnet \($0)" } ?? "external bridge \(existing.bridge)")); choose another name, or delete it first with spin network delete \(network.name)")
            }
            if let owner = try txn.get(network.bridge, in: n.bridges) {
                let other = String(decoding: owner, as: UTF8.self)
                throw SpinError(.conflict, "bridge \(quoted(network.bridge)) already belongs to network \(quoted(other)); give another --bridge or leave it out")
            }
            if let subnet = network.subnet {
                for other in try txn.decodeAll(Network.self, in: n.networks) {
                    guard let theirs = other.subnet, theirs.overlaps(subnet) else { continue }
                    throw SpinError(.conflict, "subnet \(subnet) overlaps network \(quoted(other.name))'s subnet \(theirs); pick a subnet that shares no address with it")
                }
            }
            var record = network
            record.dnsmasq = nil  // live status, never stored
            try txn.encode(record, forKey: network.name, in: n.networks)
            try txn.put(Array(network.name.utf8), forKey: network.bridge, in: n.bridges)
            return (network, try alongside(txn))
        }
    }

    /// The network `name`.
    /// - Throws: ``SpinError`` `notFound`, telling how to create it.
    public func network(_ name: String) throws -> Network {
        try reading { txn, t in try Self.requireNetwork(name, txn, t) }
    }

    /// Every network, ordered by name.
    public func listNetworks() throws -> [Network] {
        try reading { txn, t in
            guard let n = t?.network else { return [] }
            return try txn.decodeAll(Network.self, in: n.networks)
        }
    }

    /// The bridge names every network of this store uses.
    public func networkBridges() throws -> Set<String> { Set(try listNetworks().map(\.bridge)) }

    /// The VMs with a NIC on network `name`, by id.
    public func networkUsers(_ name: String) throws -> [UInt64] {
        try reading { txn, t in
            guard let n = t?.network else { return [] }
            return try Self.users(of: name, txn, n)
        }
    }

    /// Forgets the network `name`; refused while any VM has a NIC on it.
    /// - Returns: the network as it was.
    /// - Throws: ``SpinError`` `notFound`, or `failedPrecondition` naming the VMs.
    @discardableResult
    public func deleteNetwork(_ name: String) throws -> Network {
        try writing { txn, t in
            let network = try Self.requireNetwork(name, txn, t)
            let n = try Self.networkTables(t)
            try Self.checkUnused(network, txn, t, n)
            _ = try txn.delete(name, in: n.networks)
            _ = try txn.delete(network.bridge, in: n.bridges)
            return network
        }
    }

    /// Throws `failedPrecondition` naming the VMs when any VM has a NIC on `network`.
    static func checkUnused(_ network: Network, _ txn: ReadTransaction, _ t: Tables, _ n: NetworkTables) throws {
        let users = try users(of: network.name, txn, n)
        guard !users.isEmpty else { return }
        let names = users.prefix(5).map { describeVM(id: $0, txn, t) }.joined(separator: ", ")
        throw SpinError(.failedPrecondition, "network \(quoted(network.name)) is used by \(names)\(users.count > 5 ? ", …" : ""); delete those VMs or detach them from the network first")
    }

    static func users(of network: String, _ txn: ReadTransaction, _ n: NetworkTables) throws -> [UInt64] {
        var ids: [UInt64] = []
        try txn.forEach(in: n.addresses, range: .prefix(Tables.addressPrefix(network: network))) { _, value in
            if let id = UInt64(storeKey: value), !ids.contains(id) { ids.append(id) }
            return true
        }
        return ids
    }

    static func networkTables(_ t: Tables) throws -> NetworkTables {
        guard let n = t.network else { throw SpinError(.internal, "the registry's network tables are missing in a write transaction") }
        return n
    }

    static func loadNetwork(_ name: String, _ txn: ReadTransaction, _ t: Tables?) throws -> Network? {
        guard let n = t?.network, Validator.isName(name, allowDots: false) else { return nil }
        return try txn.decode(Network.self, forKey: name, in: n.networks)
    }

    /// The network `name`, or `notFound` telling how to create it.
    static func requireNetwork(_ name: String, _ txn: ReadTransaction, _ t: Tables?) throws -> Network {
        guard let network = try loadNetwork(name, txn, t) else {
            let shown = Validator.isName(name, allowDots: false) ? name : "NAME"
            throw SpinError(.notFound, "network \(quoted(name)) does not exist; create it with spin network create \(shown) --subnet CIDR (or --external --bridge BRIDGE), or list networks with spin network list")
        }
        return network
    }
}
