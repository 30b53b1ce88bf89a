import Foundation
import SpinQemu

/// How a ``Spin`` instance runs.
public struct SpinOptions: Sendable {
    /// Which supervisor runs VMs.
    public enum SupervisorChoice: Sendable {
        /// systemd when a manager answers on D-Bus, the direct supervisor otherwise.
        case auto
        /// Always systemd, at `scope`; `unitDirectory` nil derives it from the scope.
        case systemd(scope: SystemdScope, unitDirectory: String? = nil)
        /// Always the direct supervisor.
        case direct
    }

    /// Which supervisor runs VMs.
    public var supervisor: SupervisorChoice
    /// Whether this instance only looks (listings, details, package status): the store is
    /// opened read-only, nothing is created, no agent runs and nothing is spawned. Changing
    /// calls fail. Default false.
    public var readOnly = false
    /// Whether this process serves the storage and emulation queues itself (the embedded
    /// mode). Turn off when other processes (a server, remote agents) serve them.
    public var runsAgents: Bool
    /// The `spin` executable that systemd units call for a graceful `ExecStop`; nil looks for
    /// `spin` next to this program, then on `PATH`.
    public var helperExecutable: String?
    /// qemu-system and qemu-img overrides; nil finds them on `PATH`.
    public var qemuSystemPath: String?
    /// The qemu-img override.
    public var qemuImgPath: String?
    /// How accelerators are probed.
    public var acceleratorProbe: AcceleratorProbe
    /// Broker timing.
    public var broker: BrokerOptions
    /// How long an action may take before a caller stops waiting for its package.
    public var actionTimeout: Duration
    /// Receives `(command id, fraction done)` while this process's storage agent copies or
    /// moves an image (qemu-img's progress); called from a reader thread.
    public var storageProgress: (@Sendable (UUID, Double) -> Void)?
    /// When ``Spin/close()`` stops this process's agents, how long a command in flight may
    /// still take before it is cut short and its lease handed back to the broker.
    public var agentDrainTimeout: Duration
    /// Where the direct supervisor reads the boot id (``BootID``); nil: `$SPIN_BOOT_ID_FILE`,
    /// else the kernel's. Tests point it at a file of their own to simulate a host restart.
    public var bootIDFile: String?
    /// The cap of each VM's serial log and how often the agents' process checks it.
    public var serialLog = SerialLogKeeper.Settings()
    /// The host directories callers may name paths in (volume directories, CD-ROMs, kernels,
    /// initrds); nil allows every path this process can reach — the embedded CLI, which acts
    /// with its own user's rights. The server sets it from `--allow-path` (default: the data
    /// root); a path outside is refused with `.forbidden`.
    public var allowedPaths: AllowedRoots?
    /// Whether callers may create and delete managed networks (bridges, dnsmasq, nftables on
    /// this host). Off by default (least privilege); the `spin` CLI turns it on (its user is
    /// the operator), the server from `--allow-networks`: a token grants the API, not the
    /// host's network.
    public var managesNetworks = false
    /// The unprivileged user qemu runs as when this process is root; nil:
    /// `$SPIN_QEMU_USER`, else `spin-qemu` (``QemuUser/defaultName``). When spin is not root,
    /// qemu runs as spin's own user and this must be nil.
    public var qemuUser: String? = ProcessInfo.processInfo.environment["SPIN_QEMU_USER"].flatMap { $0.isEmpty ? nil : $0 }
    /// qemu's setuid helper that puts the NICs of an ordinary user's VMs on external bridges
    /// (`-netdev bridge,helper=…`): `$SPIN_BRIDGE_HELPER`, else Debian's
    /// `/usr/lib/qemu/qemu-bridge-helper`. Its allow-list is the path compiled into it,
    /// `/etc/qemu/bridge.conf`.
    public var bridgeHelper: String = ProcessInfo.processInfo.environment["SPIN_BRIDGE_HELPER"].flatMap { $0.isEmpty ? nil : $0 } ?? QemuBridgeNIC.defaultHelper

    /// Creates options.
    public init(
        supervisor: SupervisorChoice = .auto, runsAgents: Bool = true, helperExecutable: String? = nil,
        qemuSystemPath: String? = nil, qemuImgPath: String? = nil, acceleratorProbe: AcceleratorProbe = AcceleratorProbe(),
        broker: BrokerOptions = .default, actionTimeout: Duration = .seconds(600),
        storageProgress: (@Sendable (UUID, Double) -> Void)? = nil, agentDrainTimeout: Duration = .seconds(10),
        bootIDFile: String? = nil
    ) {
        self.supervisor = supervisor
        self.runsAgents = runsAgents
        self.helperExecutable = helperExecutable
        self.qemuSystemPath = qemuSystemPath
        self.qemuImgPath = qemuImgPath
        self.acceleratorProbe = acceleratorProbe
        self.broker = broker
        self.actionTimeout = actionTimeout
        self.storageProgress = storageProgress
        self.agentDrainTimeout = agentDrainTimeout
        self.bootIDFile = bootIDFile
    }

    /// The embedded defaults.
    public static let `default` = SpinOptions()

    /// The `spin` executable for unit files, if one can be found.
    func resolvedHelper() -> String? {
        if let helperExecutable { return helperExecutable }
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let sibling = URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("spin").path
            if FileManager.default.isExecutableFile(atPath: sibling) { return sibling }
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/spin"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
