/// Everything needed to start one QEMU process, as values; ``arguments()`` turns it into argv.
///
/// ```swift
/// var config = QemuConfiguration(name: "web", accelerator: .tcg, memoryMiB: 512)
/// config.disks = [QemuDisk(path: "/var/lib/spin/web.qcow2")]
/// config.qmpSocketPath = "/run/spin/1/qmp.sock"
/// let argv = try config.arguments()   // ["-name", "guest=web", "-no-user-config", …]
/// ```
public struct QemuConfiguration: Sendable, Equatable, Codable {
    /// The guest name (shown in `ps` and QMP).
    public var name: String
    /// Machine type; `q35` by default.
    public var machine: String
    /// `.kvm` or `.tcg`; resolve `.auto` with ``AcceleratorProbe`` first.
    public var accelerator: Accelerator
    /// CPU model; `nil` picks ``Accelerator/defaultCPUModel``.
    public var cpuModel: String?
    /// Number of vCPUs.
    public var cpuCount: Int
    /// Guest RAM in MiB.
    public var memoryMiB: Int
    /// Disks, in order (`disk0`, `disk1`, …).
    public var disks: [QemuDisk]
    /// CD-ROM drives.
    public var cdroms: [QemuCDROM]
    /// Firmware boot order; empty keeps QEMU's default.
    public var bootOrder: [QemuBootDevice]
    /// A cloud-init seed image on a read-only virtio drive, if any.
    public var seed: QemuSeedImage?
    /// The guest agent's virtio-serial channel, if any.
    public var guestAgent: QemuGuestAgentChannel?
    /// Host directories shared over virtiofs; with any, guest RAM is a shared memfd.
    public var fileShares: [QemuFileShare] = []
    /// UEFI firmware; nil: SeaBIOS.
    public var firmware: QemuFirmware? = nil
    /// Direct kernel boot, if any.
    public var directBoot: QemuDirectBoot?
    /// User-mode network, if any.
    public var network: QemuNetwork?
    /// NICs on existing tap devices, after the user-mode one.
    public var taps: [QemuTap] = []
    /// NICs on existing bridges through qemu-bridge-helper, after the taps.
    public var bridges: [QemuBridgeNIC] = []
    /// Serial port on a unix socket, if any.
    public var serial: QemuSerial?
    /// Path of the QMP unix socket, if any.
    public var qmpSocketPath: String?
    /// Path of the VNC unix socket, if any.
    public var vncSocketPath: String?
    /// Where QEMU writes its pid, if anywhere.
    public var pidFilePath: String?
    /// Whether QEMU forks into the background once ready (`-daemonize`).
    public var daemonize: Bool
    /// Whether a guest reboot exits QEMU instead (`-no-reboot`).
    public var noReboot: Bool
    /// Whether to enable the seccomp sandbox; set it from ``QemuBinary/supportsSandbox()``.
    public var sandbox: Bool
    /// Extra arguments appended verbatim (an escape hatch; prefer typed fields).
    public var extraArguments: [String]

    /// Creates a configuration with no devices.
    public init(
        name: String, machine: String = "q35", accelerator: Accelerator = .tcg,
        cpuModel: String? = nil, cpuCount: Int = 1, memoryMiB: Int = 512
    ) {
        self.name = name
        self.machine = machine
        self.accelerator = accelerator
        self.cpuModel = cpuModel
        self.cpuCount = cpuCount
        self.memoryMiB = memoryMiB
        disks = []
        cdroms = []
        bootOrder = []
        seed = nil
        guestAgent = nil
        directBoot = nil
        network = nil
        serial = nil
        qmpSocketPath = nil
        vncSocketPath = nil
        pidFilePath = nil
        daemonize = false
        noReboot = false
        sandbox = false
        extraArguments = []
    }
}
