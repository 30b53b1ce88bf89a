/// A NIC on a tap device that already exists (made and attached to a bridge by the caller):
/// `-netdev tap,ifname=…,script=no,downscript=no` plus a `virtio-net-pci` device.
public struct QemuTap: Sendable, Equatable, Codable {
    /// The tap's interface name (at most 15 bytes).
    public var ifname: String
    /// The NIC's MAC address.
    public var macAddress: String

    /// Creates a tap NIC.
    public init(ifname: String, macAddress: String) {
        self.ifname = ifname
        self.macAddress = macAddress
    }

    /// `-netdev tap,id=tapN,ifname=…,script=no,downscript=no -device virtio-net-pci,netdev=tapN,id=tapnicN,mac=…`.
    public func qemuArguments(index: Int) -> [String] {
        let netdev = QemuOption.list("tap", [("id", "tap\(index)"), ("ifname", ifname), ("script", "no"), ("downscript", "no")])
        let device = QemuOption.list("virtio-net-pci", [("netdev", "tap\(index)"), ("id", "tapnic\(index)"), ("mac", macAddress)])
        return ["-netdev", netdev, "-device", device]
    }
}
