import Foundation

/// A virtual machine as the registry records it.
///
/// JSON keys: `id`, `name`, `cpus`, `memoryMiB`, `ports` (``PortForward``), `storage`
/// (``StorageAttachment``, index = position), `kernel` (``DirectBoot``, absent when the VM
/// boots from a drive), `labels`, `stopTimeoutSeconds`, `accelerator` (absent = auto),
/// `autostart` (absent = false), `cloudInit` (``CloudInit``, absent = no seed), `mounts`
/// (``SharedFolder``s, absent = none), `firmware` (absent = `bios`), `macAddress`
/// (absent in records made before it), `networks` (``NetworkAttachment``s on managed networks,
/// absent = none), `createdAt`, `updatedAt`.
public struct VM: Sendable, Codable, Equatable {
    /// The VM's id, handed out by the registry from a sequence; never reused.
    public var id: UInt64
    /// The VM's unique name: a letter, then letters, digits, `-` or `_` (at most 63).
    public var name: String
    /// Virtual CPUs, 1...255.
    public var cpus: Int
    /// Memory in MiB, at least 16.
    public var memoryMiB: Int
    /// Host ports forwarded to the guest.
    public var ports: [PortForward]
    /// Drives in order; an attachment's index is its position.
    public var storage: [StorageAttachment]
    /// Direct kernel boot, when set.
    public var kernel: DirectBoot?
    /// Free-form labels.
    public var labels: [String: String]
    /// Seconds a graceful shutdown may take before the VM is killed, 1...3600.
    public var stopTimeoutSeconds: Int
    /// `auto`, `kvm` or `tcg`; nil means `auto`.
    public var accelerator: String?
    /// Whether the VM starts by itself when the host (its systemd manager, or a direct-mode
    /// `spin-server`) starts.
    public var autostart: Bool
    /// The VM's cloud-init settings; nil: the VM gets no seed.
    public var cloudInit: CloudInit?
    /// Host directories shared with the guest (virtiofs).
    public var mounts: [SharedFolder]
    /// The firmware the VM boots with.
    public var firmware: Firmware
    /// The NIC's MAC address (`52:54:00:xx:xx:xx`), given by the registry when the VM is
    /// created (a clone gets its own); nil for VMs recorded before spin kept one (qemu's default).
    public var macAddress: String?
    /// NICs on managed networks, each with its MAC address and reserved IPv4 address (filled
    /// in by the registry), after the user-mode NIC.
    public var networks: [NetworkAttachment]
    /// When the VM was created.
    public var createdAt: Date
    /// When the VM was last changed.
    public var updatedAt: Date

    /// Creates a VM record.
    public init(
        id: UInt64, name: String, cpus: Int = VMSpec.defaultCPUs, memoryMiB: Int = VMSpec.defaultMemoryMiB,
        ports: [PortForward] = [], storage: [StorageAttachment] = [], kernel: DirectBoot? = nil,
        labels: [String: String] = [:], stopTimeoutSeconds: Int = VMSpec.defaultStopTimeoutSeconds,
        accelerator: String? = nil, autostart: Bool = false, cloudInit: CloudInit? = nil,
        mounts: [SharedFolder] = [], firmware: Firmware = .bios, createdAt: Date = Date(), updatedAt: Date? = nil,
        macAddress: String? = nil, networks: [NetworkAttachment] = []
    ) {
        self.id = id
        self.name = name
        self.cpus = cpus
        self.memoryMiB = memoryMiB
        self.ports = ports
        self.storage = storage
        self.kernel = kernel
        self.labels = labels
        self.stopTimeoutSeconds = stopTimeoutSeconds
        self.accelerator = accelerator
        self.autostart = autostart
        self.cloudInit = cloudInit
        self.mounts = mounts
        self.firmware = firmware
        self.macAddress = macAddress
        self.networks = networks
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    /// A VM with the settings of `spec` (its `newImages` are the registry's business).
    public init(id: UInt64, spec: VMSpec, createdAt: Date = Date()) {
        self.init(
            id: id, name: spec.name, cpus: spec.cpus, memoryMiB: spec.memoryMiB, ports: spec.ports,
            storage: spec.storage, kernel: spec.kernel, labels: spec.labels,
            stopTimeoutSeconds: spec.stopTimeoutSeconds, accelerator: spec.accelerator, autostart: spec.autostart,
            cloudInit: spec.cloudInit, mounts: spec.mounts, firmware: spec.firmware, createdAt: createdAt,
            networks: spec.networks)
    }

    /// Every problem with this VM, each naming its field and the fix.
    public func validate() -> [ValidationProblem] {
        var validator = Validator()
        validator.vmFields(
            name: name, cpus: cpus, memoryMiB: memoryMiB, ports: ports, storage: storage, kernel: kernel,
            labels: labels, stopTimeoutSeconds: stopTimeoutSeconds, accelerator: accelerator, cloudInit: cloudInit,
            mounts: mounts, networks: networks)
        if let macAddress, !Self.isMACAddress(macAddress) {
            validator.add("macAddress", "\(quoted(macAddress)) is not a unicast MAC address; give six lower-case hex pairs such as 52:54:00:12:34:56")
        }
        return validator.problems
    }

    /// The disks of the VM as (volume, image) pairs, in storage order.
    public var disks: [(volume: String, image: String)] {
        storage.compactMap { attachment in
            guard case .disk(let volume, let image) = attachment else { return nil }
            return (volume, image)
        }
    }
}

extension VM {
    private enum CodingKeys: String, CodingKey {
        case id, name, cpus, memoryMiB, ports, storage, kernel, labels, stopTimeoutSeconds, accelerator, autostart
        case cloudInit, mounts, firmware, macAddress, networks, createdAt, updatedAt
    }

    /// Decodes a VM; `autostart`, `cloudInit`, `mounts`, `firmware` and `macAddress` may be absent (records written
    /// before they existed).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(UInt64.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
            cpus: try c.decode(Int.self, forKey: .cpus), memoryMiB: try c.decode(Int.self, forKey: .memoryMiB),
            ports: try c.decode([PortForward].self, forKey: .ports),
            storage: try c.decode([StorageAttachment].self, forKey: .storage),
            kernel: try c.decodeIfPresent(DirectBoot.self, forKey: .kernel),
            labels: try c.decode([String: String].self, forKey: .labels),
            stopTimeoutSeconds: try c.decode(Int.self, forKey: .stopTimeoutSeconds),
            accelerator: try c.decodeIfPresent(String.self, forKey: .accelerator),
            autostart: try c.decodeIfPresent(Bool.self, forKey: .autostart) ?? false,
            cloudInit: try c.decodeIfPresent(CloudInit.self, forKey: .cloudInit),
            mounts: try c.decodeIfPresent([SharedFolder].self, forKey: .mounts) ?? [],
            firmware: try c.decodeIfPresent(Firmware.self, forKey: .firmware) ?? .bios,
            createdAt: try c.decode(Date.self, forKey: .createdAt), updatedAt: try c.decode(Date.self, forKey: .updatedAt),
            macAddress: try c.decodeIfPresent(String.self, forKey: .macAddress),
            networks: try c.decodeIfPresent([NetworkAttachment].self, forKey: .networks) ?? [])
    }
}
