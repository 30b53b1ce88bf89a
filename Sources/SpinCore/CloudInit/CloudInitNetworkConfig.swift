/// The `network-config` file of a NoCloud seed (network configuration version 2). Without
/// one, cloud-init configures DHCP on the first network interface by itself.
public enum CloudInitNetworkConfig: Sendable, Equatable, Codable {
    /// DHCP (IPv4) on the interface with this MAC address.
    case dhcp(macAddress: String)
    /// A fixed IPv4 address in CIDR form (`10.0.2.20/24`) on the interface with this MAC
    /// address, with an optional default gateway and DNS servers.
    case staticIPv4(macAddress: String, address: String, gateway: String?, nameservers: [String])
    /// The user's own network configuration, written verbatim.
    case custom(String)
    /// Several interfaces, each matched by MAC address: the user-mode NIC by DHCP and each
    /// NIC on a managed network with its reserved address.
    case interfaces([Interface])

    /// One interface of ``interfaces(_:)``.
    public struct Interface: Sendable, Equatable, Codable {
        /// The NIC's MAC address.
        public var macAddress: String
        /// A fixed IPv4 address in CIDR form (`10.77.0.2/24`); nil: DHCP.
        public var address: String?
        /// A default route through this gateway, with `metric` (nil: no route out here).
        public var gateway: String?
        /// The default route's metric (a higher one loses to the DHCP NIC's route).
        public var metric: Int

        /// DHCP on the NIC with `macAddress`.
        public static func dhcp(_ macAddress: String) -> Interface { Interface(macAddress: macAddress, address: nil, gateway: nil, metric: 0) }

        /// A fixed address on the NIC with `macAddress`.
        public static func fixed(_ macAddress: String, address: String, gateway: String?, metric: Int = 200) -> Interface {
            Interface(macAddress: macAddress, address: address, gateway: gateway, metric: metric)
        }
    }

    /// The file's text.
    public func rendered() -> String {
        switch self {
        case .custom(let text):
            return text.hasSuffix("\n") ? text : text + "\n"
        case .interfaces(let interfaces):
            var text = "version: 2\nethernets:\n"
            for (index, nic) in interfaces.enumerated() {
                text += "  nic\(index):\n    match:\n      macaddress: \(YAMLScalar.quoted(nic.macAddress.lowercased()))\n"
                guard let address = nic.address else {
                    text += "    dhcp4: true\n"
                    continue
                }
                text += "    dhcp4: false\n    addresses:\n      - \(YAMLScalar.quoted(address))\n"
                if let gateway = nic.gateway {
                    text += "    routes:\n      - to: \"0.0.0.0/0\"\n        via: \(YAMLScalar.quoted(gateway))\n        metric: \(nic.metric)\n"
                }
            }
            return text
        case .dhcp(let macAddress):
            return Self.header(macAddress: macAddress) + "    dhcp4: true\n"
        case .staticIPv4(let macAddress, let address, let gateway, let nameservers):
            var text = Self.header(macAddress: macAddress)
            text += "    dhcp4: false\n"
            text += "    addresses:\n      - \(YAMLScalar.quoted(address))\n"
            if let gateway {
                text += "    routes:\n      - to: \"0.0.0.0/0\"\n        via: \(YAMLScalar.quoted(gateway))\n"
            }
            if !nameservers.isEmpty {
                text += "    nameservers:\n      addresses:\n"
                text += nameservers.map { "        - \(YAMLScalar.quoted($0))\n" }.joined()
            }
            return text
        }
    }

    /// `version: 2` and one ethernet matched by MAC address.
    private static func header(macAddress: String) -> String {
        """
        version: 2
        ethernets:
          nic0:
            match:
              macaddress: \(YAMLScalar.quoted(macAddress.lowercased()))

        """
    }
}
