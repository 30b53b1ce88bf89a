/// The reply of `query-status`.
public struct QMPStatus: Sendable, Equatable, Decodable {
    /// Whether the vCPUs are running.
    public var running: Bool
    /// QEMU's run state: `"running"`, `"paused"`, `"prelaunch"`, `"shutdown"`,
    /// `"internal-error"`, `"guest-panicked"`, `"inmigrate"`, …
    public var status: String

    /// Creates a status.
    public init(running: Bool, status: String) {
        self.running = running
        self.status = status
    }
}

/// One entry of `query-block`.
public struct QMPBlockDevice: Sendable, Equatable, Decodable {
    /// The legacy device name (often empty with `-blockdev`/`if=none` drives named by id).
    public var device: String
    /// The guest device's qdev id or path, if any.
    public var qdev: String?
    /// Whether the medium can be removed (CD-ROMs).
    public var removable: Bool
    /// Whether the guest locked the tray.
    public var locked: Bool
    /// The medium, if one is inserted.
    public var inserted: Medium?

    /// An inserted medium.
    public struct Medium: Sendable, Equatable, Decodable {
        /// The image file name.
        public var file: String
        /// The block driver (format), e.g. `"qcow2"`.
        public var driver: String
        /// Whether it is read-only.
        public var readOnly: Bool
        /// The node name, if any.
        public var nodeName: String?

        enum CodingKeys: String, CodingKey {
            case file, driver = "drv", readOnly = "ro", nodeName = "node-name"
        }
    }
}

/// One entry of `query-chardev`.
public struct QMPChardev: Sendable, Equatable, Decodable {
    /// The chardev id, e.g. `"serial0"`.
    public var label: String
    /// QEMU's description, e.g. `"unix:/run/spin/1/serial.sock,server=on"`.
    public var filename: String
    /// Whether a frontend (device) has it open.
    public var frontendOpen: Bool

    enum CodingKeys: String, CodingKey {
        case label, filename, frontendOpen = "frontend-open"
    }
}

/// The reply of `query-vnc`.
public struct QMPVNCInfo: Sendable, Equatable, Decodable {
    /// Whether a VNC server is configured.
    public var enabled: Bool
    /// Address family: `"ipv4"`, `"ipv6"`, `"unix"`.
    public var family: String?
    /// Host address (empty for unix sockets).
    public var host: String?
    /// Port, or the socket path for unix sockets.
    public var service: String?
    /// Authentication scheme, e.g. `"none"`.
    public var auth: String?
    /// How many clients are connected.
    public var clientCount: Int { clients?.count ?? 0 }

    /// Connected clients (opaque).
    public var clients: [JSON]?
}
