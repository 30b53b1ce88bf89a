// The network agent's actions. Parameters carry the whole network (so a delete needs no
// record); the agent reads the registry only for the VMs' reservations. Every action is
// idempotent: each step looks at what exists first, so a command redelivered after a crash
// finishes what the first delivery began.

/// The network a command acts on.
public struct NetworkActionParameters: Codable, Sendable, Equatable {
    /// The network's name (its directory under `ROOT/networks`).
    public var name: String
    /// The bridge's interface name.
    public var bridge: String
    /// The subnet in CIDR notation; empty for an external network.
    public var subnet: String
    /// Whether the subnet is masqueraded to the outside.
    public var nat: Bool
    /// The DNS domain of the VMs' names.
    public var dnsDomain: String?
    /// Whether the bridge is the operator's (every action then leaves it alone); absent in
    /// commands written before external networks existed.
    public var external: Bool?

    /// The parameters of `network`.
    public init(_ network: Network) {
        name = network.name
        bridge = network.bridge
        subnet = network.subnet?.description ?? ""
        external = network.external ? true : nil
        nat = network.nat
        dnsDomain = network.dnsDomain
    }

    /// The network these parameters describe.
    /// - Throws: ``SpinError`` `invalidArgument` when they are not a valid network.
    public func network() throws -> Network {
        if external == true {
            let network = Network(name: name, externalBridge: bridge)
            try ValidationProblem.check(network.validate())
            return network
        }
        let network = Network(name: name, subnet: try IPv4Subnet(parsing: subnet), nat: nat, dnsDomain: dnsDomain, bridge: bridge)
        try ValidationProblem.check(network.validate())
        return network
    }
}

/// `network.create`: the bridge with the gateway address, up; dnsmasq with its files under
/// `ROOT/networks/<name>/`; with NAT an nftables table of its own and IPv4 forwarding on.
public enum CreateNetworkAction: BrokerAction {
    public static let resource = "network"
    public static let action = "create"
    public typealias Parameters = NetworkActionParameters
}

/// `network.delete`: stop its dnsmasq, remove its nftables table and its bridge (only one
/// carrying spin's mark) and its directory; success when all is already gone.
public enum DeleteNetworkAction: BrokerAction {
    public static let resource = "network"
    public static let action = "delete"
    public typealias Parameters = NetworkActionParameters
}

/// `network.sync_hosts`: rewrite the network's DHCP reservations and names from the registry
/// and make a running dnsmasq re-read them (SIGHUP).
public enum SyncNetworkHostsAction: BrokerAction {
    public static let resource = "network"
    public static let action = "sync_hosts"
    public typealias Parameters = NetworkActionParameters
}
