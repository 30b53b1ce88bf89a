/// A VM's NIC on a managed network: the network's name, the NIC's MAC address and the IPv4
/// address reserved for it (dnsmasq `dhcp-host`), so its address survives restarts.
///
/// JSON: `{"network":"lan","macAddress":"52:54:01:12:34:56","address":"10.77.0.2"}`. In a
/// ``VMSpec`` only `network` is needed: the registry picks a MAC address and the next free
/// address of the subnet; a given `address` must lie in the subnet and be free.
public struct NetworkAttachment: Sendable, Codable, Equatable, Hashable {
    /// The managed network's name.
    public var network: String
    /// The NIC's MAC address; nil in a spec: the registry picks one.
    public var macAddress: String?
    /// The reserved IPv4 address; nil in a spec: the registry picks the next free one.
    public var address: String?

    /// The most managed NICs a VM may have.
    public static let maxPerVM = 4

    /// Creates an attachment.
    public init(network: String, macAddress: String? = nil, address: String? = nil) {
        self.network = network
        self.macAddress = macAddress
        self.address = address
    }

    /// Parses the CLI's `NAME[:ADDRESS]`.
    public init(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        self.init(network: parts.first ?? text, address: parts.count > 1 ? parts[1] : nil)
    }
}
