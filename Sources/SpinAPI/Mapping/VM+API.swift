import Foundation
import SpinModel

extension Components.Schemas.Vm {
    /// The wire form of a VM, with its live status when known.
    public init(_ vm: VM, status: VMStatus? = nil, guest: GuestInfo? = nil) {
        self.init(
            id: Convert.signed(vm.id), name: vm.name, cpus: vm.cpus, memoryMiB: vm.memoryMiB,
            ports: vm.ports.map(Components.Schemas.PortForward.init), storage: vm.storage.map(Components.Schemas.StorageAttachment.init),
            kernel: vm.kernel.map(Components.Schemas.DirectBoot.init), labels: .init(additionalProperties: vm.labels),
            stopTimeoutSeconds: vm.stopTimeoutSeconds, accelerator: vm.accelerator, autostart: vm.autostart,
            cloudInit: vm.cloudInit.map(Components.Schemas.CloudInit.init),
            mounts: vm.mounts.isEmpty ? nil : vm.mounts.map(Components.Schemas.SharedFolder.init),
            firmware: vm.firmware == .bios ? nil : .init(vm.firmware), macAddress: vm.macAddress,
            networks: vm.networks.isEmpty ? nil : vm.networks.map(Components.Schemas.NetworkAttachment.init), createdAt: vm.createdAt,
            updatedAt: vm.updatedAt, status: status.map(Components.Schemas.VMStatus.init), guest: guest.map(Components.Schemas.GuestInfo.init))
    }

    /// The SDK's VM.
    public func model() throws -> VM {
        VM(
            id: try Convert.unsigned(id, field: "id"), name: name, cpus: cpus, memoryMiB: memoryMiB,
            ports: try ports.map { try $0.model() }, storage: try storage.map { try $0.model() },
            kernel: kernel?.model(), labels: labels.additionalProperties, stopTimeoutSeconds: stopTimeoutSeconds,
            accelerator: accelerator, autostart: autostart ?? false, cloudInit: cloudInit?.model(),
            mounts: (mounts ?? []).map { $0.model() }, firmware: firmware?.model() ?? .bios, createdAt: createdAt, updatedAt: updatedAt,
            macAddress: macAddress, networks: (networks ?? []).map { $0.model() })
    }
}

extension Components.Schemas.VMSpec {
    /// The wire form of a spec.
    public init(_ spec: VMSpec) {
        self.init(
            name: spec.name, cpus: spec.cpus, memoryMiB: spec.memoryMiB,
            ports: spec.ports.map(Components.Schemas.PortForward.init), storage: spec.storage.map(Components.Schemas.StorageAttachment.init),
            kernel: spec.kernel.map(Components.Schemas.DirectBoot.init), labels: .init(additionalProperties: spec.labels),
            stopTimeoutSeconds: spec.stopTimeoutSeconds, accelerator: spec.accelerator, autostart: spec.autostart,
            cloudInit: spec.cloudInit.map(Components.Schemas.CloudInit.init),
            mounts: spec.mounts.isEmpty ? nil : spec.mounts.map(Components.Schemas.SharedFolder.init),
            firmware: spec.firmware == .bios ? nil : .init(spec.firmware),
            networks: spec.networks.isEmpty ? nil : spec.networks.map(Components.Schemas.NetworkAttachment.init),
            newImages: spec.newImages.map(Components.Schemas.ImageSpec.init))
    }

    /// The SDK's spec, absent keys filled with the SDK's defaults.
    public func model() throws -> VMSpec {
        VMSpec(
            name: name, cpus: cpus ?? VMSpec.defaultCPUs, memoryMiB: memoryMiB ?? VMSpec.defaultMemoryMiB,
            ports: try (ports ?? []).map { try $0.model() }, storage: try (storage ?? []).map { try $0.model() },
            kernel: kernel?.model(), labels: labels?.additionalProperties ?? [:],
            stopTimeoutSeconds: stopTimeoutSeconds ?? VMSpec.defaultStopTimeoutSeconds, accelerator: accelerator,
            autostart: autostart ?? false, cloudInit: cloudInit?.model(), mounts: (mounts ?? []).map { $0.model() },
            firmware: firmware?.model() ?? .bios, newImages: try (newImages ?? []).map { try $0.model() },
            networks: (networks ?? []).map { $0.model() })
    }
}

extension Components.Schemas.VMUpdate {
    /// The changes that turn `before` into `after`: only the settings that differ.
    public init(from before: VM, to after: VM) {
        self.init()
        if after.name != before.name { name = after.name }
        if after.cpus != before.cpus { cpus = after.cpus }
        if after.memoryMiB != before.memoryMiB { memoryMiB = after.memoryMiB }
        if after.ports != before.ports { ports = after.ports.map(Components.Schemas.PortForward.init) }
        if after.kernel != before.kernel {
            if let kernel = after.kernel { self.kernel = .init(kernel) } else { removeKernel = true }
        }
        if after.labels != before.labels { labels = .init(additionalProperties: after.labels) }
        if after.stopTimeoutSeconds != before.stopTimeoutSeconds { stopTimeoutSeconds = after.stopTimeoutSeconds }
        if after.accelerator != before.accelerator { accelerator = after.accelerator }
        if after.autostart != before.autostart { autostart = after.autostart }
        if after.cloudInit != before.cloudInit {
            if let settings = after.cloudInit { cloudInit = .init(settings) } else { removeCloudInit = true }
        }
        if after.mounts != before.mounts { mounts = after.mounts.map(Components.Schemas.SharedFolder.init) }
        if after.firmware != before.firmware { firmware = .init(after.firmware) }
        if after.networks != before.networks { networks = after.networks.map(Components.Schemas.NetworkAttachment.init) }
    }

    /// Applies these changes to a VM record (the registry validates the result).
    public func apply(to vm: inout VM) throws {
        if let name { vm.name = name }
        if let cpus { vm.cpus = cpus }
        if let memoryMiB { vm.memoryMiB = memoryMiB }
        if let ports { vm.ports = try ports.map { try $0.model() } }
        if removeKernel == true { vm.kernel = nil }
        if let kernel { vm.kernel = kernel.model() }
        if let labels { vm.labels = labels.additionalProperties }
        if let stopTimeoutSeconds { vm.stopTimeoutSeconds = stopTimeoutSeconds }
        if let accelerator { vm.accelerator = accelerator }
        if let autostart { vm.autostart = autostart }
        if removeCloudInit == true { vm.cloudInit = nil }
        if let cloudInit {
            // Without an instance id the VM keeps its own (cloud-init would otherwise run again).
            var settings = cloudInit.model()
            if settings.instanceID == nil { settings.instanceID = vm.cloudInit?.instanceID ?? CloudInit.newInstanceID() }
            vm.cloudInit = settings
        }
        if let mounts { vm.mounts = mounts.map { $0.model() } }
        if let firmware { vm.firmware = firmware.model() }
        if let networks { vm.networks = networks.map { $0.model() } }
    }
}

extension Components.Schemas.SharedFolder {
    /// The wire form of a shared folder.
    public init(_ share: SharedFolder) {
        self.init(hostPath: share.hostPath, guestPath: share.guestPath, readOnly: share.readOnly)
    }

    /// The SDK's shared folder.
    public func model() -> SharedFolder {
        SharedFolder(hostPath: hostPath, guestPath: guestPath, readOnly: readOnly ?? false)
    }
}

extension Components.Schemas.Firmware {
    /// The wire form of a firmware.
    public init(_ firmware: Firmware) {
        switch firmware {
        case .bios: self = .bios
        case .uefi: self = .uefi
        }
    }

    /// The SDK's firmware.
    public func model() -> Firmware {
        switch self {
        case .bios: .bios
        case .uefi: .uefi
        }
    }
}
