import Foundation

extension Spin {
    /// Creates a VM: records it with its new images in one transaction, creates the image
    /// files, then writes its supervisor config — the seed's package. If any step fails,
    /// nothing is left behind: no record, no image, no unit.
    ///
    /// A spec with cloud-init settings gets an instance id, the data root's SSH public key
    /// (``SSHKeyPair``, made at first use) and, unless it forwards guest port 22 already, a
    /// forward from a free 127.0.0.1 port to it (``SSHPortPicker``).
    @discardableResult
    public func createVM(_ request: VMSpec) async throws -> VM {
        if options.allowedPaths != nil {
            // Bad input is a 400 before a path outside the allowed roots is a 403.
            try ValidationProblem.check(request.validate())
            try confineHostPaths(storage: request.storage, kernel: request.kernel, mounts: request.mounts)
        }
        if request.cloudInit != nil { try ValidationProblem.check(request.validate()) }
        let spec = try await withCloudInitDefaults(request)
        // Everything the commands need is read first: inside the write transaction only the
        // new VM's id is new.
        var imageCommands: [CommandDraft] = []
        for new in spec.newImages {
            let volume = try await registry.volume(new.volume)
            imageCommands.append(try await createImageCommand(Image(new), volumePath: volume.path))
        }
        // The networks are read first too (an unknown one is refused before anything is recorded).
        var networks: [Network] = []
        for nic in spec.networks { networks.append(try await registry.network(nic.network)) }
        let onNetworks = networks
        let (vm, package) = try await withSSHPort(spec) { spec in
            try await controlPlane.createVM(spec) { [imageCommands] vm in
                let config = try CommandDraft(WriteConfigAction.self, .init(vmID: vm.id), dependencies: imageCommands.map(\.id))
                let hosts = try onNetworks.map { try CommandDraft(SyncNetworkHostsAction.self, .init($0), dependencies: [config.id]) }
                return imageCommands + [config] + hosts
            }
        }
        do {
            try await finish(package: package, late: LateOutcome(failed: { await self.rollBackCreation(vm, newImages: spec.newImages) }))
        } catch where Self.mayUndo(after: error) {
            await rollBackCreation(vm, newImages: spec.newImages)
            throw error
        }
        return vm
    }

    func rollBackCreation(_ vm: VM, newImages: [ImageSpec]) async {
        var cleanup: [CommandDraft] = []
        for new in newImages {
            if let volume = try? await StoreOutage.retrying({ try await registry.volume(new.volume) }),
                let command = try? CommandDraft(DeleteImageAction.self, .init(volumePath: volume.path, image: new.name))
            {
                cleanup.append(command)
            }
        }
        if let command = try? CommandDraft(RemoveConfigAction.self, .init(vmID: vm.id)) { cleanup.append(command) }
        _ = try? await StoreOutage.retrying { try await run(cleanup) }
        _ = try? await StoreOutage.retrying { try await registry.deleteVM(String(vm.id)) }
        for new in newImages { _ = try? await StoreOutage.retrying { try await registry.deleteImage(volume: new.volume, name: new.name) } }
    }

    /// One VM by id or name.
    public func vm(_ ref: String) async throws -> VM { try await registry.vm(ref) }

    /// Every VM, by id.
    public func listVMs() async throws -> [VM] { try await registry.listVMs() }

    /// Changes a VM's settings and rewrites its config; the change applies at the next start.
    @discardableResult
    ///
    /// `change` may run more than once (a store retries a write that lost a race), so it must
    /// only change the value it is given.
    public func updateVM(_ ref: String, _ change: @escaping @Sendable (inout VM) throws -> Void) async throws -> VM {
        let before = try await registry.vm(ref)
        let confined = options.allowedPaths != nil
        let after = try await registry.updateVM(ref) { [self] vm in
            let previous = vm
            try change(&vm)
            // Settings without an instance id keep the VM's (a new one would rerun cloud-init).
            if vm.cloudInit != nil, vm.cloudInit?.instanceID == nil {
                vm.cloudInit?.instanceID = previous.cloudInit?.instanceID ?? CloudInit.newInstanceID()
            }
            // Inside the transaction: a refused path leaves the record as it was.
            if confined {
                try ValidationProblem.check(vm.validate())
                try confineHostPaths(storage: vm.storage, kernel: vm.kernel, mounts: vm.mounts, previous: previous)
            }
        }
        let undo: @Sendable () async -> Void = { [registry] in _ = try? await registry.updateVM(String(before.id)) { $0 = before } }
        // The reservations of every network the VM left or joined.
        let touched = Set(before.networks.map(\.network) + after.networks.map(\.network))
        var hosts: [CommandDraft] = []
        if after.networks != before.networks {
            for name in touched.sorted() {
                guard let network = try? await registry.network(name) else { continue }
                hosts.append(try CommandDraft(SyncNetworkHostsAction.self, NetworkActionParameters(network)))
            }
        }
        do {
            try await run([CommandDraft(WriteConfigAction.self, .init(vmID: after.id))] + hosts, late: LateOutcome(failed: undo))
        } catch where Self.mayUndo(after: error) {
            await undo()
            throw error
        }
        return after
    }

    /// Stops a VM (a running one is powered off first, forced after its stop timeout), removes
    /// its config and runtime files, forgets its record, then deletes its disk images — in that
    /// order, as one durable package, so whatever process dies halfway, no VM record names a
    /// deleted disk and the package still finishes.
    public func deleteVM(_ ref: String) async throws {
        let vm = try await registry.vm(ref)
        let stop = try CommandDraft(StopAction.self, .init(vmID: vm.id))
        let remove = try CommandDraft(RemoveConfigAction.self, .init(vmID: vm.id), dependencies: [stop.id])
        let forget = try CommandDraft(ForgetVMAction.self, .init(vmID: vm.id), dependencies: [remove.id])
        var commands = [stop, remove, forget]
        for case .disk(let volumeName, let imageName) in vm.storage {
            let path = try await registry.volume(volumeName).path
            let delete = try CommandDraft(DeleteImageAction.self, .init(volumePath: path, image: imageName), dependencies: [forget.id])
            commands.append(delete)
            commands.append(try CommandDraft(ForgetImageAction.self, .init(volume: volumeName, image: imageName), dependencies: [delete.id]))
        }
        for nic in vm.networks {
            guard let network = try? await registry.network(nic.network) else { continue }
            commands.append(try CommandDraft(SyncNetworkHostsAction.self, .init(network), dependencies: [forget.id]))
        }
        try await run(commands)
    }

    /// Attaches a cdrom or a disk (creating the image when `newImage` is given).
    @discardableResult
    public func attachStorage(vm ref: String, _ attachment: StorageAttachment, newImage: ImageSpec? = nil) async throws -> VM {
        // A rule across two fields of the request: a clash (409), like the VM spec's.
        if let newImage, newImage.attachment != attachment {
            throw SpinError(.conflict, "the new image \(quoted(newImage.name)) of volume \(quoted(newImage.volume)) is not the attached disk; attach {\"kind\":\"disk\",\"volume\":\(quoted(newImage.volume)),\"image\":\(quoted(newImage.name))}")
        }
        if options.allowedPaths != nil, attachment.isCDROM {
            try ValidationProblem.check(attachment.validate())
            try confineHostPaths(storage: [attachment], kernel: nil)
        }
        let updated = try await registry.attachStorage(vm: ref, attachment, newImage: newImage)
        let undo: @Sendable () async -> Void = { [registry] in
            if let index = updated.storage.lastIndex(of: attachment) {
                _ = try? await registry.detachStorage(vm: String(updated.id), index: index)
            }
            if let newImage { _ = try? await registry.deleteImage(volume: newImage.volume, name: newImage.name) }
        }
        var commands: [CommandDraft] = []
        do {
            if let newImage { commands.append(try await createImageCommand(try await registry.image(volume: newImage.volume, name: newImage.name))) }
            commands.append(try CommandDraft(WriteConfigAction.self, .init(vmID: updated.id), dependencies: commands.map(\.id)))
            try await run(commands, late: LateOutcome(failed: undo))
        } catch where Self.mayUndo(after: error) {
            await undo()
            throw error
        }
        return updated
    }

    /// Detaches the storage at `index` (the image file stays; delete it separately). Refused
    /// while the VM's qemu runs: it has the drive open.
    @discardableResult
    public func detachStorage(vm ref: String, index: Int) async throws -> VM {
        let id = try await registry.vm(ref).id
        let updated = try await emulation.lock(id).withLock {
            let state = try await emulation.status(id).state
            guard state == .stopped || state == .crashed else {
                throw SpinError(.failedPrecondition, "VM \(id) is \(state.rawValue) and its qemu has the drive open; stop it first with spin stop \(id), then detach")
            }
            return try await registry.detachStorage(vm: String(id), index: index)
        }
        try await run([CommandDraft(WriteConfigAction.self, .init(vmID: updated.id))])
        return updated
    }
}
