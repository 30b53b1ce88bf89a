import Foundation

/// A managed network: a Linux bridge holding the subnet's first address, a dnsmasq serving
/// DHCP (a reserved address per VM NIC) and DNS (the VMs' names) on it, and, with ``nat``,
/// nftables masquerading the subnet to the outside.
///
/// JSON: `{"name":"lan","subnet":"10.77.0.0/24","gateway":"10.77.0.1","nat":true,
/// "dnsDomain":"lan.test","bridge":"spinbr0","createdAt":"…"}` (`gateway` is derived from the
/// subnet and only written; `dnsDomain` absent = none).
public struct Network: Sendable, Codable, Equatable {
    /// The network's unique name (the rules of a VM name).
    public var name: String
    /// The IPv4 subnet; its first address is the bridge's (the gateway).
    public var subnet: IPv4Subnet
    /// Whether traffic from the subnet is masqueraded to the outside (and guests get a
    /// default route through the gateway).
    public var nat: Bool
    /// The DNS domain the VMs' names are served in, if any.
    public var dnsDomain: String?
    /// The Linux bridge's interface name (at most 15 bytes).
    public var bridge: String
    /// When the network was created.
    public var createdAt: Date
    /// Whether its dnsmasq runs: filled in by reads (`network get`, `network list`), never
    /// stored with the record.
    public var dnsmasq: NetworkDaemonStatus?

    /// Creates a network record.
    public init(name: String, subnet: IPv4Subnet, nat: Bool = false, dnsDomain: String? = nil, bridge: String, createdAt: Date = Date()) {
        self.name = name
        self.subnet = subnet
        self.nat = nat
        self.dnsDomain = dnsDomain
        self.bridge = bridge
        self.createdAt = createdAt
    }

    /// The gateway (the bridge's address) in dotted-quad form.
    public var gateway: String { IPv4Subnet.format(subnet.gateway) }

    /// Every problem, each naming its field and the fix.
    public func validate() -> [ValidationProblem] {
        var validator = Validator()
        validator.name(name)
        validator.networkFields(dnsDomain: dnsDomain, bridge: bridge)
        return validator.problems
    }

    private enum CodingKeys: String, CodingKey { case name, subnet, gateway, nat, dnsDomain, bridge, createdAt, dnsmasq }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name), subnet: try c.decode(IPv4Subnet.self, forKey: .subnet),
            nat: try c.decodeIfPresent(Bool.self, forKey: .nat) ?? false,
            dnsDomain: try c.decodeIfPresent(String.self, forKey: .dnsDomain),
            bridge: try c.decode(String.self, forKey: .bridge), createdAt: try c.decode(Date.self, forKey: .createdAt))
        dnsmasq = try c.decodeIfPresent(NetworkDaemonStatus.self, forKey: .dnsmasq)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(subnet, forKey: .subnet)
        try c.encode(gateway, forKey: .gateway)
        try c.encode(nat, forKey: .nat)
        try c.encodeIfPresent(dnsDomain, forKey: .dnsDomain)
        try c.encode(bridge, forKey: .bridge)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encodeIfPresent(dnsmasq, forKey: .dnsmasq)
    }
}
