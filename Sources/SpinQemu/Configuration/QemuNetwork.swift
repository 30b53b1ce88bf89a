/// User-mode (slirp) networking on a `virtio-net-pci` NIC, with host port forwards.
public struct QemuNetwork: Sendable, Equatable, Codable {
    /// Host ports forwarded into the guest.
    public var forwards: [QemuPortForward]
    /// The NIC's MAC address (`52:54:00:12:34:56`); `nil` lets QEMU choose.
    public var macAddress: String?

    /// Creates a network.
    public init(forwards: [QemuPortForward] = [], macAddress: String? = nil) {
        self.forwards = forwards
        self.macAddress = macAddress
    }

    /// `-netdev user,id=netN,hostfwd=…` plus `-device virtio-net-pci,netdev=netN[,mac=…]`.
    public func qemuArguments(index: Int) -> [String] {
        let netdev = QemuOption.list("user", [("id", "net\(index)")] + forwards.map { ("hostfwd", $0.hostForwardRule) })
        var device: [(String, String)] = [("netdev", "net\(index)"), ("id", "nic\(index)")]
        if let macAddress { device.append(("mac", macAddress)) }
        return ["-netdev", netdev, "-device", QemuOption.list("virtio-net-pci", device)]
    }
}

/// One host → guest port forward.
public struct QemuPortForward: Sendable, Equatable, Hashable, Codable {
    /// Transport protocol.
    public enum TransportProtocol: String, Sendable, Equatable, CaseIterable, Codable {
        /// TCP.
        case tcp
        /// UDP.
        case udp
    }

    /// TCP or UDP.
    public var transport: TransportProtocol
    /// Host address to bind (IPv4); empty binds every address.
    public var hostAddress: String
    /// Host port, 1…65535.
    public var hostPort: Int
    /// Guest port, 1…65535.
    public var guestPort: Int

    /// Creates a forward; by default TCP bound to 127.0.0.1 only.
    public init(transport: TransportProtocol = .tcp, hostAddress: String = "127.0.0.1", hostPort: Int, guestPort: Int) {
        self.transport = transport
        self.hostAddress = hostAddress
        self.hostPort = hostPort
        self.guestPort = guestPort
    }

    /// QEMU's `hostfwd` rule: `tcp:127.0.0.1:8080-:80`.
    public var hostForwardRule: String { "\(transport.rawValue):\(hostAddress):\(hostPort)-:\(guestPort)" }
}
