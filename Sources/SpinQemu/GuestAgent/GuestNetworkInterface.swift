/// One entry of `guest-network-get-interfaces`.
public struct GuestNetworkInterface: Sendable, Equatable, Decodable {
    /// The guest's name for it, e.g. `"eth0"`, `"lo"`.
    public var name: String
    /// The MAC address, if it has one.
    public var hardwareAddress: String?
    /// Its addresses (empty when it has none).
    public var ipAddresses: [GuestIPAddress]

    /// Creates an interface.
    public init(name: String, hardwareAddress: String? = nil, ipAddresses: [GuestIPAddress] = []) {
        self.name = name
        self.hardwareAddress = hardwareAddress
        self.ipAddresses = ipAddresses
    }

    /// Decodes the agent's shape; `ip-addresses` is left out for an interface without any.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        hardwareAddress = try container.decodeIfPresent(String.self, forKey: .hardwareAddress)
        ipAddresses = try container.decodeIfPresent([GuestIPAddress].self, forKey: .ipAddresses) ?? []
    }

    enum CodingKeys: String, CodingKey {
        case name, hardwareAddress = "hardware-address", ipAddresses = "ip-addresses"
    }
}

/// One address of a ``GuestNetworkInterface``.
public struct GuestIPAddress: Sendable, Equatable, Hashable, Decodable {
    /// The address family.
    public enum Family: String, Sendable, Equatable, Hashable, Decodable {
        /// IPv4.
        case ipv4
        /// IPv6.
        case ipv6
    }

    /// IPv4 or IPv6.
    public var family: Family
    /// The address, e.g. `"10.0.2.15"`.
    public var address: String
    /// The prefix length, e.g. `24`.
    public var prefix: Int

    /// Creates an address.
    public init(family: Family, address: String, prefix: Int) {
        self.family = family
        self.address = address
        self.prefix = prefix
    }

    enum CodingKeys: String, CodingKey {
        case family = "ip-address-type", address = "ip-address", prefix
    }
}

extension Array where Element == GuestNetworkInterface {
    /// Every address except loopback (`lo`, 127.0.0.0/8, `::1`), in the agent's order.
    public var externalAddresses: [GuestIPAddress] {
        filter { $0.name != "lo" }
            .flatMap(\.ipAddresses)
            .filter { !$0.address.hasPrefix("127.") && $0.address != "::1" }
    }
}
