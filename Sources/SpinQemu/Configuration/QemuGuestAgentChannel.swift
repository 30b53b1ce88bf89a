/// The guest agent's channel: a virtio-serial port named `org.qemu.guest_agent.0` whose host
/// end is a unix socket QEMU listens on (talk to it with ``GuestAgentClient``).
public struct QemuGuestAgentChannel: Sendable, Equatable, Codable {
    /// The port name qemu-ga opens in the guest (`/dev/virtio-ports/org.qemu.guest_agent.0`).
    public static let portName = "org.qemu.guest_agent.0"

    /// Where QEMU listens for the host side.
    public var socketPath: String

    /// Creates a channel.
    public init(socketPath: String) { self.socketPath = socketPath }

    /// `-chardev socket,id=qga0,path=…,server=on,wait=off`, a `virtio-serial-pci` controller
    /// and a `virtserialport` named `org.qemu.guest_agent.0` on that chardev.
    public func qemuArguments() -> [String] {
        [
            "-chardev", QemuOption.list("socket", [("id", "qga0"), ("path", socketPath), ("server", "on"), ("wait", "off")]),
            "-device", QemuOption.list("virtio-serial-pci", [("id", "virtio-serial0")]),
            "-device", QemuOption.list("virtserialport", [("bus", "virtio-serial0.0"), ("chardev", "qga0"), ("name", Self.portName)]),
        ]
    }
}
