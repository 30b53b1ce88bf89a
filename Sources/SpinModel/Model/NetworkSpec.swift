/// What a caller gives to create a network.
///
/// JSON: `{"name":"lan","subnet":"10.77.0.0/24","nat":false,"dnsDomain":"lan.test","bridge":"spinbr0"}`;
/// `nat` (default false), `dnsDomain` and `bridge` (default: the first free `spinbr<N>`) may
/// be left out. An external network — the operator's bridge, which spin never creates,
/// changes or deletes — is `{"name":"lan","bridge":"br0","external":true}`: a bridge and no
/// subnet, NAT or DNS domain.
public struct NetworkSpec: Sendable, Codable, Equatable {
    /// The network's unique name.
    public var name: String
    /// The IPv4 subnet in CIDR notation (`10.77.0.0/24`) of a managed network; nil for an
    /// external one.
    public var subnet: String?
    /// Masquerade the subnet to the outside.
    public var nat: Bool
    /// The DNS domain of the VMs' names.
    public var dnsDomain: String?
    /// The bridge's name; nil picks the first free `spinbr<N>` (managed networks only).
    public var bridge: String?
    /// Whether `bridge` is an existing bridge of the operator's that spin only attaches to.
    public var external: Bool

    /// Creates the spec of a managed network.
    public init(name: String, subnet: String, nat: Bool = false, dnsDomain: String? = nil, bridge: String? = nil) {
        self.name = name
        self.subnet = subnet
        self.nat = nat
        self.dnsDomain = dnsDomain
        self.bridge = bridge
        self.external = false
    }

    /// Creates the spec of an external network on the operator's bridge `bridge`.
    public init(name: String, externalBridge bridge: String) {
        self.name = name
        self.subnet = nil
        self.nat = false
        self.dnsDomain = nil
        self.bridge = bridge
        self.external = true
    }

    /// Every problem of the spec's shape (the kinds' rules), each naming its field and the fix.
    public func validate() -> [ValidationProblem] {
        var validator = Validator()
        validator.networkKind(external: external, hasSubnet: subnet != nil, nat: nat, dnsDomain: dnsDomain)
        if external && bridge == nil {
            validator.add("bridge", "an external network needs the name of an existing bridge; give --bridge NAME (e.g. br0)")
        }
        return validator.problems
    }

    private enum CodingKeys: String, CodingKey { case name, subnet, nat, dnsDomain, bridge, external }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        subnet = try c.decodeIfPresent(String.self, forKey: .subnet)
        nat = try c.decodeIfPresent(Bool.self, forKey: .nat) ?? false
        dnsDomain = try c.decodeIfPresent(String.self, forKey: .dnsDomain)
        bridge = try c.decodeIfPresent(String.self, forKey: .bridge)
        external = try c.decodeIfPresent(Bool.self, forKey: .external) ?? false
    }
}
