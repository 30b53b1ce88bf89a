/// What a caller gives to create a managed network.
///
/// JSON: `{"name":"lan","subnet":"10.77.0.0/24","nat":false,"dnsDomain":"lan.test","bridge":"spinbr0"}`;
/// `nat` (default false), `dnsDomain` and `bridge` (default: the first free `spinbr<N>`) may
/// be left out.
public struct NetworkSpec: Sendable, Codable, Equatable {
    /// The network's unique name.
    public var name: String
    /// The IPv4 subnet in CIDR notation (`10.77.0.0/24`).
    public var subnet: String
    /// Masquerade the subnet to the outside.
    public var nat: Bool
    /// The DNS domain of the VMs' names.
    public var dnsDomain: String?
    /// The bridge's name; nil picks the first free `spinbr<N>`.
    public var bridge: String?

    /// Creates a spec.
    public init(name: String, subnet: String, nat: Bool = false, dnsDomain: String? = nil, bridge: String? = nil) {
        self.name = name
        self.subnet = subnet
        self.nat = nat
        self.dnsDomain = dnsDomain
        self.bridge = bridge
    }

    private enum CodingKeys: String, CodingKey { case name, subnet, nat, dnsDomain, bridge }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name), subnet: try c.decode(String.self, forKey: .subnet),
            nat: try c.decodeIfPresent(Bool.self, forKey: .nat) ?? false,
            dnsDomain: try c.decodeIfPresent(String.self, forKey: .dnsDomain),
            bridge: try c.decodeIfPresent(String.self, forKey: .bridge))
    }
}
