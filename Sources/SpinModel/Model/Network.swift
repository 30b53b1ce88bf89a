import Foundation

/// A network VMs get NICs on. Two kinds:
/// - **managed** (``external`` false): a Linux bridge spin makes, holding the subnet's first
///   address, a dnsmasq serving DHCP (a reserved address per VM NIC) and DNS (the VMs' names)
///   on it, and, with ``nat``, nftables masquerading the subnet to the outside;
/// - **external** (``external`` true): a bridge the operator made and keeps. spin records its
///   name only — no subnet, dnsmasq, NAT or address reservations — and never creates, changes
///   or deletes it; NICs join it through a tap (spin as root) or qemu's setuid
///   `qemu-bridge-helper` (spin as an ordinary user).
///
/// JSON: `{"name":"lan","subnet":"10.77.0.0/24","gateway":"10.77.0.1","nat":true,
/// "dnsDomain":"lan.test","bridge":"spinbr0","external":false,"createdAt":"…"}` (`gateway` is
/// derived from the subnet and only written; `dnsDomain` absent = none; `subnet` and `gateway`
/// absent on an external network; `external` absent = false).
public struct Network: Sendable, Codable, Equatable {
    /// The network's unique name (the rules of a VM name).
    public var name: String
    /// The IPv4 subnet; its first address is the bridge's (the gateway). Nil exactly when the
    /// network is ``external``.
    public var subnet: IPv4Subnet?
    /// Whether traffic from the subnet is masqueraded to the outside (and guests get a
    /// default route through the gateway). Always false on an external network.
    public var nat: Bool
    /// The DNS domain the VMs' names are served in, if any (never on an external network).
    public var dnsDomain: String?
    /// The Linux bridge's interface name (at most 15 bytes).
    public var bridge: String
    /// Whether the bridge is the operator's (spin only attaches NICs to it).
    public var external: Bool
    /// When the network was created.
    public var createdAt: Date
    /// Whether its dnsmasq runs: filled in by reads (`network get`, `network list`) of a
    /// managed network, never stored with the record.
    public var dnsmasq: NetworkDaemonStatus?

    /// Creates a managed network record.
    public init(name: String, subnet: IPv4Subnet, nat: Bool = false, dnsDomain: String? = nil, bridge: String, createdAt: Date = Date()) {
        self.name = name
        self.subnet = subnet
        self.nat = nat
        self.dnsDomain = dnsDomain
        self.bridge = bridge
        self.external = false
        self.createdAt = createdAt
    }

    /// Creates the record of an external network: the operator's bridge `bridge`.
    public init(name: String, externalBridge bridge: String, createdAt: Date = Date()) {
        self.name = name
        self.subnet = nil
        self.nat = false
        self.dnsDomain = nil
        self.bridge = bridge
        self.external = true
        self.createdAt = createdAt
    }

    /// The gateway (the bridge's address) in dotted-quad form; nil on an external network.
    public var gateway: String? { subnet.map { IPv4Subnet.format($0.gateway) } }

    /// The subnet of a managed network.
    /// - Throws: ``SpinError`` `.failedPrecondition` on an external network (which has none).
    public func managedSubnet() throws -> IPv4Subnet {
        guard let subnet, !external else {
            throw SpinError(.failedPrecondition, "network \(quoted(name)) is the external bridge \(bridge), which spin does not manage: it has no subnet, dnsmasq or reserved addresses")
        }
        return subnet
    }

    /// Every problem, each naming its field and the fix.
    public func validate() -> [ValidationProblem] {
        var validator = Validator()
        validator.name(name)
        validator.networkFields(dnsDomain: dnsDomain, bridge: bridge)
        validator.networkKind(external: external, hasSubnet: subnet != nil, nat: nat, dnsDomain: dnsDomain)
        return validator.problems
    }

    private enum CodingKeys: String, CodingKey { case name, subnet, gateway, nat, dnsDomain, bridge, external, createdAt, dnsmasq }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        subnet = try c.decodeIfPresent(IPv4Subnet.self, forKey: .subnet)
        nat = try c.decodeIfPresent(Bool.self, forKey: .nat) ?? false
        dnsDomain = try c.decodeIfPresent(String.self, forKey: .dnsDomain)
        bridge = try c.decode(String.self, forKey: .bridge)
        external = try c.decodeIfPresent(Bool.self, forKey: .external) ?? false
        createdAt = try c.decode(Date.self, forKey: .createdAt)
        dnsmasq = try c.decodeIfPresent(NetworkDaemonStatus.self, forKey: .dnsmasq)
        if subnet == nil && !external {
            throw DecodingError.keyNotFound(CodingKeys.subnet, .init(codingPath: c.codingPath, debugDescription: "a managed network needs a subnet"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(subnet, forKey: .subnet)
        try c.encodeIfPresent(gateway, forKey: .gateway)
        try c.encode(nat, forKey: .nat)
        try c.encodeIfPresent(dnsDomain, forKey: .dnsDomain)
        try c.encode(bridge, forKey: .bridge)
        try c.encode(external, forKey: .external)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encodeIfPresent(dnsmasq, forKey: .dnsmasq)
    }
}
