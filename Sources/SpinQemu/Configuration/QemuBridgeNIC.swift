/// A NIC on an existing Linux bridge, joined through qemu's setuid `qemu-bridge-helper`
/// (which makes a tap, checks the bridge against its ACL `/etc/qemu/bridge.conf`, enslaves the
/// tap and hands qemu its descriptor): `-netdev bridge,…,helper=…` plus a `virtio-net-pci`
/// device. Lets qemu run by an ordinary user reach a bridge an administrator made.
public struct QemuBridgeNIC: Sendable, Equatable, Codable {
    /// Debian's helper.
    public static let defaultHelper = "/usr/lib/qemu/qemu-bridge-helper"

    /// The bridge's interface name.
    public var bridge: String
    /// The helper qemu runs (setuid root unless qemu runs as root).
    public var helper: String
    /// The NIC's MAC address.
    public var macAddress: String

    /// Creates a bridge NIC.
    public init(bridge: String, helper: String = Self.defaultHelper, macAddress: String) {
        self.bridge = bridge
        self.helper = helper
        self.macAddress = macAddress
    }

    /// `-netdev bridge,id=brN,br=…,helper=… -device virtio-net-pci,netdev=brN,id=brnicN,mac=…`.
    public func qemuArguments(index: Int) -> [String] {
        let netdev = QemuOption.list("bridge", [("id", "br\(index)"), ("br", bridge), ("helper", helper)])
        let device = QemuOption.list("virtio-net-pci", [("netdev", "br\(index)"), ("id", "brnic\(index)"), ("mac", macAddress)])
        return ["-netdev", netdev, "-device", device]
    }
}
