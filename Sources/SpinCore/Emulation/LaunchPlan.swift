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

/// Builds ``LaunchPlan``s: the host facts (binary, accelerator, sandbox) are probed once.
public struct LaunchPlanner: Sendable {
    /// The data root.
    public let root: SpinRoot
    /// The qemu binaries.
    public let binary: QemuBinary
    /// How accelerators are chosen.
    public let probe: AcceleratorProbe
    /// Whether qemu's seccomp sandbox is available.
    public let sandbox: Bool
    /// The probe's recent answers, for status reports of VMs that have not started.
    public let recentChoice: RecentAcceleratorChoice

    /// Creates a planner.
    public init(root: SpinRoot, binary: QemuBinary, probe: AcceleratorProbe = AcceleratorProbe(), sandbox: Bool) {
        self.root = root
        self.binary = binary
        self.probe = probe
        self.sandbox = sandbox
        self.recentChoice = RecentAcceleratorChoice(probe: probe)
    }

    /// The plan for `vm`, resolving its disks' paths through `volumes`.
    /// - Throws: ``SpinError`` when a disk's volume is unknown or qemu would reject the setup.
    ///
    /// With `daemonize` (the direct supervisor) qemu forks into the background, writes a
    /// pidfile, and stays alive when the guest powers off (`-no-shutdown`) so spin can tell a
    /// power-off from a crash; without it (systemd) qemu runs in the foreground and exits.
    public func plan(for vm: VM, volumes: [String: Volume], images: [String: Image] = [:], daemonize: Bool = false) throws -> LaunchPlan {
        let paths = RuntimePaths(root: root, vmID: vm.id)
        let requested = vm.accelerator.flatMap(Accelerator.init(rawValue:)) ?? .auto
        let choice = probe.choose(requested)
        var config = QemuConfiguration(name: vm.name, accelerator: choice.accelerator, cpuCount: vm.cpus, memoryMiB: vm.memoryMiB)
        for attachment in vm.storage {
            switch attachment {
            case .disk(let volumeName, let imageName):
                guard let volume = volumes[volumeName] else {
                    throw SpinError(.notFound, "VM \(vm.name) uses volume \"\(volumeName)\", which does not exist; create it with spin volume create \(volumeName) PATH")
                }
                let format = images["\(volumeName)/\(imageName)"]?.format ?? .qcow2
                config.disks.append(QemuDisk(path: volume.path + "/" + imageName, format: format == .raw ? .raw : .qcow2))
            case .cdrom(let path):
                config.cdroms.append(QemuCDROM(path: path))
            }
        }
        if let kernel = vm.kernel {
            config.directBoot = QemuDirectBoot(kernel: kernel.kernel, initrd: kernel.initrd, append: kernel.append)
        } else if !config.cdroms.isEmpty {
            config.bootOrder = [.cdrom, .disk]
        }
        config.network = QemuNetwork(forwards: vm.ports.map {
            QemuPortForward(transport: $0.protocol == .udp ? .udp : .tcp, hostAddress: $0.hostAddress, hostPort: $0.hostPort, guestPort: $0.guestPort)
        })
        config.serial = QemuSerial(socketPath: paths.serialSocket, logPath: paths.serialLog)
        config.qmpSocketPath = paths.qmpSocket
        config.vncSocketPath = paths.vncSocket
        config.noReboot = vm.kernel != nil
        config.sandbox = sandbox
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
                         serialSocket: paths.serialSocket, vncSocket: paths.vncSocket, serialLog: paths.serialLog))
    }
}

extension LaunchPlan {
    private enum CodingKeys: String, CodingKey {
        case vmID, name, executable, arguments, accelerator, acceleratorReason, stopTimeoutSeconds, autostart, paths
    }

    /// Decodes a plan; `autostart` may be absent (plans written before it existed).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            vmID: try c.decode(UInt64.self, forKey: .vmID), name: try c.decode(String.self, forKey: .name),
            executable: try c.decode(String.self, forKey: .executable), arguments: try c.decode([String].self, forKey: .arguments),
            accelerator: try c.decode(String.self, forKey: .accelerator),
            acceleratorReason: try c.decode(String.self, forKey: .acceleratorReason),
            stopTimeoutSeconds: try c.decode(Int.self, forKey: .stopTimeoutSeconds),
            autostart: try c.decodeIfPresent(Bool.self, forKey: .autostart) ?? false,
            paths: try c.decode(RuntimePathsRecord.self, forKey: .paths))
    }
}
