import Foundation
import PostgresNIO
import SpinCore
import SpinModel

extension PostgresRegistry {
    /// Records a managed network; see ``Registry/createNetwork(_:)``. The name is the primary
    /// key, the bridge UNIQUE and overlapping subnets an exclusion constraint.
    @discardableResult
    public func createNetwork(_ network: Network) async throws -> Network {
        try await createNetwork(network) { _ in true }.network
    }

    /// Records a network like ``createNetwork(_:)`` and runs `alongside` in the same
    /// transaction (to submit the package that makes its bridge), so both commit or neither.
    public func createNetwork<R: Sendable>(
        _ network: Network, alongside: @escaping @Sendable (PostgresConnection) async throws -> R
    ) async throws -> (network: Network, result: R) {
        try ValidationProblem.check(network.validate())
        return try await write { c in
            if let existing = try await Self.loadNetwork(network.name, c) {
                throw SpinError(.conflict, "network \(quoted(network.name)) already exists (\(existing.subnet.map { "subnet \($0)" } ?? "external bridge \(existing.bridge)")); choose another name, or delete it first with spin network delete \(network.name)")
            }
            let owners = try await c.query("SELECT name FROM registry_networks WHERE bridge = \(network.bridge)", logger: Self.logger)
            for try await other in owners.decode(String.self) {
                throw SpinError(.conflict, "bridge \(quoted(network.bridge)) already belongs to network \(quoted(other)); give another --bridge or leave it out")
            }
            if let subnet = network.subnet {
                for other in try await Self.networks(c) {
                    guard let theirs = other.subnet, theirs.overlaps(subnet) else { continue }
                    throw SpinError(.conflict, "subnet \(subnet) overlaps network \(quoted(other.name))'s subnet \(theirs); pick a subnet that shares no address with it")
                }
            }
            try await c.query(
                """
                INSERT INTO registry_networks (name, bridge, subnet, body)
                VALUES (\(network.name), \(network.bridge), \(network.subnet?.description)::cidr, \(try Self.json(network))::jsonb)
                """, logger: Self.logger)
            return (network, try await alongside(c))
        }
    }

    /// The network `name`.
    public func network(_ name: String) async throws -> Network {
        try await read { c in try await Self.requireNetwork(name, c) }
    }

    /// Every network, ordered by name.
    public func listNetworks() async throws -> [Network] {
        try await read { c in try await Self.networks(c) }
    }

    /// The bridge names every network uses.
    public func networkBridges() async throws -> Set<String> {
        try await read { c in
            var bridges: Set<String> = []
            for try await bridge in try await c.query("SELECT bridge FROM registry_networks", logger: Self.logger).decode(String.self) {
                bridges.insert(bridge)
            }
            return bridges
        }
    }

    /// The VMs with a NIC on network `name`, by id (in the order of their addresses).
    public func networkUsers(_ name: String) async throws -> [UInt64] {
        try await read { c in try await Self.users(of: name, c) }
    }

    /// Forgets the network `name`; refused while any VM has a NIC on it (and a VM that takes an
    /// address on it meanwhile keeps it, through the addresses' foreign key).
    @discardableResult
    public func deleteNetwork(_ name: String) async throws -> Network {
        try await write { c in
            let network = try await Self.requireNetwork(name, lock: .update, c)
            let users = try await Self.users(of: name, c)
            if !users.isEmpty {
                var names: [String] = []
                for id in users.prefix(5) { names.append(await Self.describeVM(id: id, c)) }
                throw SpinError(.failedPrecondition, "network \(quoted(network.name)) is used by \(names.joined(separator: ", "))\(users.count > 5 ? ", …" : ""); delete those VMs or detach them from the network first")
            }
            try await c.query("DELETE FROM registry_networks WHERE name = \(name)", logger: Self.logger)
            return network
        }
    }

    static func networks(_ c: PostgresConnection) async throws -> [Network] {
        let rows = try await c.query("SELECT body::text FROM registry_networks ORDER BY name", logger: logger)
        var networks: [Network] = []
        for try await body in rows.decode(String.self) { networks.append(try decode(Network.self, body)) }
        return networks
    }

    static func users(of network: String, _ c: PostgresConnection) async throws -> [UInt64] {
        let rows = try await c.query(
            """
            SELECT vm_id FROM (
                SELECT vm_id, address AS position FROM registry_network_addresses WHERE network = \(network)
                UNION ALL SELECT vm_id, 4294967296 + vm_id FROM registry_network_attachments WHERE network = \(network)
            ) AS nics ORDER BY position
            """, logger: logger)
        var ids: [UInt64] = []
        for try await id in rows.decode(Int64.self) where !ids.contains(UInt64(id)) { ids.append(UInt64(id)) }
        return ids
    }

    static func loadNetwork(_ name: String, lock: RowLock = .none, _ c: PostgresConnection) async throws -> Network? {
        guard Validator.isName(name, allowDots: false) else { return nil }
        let rows = try await c.query(
            "SELECT body::text FROM registry_networks WHERE name = \(name) \(unescaped: lock.rawValue)", logger: logger)
        for try await body in rows.decode(String.self) { return try decode(Network.self, body) }
        return nil
    }

    /// The network `name`, or `notFound` telling how to create it.
    static func requireNetwork(_ name: String, lock: RowLock = .none, _ c: PostgresConnection) async throws -> Network {
        guard let network = try await loadNetwork(name, lock: lock, c) else {
            let shown = Validator.isName(name, allowDots: false) ? name : "NAME"
            throw SpinError(.notFound, "network \(quoted(name)) does not exist; create it with spin network create \(shown) --subnet CIDR (or --external --bridge BRIDGE), or list networks with spin network list")
        }
        return network
    }
}
