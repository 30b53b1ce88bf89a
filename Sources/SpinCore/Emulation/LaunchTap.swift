/// A tap device of one VM NIC on a managed network: made by spin (as root) before qemu starts,
/// owned by the qemu user, attached to the network's bridge; removed when the VM stops.
public struct LaunchTap: Sendable, Equatable, Codable {
    /// The tap's interface name, ``name(vmID:index:)``.
    public var name: String
    /// The bridge it is attached to.
    public var bridge: String
    /// The guest NIC's MAC address.
    public var macAddress: String

    /// Creates a tap description.
    public init(name: String, bridge: String, macAddress: String) {
        self.name = name
        self.bridge = bridge
        self.macAddress = macAddress
    }

    /// `spt<vmid>n<index>`: at most 15 bytes for ids below 10^10.
    public static func name(vmID: UInt64, index: Int) -> String { "spt\(vmID)n\(index)" }
}
