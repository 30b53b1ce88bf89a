/// What a caller gives to create a VM: every setting, with defaults, plus the images to
/// create for it.
///
/// JSON keys: `name`, `cpus` (default 1), `memoryMiB` (default 512), `ports`, `storage`,
/// `kernel`, `labels`, `stopTimeoutSeconds` (default 30), `accelerator`, `autostart` (default
/// false), `cloudInit` (``CloudInit``: give the VM a cloud-init seed, an SSH key pair's key and
/// an SSH port forward), `mounts` (``SharedFolder``s), `firmware` (`bios`, the default, or
/// `uefi`), `networks` (``NetworkAttachment``s: managed networks by name), `newImages`; every
/// key but `name` may be left out.
public struct VMSpec: Sendable, Codable, Equatable {
    /// The VM's unique name.
    public var name: String
    /// Virtual CPUs, 1...255.
    public var cpus: Int
    /// Memory in MiB, at least 16.
    public var memoryMiB: Int
    /// Host ports forwarded to the guest.
    public var ports: [PortForward]
    /// Drives in order; an index is a position.
    public var storage: [StorageAttachment]
    /// Direct kernel boot, when set.
    public var kernel: DirectBoot?
    /// Free-form labels.
    public var labels: [String: String]
    /// Seconds a graceful shutdown may take before the VM is killed, 1...3600.
    public var stopTimeoutSeconds: Int
    /// `auto`, `kvm` or `tcg`; nil means `auto`.
    public var accelerator: String?
    /// Whether the VM starts when the host (its systemd manager or a direct-mode server) starts.
    public var autostart: Bool
    /// cloud-init settings: the VM gets a seed (and the data root's SSH key and a forward of a
    /// free 127.0.0.1 port to its port 22, unless `ports` forwards 22 already). nil: no seed.
    public var cloudInit: CloudInit?
    /// Host directories shared with the guest (virtiofs), at most ``SharedFolder/maxPerVM``.
    public var mounts: [SharedFolder]
    /// The firmware the VM boots with.
    public var firmware: Firmware
    /// Managed networks to attach a NIC to (by name; an address may be asked for).
    public var networks: [NetworkAttachment]
    /// Images to create together with the VM. Each must also appear in ``storage`` as a disk.
    public var newImages: [ImageSpec]

    /// The default number of CPUs.
    public static let defaultCPUs = 1
    /// The default memory in MiB.
    public static let defaultMemoryMiB = 512
    /// The default stop timeout in seconds.
    public static let defaultStopTimeoutSeconds = 30

    /// Creates a spec.
    public init(
        name: String, cpus: Int = defaultCPUs, memoryMiB: Int = defaultMemoryMiB, ports: [PortForward] = [],
        storage: [StorageAttachment] = [], kernel: DirectBoot? = nil, labels: [String: String] = [:],
        stopTimeoutSeconds: Int = defaultStopTimeoutSeconds, accelerator: String? = nil, autostart: Bool = false,
        cloudInit: CloudInit? = nil, mounts: [SharedFolder] = [], firmware: Firmware = .bios, newImages: [ImageSpec] = [],
        networks: [NetworkAttachment] = []
    ) {
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
        self.newImages = newImages
        self.networks = networks
    }

    /// Every problem with this spec, each naming its field and the fix.
    public func validate() -> [ValidationProblem] {
        var validator = Validator()
        validator.vmFields(
            name: name, cpus: cpus, memoryMiB: memoryMiB, ports: ports, storage: storage, kernel: kernel,
            labels: labels, stopTimeoutSeconds: stopTimeoutSeconds, accelerator: accelerator, cloudInit: cloudInit,
            mounts: mounts, networks: networks)
        validator.count(newImages.count, at: Validator.maxDrives, field: "newImages")
        for (index, image) in newImages.enumerated() {
            validator.merge(image.validate(), prefix: "newImages[\(index)].")
            if newImages[..<index].contains(where: { $0.volume == image.volume && $0.name == image.name }) {
                validator.conflict("newImages[\(index)]", "creates image \(quoted(image.name)) in volume \(quoted(image.volume)) twice; give it once")
            } else if !storage.contains(image.attachment) {
                validator.conflict("newImages[\(index)]", "image \(quoted(image.name)) of volume \(quoted(image.volume)) is not in storage; add it as a disk or drop it")
            }
        }
        return validator.problems
    }
}

extension VMSpec {
    private enum CodingKeys: String, CodingKey {
        case name, cpus, memoryMiB, ports, storage, kernel, labels, stopTimeoutSeconds, accelerator, autostart, cloudInit, mounts, firmware, newImages, networks
    }

    /// Decodes a spec, filling absent keys with the defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name),
            cpus: try c.decodeIfPresent(Int.self, forKey: .cpus) ?? Self.defaultCPUs,
            memoryMiB: try c.decodeIfPresent(Int.self, forKey: .memoryMiB) ?? Self.defaultMemoryMiB,
            ports: try c.decodeIfPresent([PortForward].self, forKey: .ports) ?? [],
            storage: try c.decodeIfPresent([StorageAttachment].self, forKey: .storage) ?? [],
            kernel: try c.decodeIfPresent(DirectBoot.self, forKey: .kernel),
            labels: try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:],
            stopTimeoutSeconds: try c.decodeIfPresent(Int.self, forKey: .stopTimeoutSeconds) ?? Self.defaultStopTimeoutSeconds,
            accelerator: try c.decodeIfPresent(String.self, forKey: .accelerator),
            autostart: try c.decodeIfPresent(Bool.self, forKey: .autostart) ?? false,
            cloudInit: try c.decodeIfPresent(CloudInit.self, forKey: .cloudInit),
            mounts: try c.decodeIfPresent([SharedFolder].self, forKey: .mounts) ?? [],
            firmware: try c.decodeIfPresent(Firmware.self, forKey: .firmware) ?? .bios,
            newImages: try c.decodeIfPresent([ImageSpec].self, forKey: .newImages) ?? [],
            networks: try c.decodeIfPresent([NetworkAttachment].self, forKey: .networks) ?? [])
    }
}
