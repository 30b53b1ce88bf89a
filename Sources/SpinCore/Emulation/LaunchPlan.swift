import Foundation
import SpinQemu

/// Everything a supervisor needs to run one VM: qemu's full argv and where its files are.
/// Built from the registry's record by pure code; the same VM always gives the same plan.
public struct LaunchPlan: Sendable, Equatable, Codable {
    /// The VM's id.
    public var vmID: UInt64
    /// The VM's name.
    public var name: String
    /// The qemu binary.
    public var executable: String
    /// qemu's arguments (without the executable), for running in the foreground.
    public var arguments: [String]
    /// The accelerator chosen and why.
    public var accelerator: String
    /// Why that accelerator was chosen.
    public var acceleratorReason: String
    /// Seconds a graceful stop may take before the process is killed.
    public var stopTimeoutSeconds: Int
    /// Whether the VM starts when the host starts (the unit is enabled; a direct-mode server
    /// starts it). Absent in plans written before it existed: false.
    public var autostart: Bool
    /// The VM's files.
    public var paths: RuntimePathsRecord
    /// The user qemu runs as when that is not spin's own user (spin runs as root); nil: spin's.
    public var qemuUser: QemuUser?
    /// Every host file qemu opens, and how.
    public var files: [LaunchFile]
    /// The virtiofsd daemons of the VM's shared folders, started before qemu, as spin's user.
    public var fileShareDaemons: [QemuVirtiofsd] = []
    /// The tap devices of the VM's NICs on managed networks, made (as root) before qemu starts.
    public var taps: [LaunchTap] = []
    /// The NICs on external bridges that qemu joins through its setuid bridge helper (spin
    /// is not root), checked before qemu starts (``BridgeHelperCheck``).
    public var bridges: [QemuBridgeNIC] = []

    /// `paths` in a Codable form.
    public struct RuntimePathsRecord: Sendable, Equatable, Codable {
        public var vmDirectory: String
        public var runtimeDirectory: String
        public var qmpSocket: String
        public var serialSocket: String
        public var vncSocket: String
        public var serialLog: String
    }
}

/// Builds ``LaunchPlan``s from the registry's VM and the host facts (accelerator, sandbox),
/// which come from the root's cache (``HostFactsCache``) and are probed only when they change.
public struct LaunchPlanner: Sendable {
    /// The data root.
    public let root: SpinRoot
    /// The qemu binaries.
    public let binary: QemuBinary
    /// How accelerators are chosen.
    public let probe: AcceleratorProbe
    /// The host facts: accelerator choice, sandbox support, qemu version.
    public let facts: HostFactsCache
    /// The user qemu runs as when spin is root (``QemuUser/resolve(name:)``); nil:
    /// ``QemuUser/defaultName``. Looked up at each plan, so a user made later is found.
    public let qemuUserName: String?
    /// qemu's setuid bridge helper, for NICs on external bridges when spin is not root.
    public let bridgeHelper: String

    /// Creates a planner.
    /// - Parameter facts: the host facts; nil keeps them in this process only.
    public init(root: SpinRoot, binary: QemuBinary, probe: AcceleratorProbe = AcceleratorProbe(), facts: HostFactsCache? = nil, qemuUserName: String? = nil,
                bridgeHelper: String = QemuBridgeNIC.defaultHelper) {
        self.root = root
        self.bridgeHelper = bridgeHelper
        self.qemuUserName = qemuUserName
        self.binary = binary
        self.probe = probe
        self.facts = facts ?? HostFactsCache(root: nil, writes: false, binary: binary, probe: probe)
    }

    /// The plan for `vm`, resolving its disks' paths through `volumes`.
    /// - Throws: ``SpinError`` when a disk's volume is unknown or qemu would reject the setup.
    ///
    /// With `daemonize` (the direct supervisor) qemu forks into the background, writes a
    /// pidfile, and stays alive when the guest powers off (`-no-shutdown`) so spin can tell a
    /// power-off from a crash; without it (systemd) qemu runs in the foreground and exits.
    public func plan(for vm: VM, volumes: [String: Volume], images: [String: Image] = [:], networks: [String: Network] = [:], daemonize: Bool = false) async throws -> LaunchPlan {
        let paths = RuntimePaths(root: root, vmID: vm.id)
        let requested = vm.accelerator.flatMap(Accelerator.init(rawValue:)) ?? .auto
        let user = try QemuUser.resolve(name: qemuUserName)
        let qemuUser = user.isOtherUser ? user : nil
        var choice = facts.acceleratorChoice(requested, fresh: true)
        if choice.accelerator == .kvm, let qemuUser,
            QemuFileAccess.firstDenied([.init(what: "KVM device", path: probe.kvmDevicePath, need: .readWrite)], as: qemuUser) != nil
        {
            if requested == .kvm {
                throw SpinError(.failedPrecondition, "VM \(vm.name) asks for KVM, but qemu runs as \(qemuUser.name), which cannot open \(probe.kvmDevicePath); add it to the device's group (usermod -aG kvm \(qemuUser.name)) or use --accel tcg")
            }
            choice = .init(accelerator: .tcg, reason: "KVM works here, but the qemu user \(qemuUser.name) cannot open \(probe.kvmDevicePath) (usermod -aG kvm \(qemuUser.name) fixes it); using TCG")
        }
        var config = QemuConfiguration(name: vm.name, accelerator: choice.accelerator, cpuCount: vm.cpus, memoryMiB: vm.memoryMiB)
        var files: [LaunchFile] = []
        for attachment in vm.storage {
            switch attachment {
            case .disk(let volumeName, let imageName):
                guard let volume = volumes[volumeName] else {
                    throw SpinError(.notFound, "VM \(vm.name) uses volume \"\(volumeName)\", which does not exist; create it with spin volume create \(volumeName) PATH")
                }
                let format = images["\(volumeName)/\(imageName)"]?.format ?? .qcow2
                config.disks.append(QemuDisk(path: volume.path + "/" + imageName, format: format == .raw ? .raw : .qcow2))
                files.append(LaunchFile(what: LaunchFile.diskImage, path: volume.path + "/" + imageName, access: .readWrite, granted: true))
                if let base = images["\(volumeName)/\(imageName)"]?.backingImage {
                    // qemu opens an overlay's base itself, read-only, through the backing chain.
                    files.append(LaunchFile(what: LaunchFile.baseImage, path: volume.path + "/" + base, access: .read, granted: true))
                }
            case .cdrom(let path):
                config.cdroms.append(QemuCDROM(path: path))
                files.append(LaunchFile(what: "CD-ROM", path: path, access: .read, granted: false))
            }
        }
        if let kernel = vm.kernel {
            config.directBoot = QemuDirectBoot(kernel: kernel.kernel, initrd: kernel.initrd, append: kernel.append)
            files.append(LaunchFile(what: "kernel", path: kernel.kernel, access: .read, granted: false))
            if let initrd = kernel.initrd { files.append(LaunchFile(what: "initrd", path: initrd, access: .read, granted: false)) }
        } else if !config.cdroms.isEmpty {
            config.bootOrder = [.cdrom, .disk]
        }
        if vm.firmware == .uefi {
            let ovmf = try OVMFFirmware.locate()
            config.firmware = QemuFirmware(codePath: ovmf.code, variablesPath: paths.efiVariables)
            files.append(LaunchFile(what: "UEFI firmware", path: ovmf.code, access: .read, granted: false))
            // Made from OVMF's template by the emulation agent beside the config.
            files.append(LaunchFile(what: LaunchFile.efiVariables, path: paths.efiVariables, access: .readWrite, granted: true))
        }
        let daemons = try fileShareDaemons(for: vm, paths: paths, qemuUser: qemuUser)
        config.fileShares = daemons.enumerated().map { QemuFileShare(tag: SharedFolder.tag(index: $0.offset), socketPath: $0.element.socketPath) }
        config.network = QemuNetwork(forwards: vm.ports.map {
            QemuPortForward(transport: $0.protocol == .udp ? .udp : .tcp, hostAddress: $0.hostAddress, hostPort: $0.hostPort, guestPort: $0.guestPort)
        }, macAddress: vm.macAddress)
        let taps = try taps(for: vm, networks: networks)
        config.taps = taps.map { QemuTap(ifname: $0.name, macAddress: $0.macAddress) }
        config.bridges = try bridgeNICs(for: vm, networks: networks)
        if !taps.isEmpty {
            files.append(LaunchFile(what: LaunchFile.tunDevice, path: Self.tunDevice, access: .readWrite, granted: qemuUser != nil))
        }
        if vm.cloudInit != nil {
            // Written by the emulation agent beside the config (``CloudInitSeedWriter``).
            config.seed = QemuSeedImage(path: paths.seedImage)
            files.append(LaunchFile(what: LaunchFile.seedImage, path: paths.seedImage, access: .read, granted: true))
        }
        config.guestAgent = QemuGuestAgentChannel(socketPath: paths.guestAgentSocket)
        config.serial = QemuSerial(socketPath: paths.serialSocket, logPath: paths.serialLog)
        files.append(LaunchFile(what: LaunchFile.serialLog, path: paths.serialLog, access: .readWrite, granted: true))
        config.qmpSocketPath = paths.qmpSocket
        config.vncSocketPath = paths.vncSocket
        config.noReboot = vm.kernel != nil
        // The seccomp sandbox sets no_new_privs, under which the setuid helper cannot act.
        config.sandbox = config.bridges.isEmpty ? await facts.sandboxSupported() : false
        if daemonize {
            config.daemonize = true
            config.pidFilePath = paths.pidFile
            config.extraArguments = ["-no-shutdown"]
        }
        let arguments: [String]
        do {
            arguments = try config.arguments()
        } catch {
            throw SpinError(.invalidArgument, "VM \(vm.name) cannot be started: \(error)", cause: error)
        }
        return LaunchPlan(
            vmID: vm.id, name: vm.name, executable: binary.systemPath, arguments: arguments,
            accelerator: choice.accelerator.rawValue, acceleratorReason: choice.reason,
            stopTimeoutSeconds: vm.stopTimeoutSeconds, autostart: vm.autostart,
            paths: .init(vmDirectory: paths.vmDirectory, runtimeDirectory: paths.runtimeDirectory, qmpSocket: paths.qmpSocket,
                         serialSocket: paths.serialSocket, vncSocket: paths.vncSocket, serialLog: paths.serialLog),
            qemuUser: qemuUser, files: files, fileShareDaemons: daemons, taps: taps, bridges: config.bridges)
    }
}

extension LaunchPlan {
    private enum CodingKeys: String, CodingKey {
        case vmID, name, executable, arguments, accelerator, acceleratorReason, stopTimeoutSeconds, autostart, paths, qemuUser, files
        case fileShareDaemons, taps, bridges
    }

    /// Decodes a plan; `autostart`, `qemuUser`, `files` and `fileShareDaemons` may be absent (plans written before
    /// they existed).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            vmID: try c.decode(UInt64.self, forKey: .vmID), name: try c.decode(String.self, forKey: .name),
            executable: try c.decode(String.self, forKey: .executable), arguments: try c.decode([String].self, forKey: .arguments),
            accelerator: try c.decode(String.self, forKey: .accelerator),
            acceleratorReason: try c.decode(String.self, forKey: .acceleratorReason),
            stopTimeoutSeconds: try c.decode(Int.self, forKey: .stopTimeoutSeconds),
            autostart: try c.decodeIfPresent(Bool.self, forKey: .autostart) ?? false,
            paths: try c.decode(RuntimePathsRecord.self, forKey: .paths),
            qemuUser: try c.decodeIfPresent(QemuUser.self, forKey: .qemuUser),
            files: try c.decodeIfPresent([LaunchFile].self, forKey: .files) ?? [],
            fileShareDaemons: try c.decodeIfPresent([QemuVirtiofsd].self, forKey: .fileShareDaemons) ?? [],
            taps: try c.decodeIfPresent([LaunchTap].self, forKey: .taps) ?? [],
            bridges: try c.decodeIfPresent([QemuBridgeNIC].self, forKey: .bridges) ?? [])
    }
}
