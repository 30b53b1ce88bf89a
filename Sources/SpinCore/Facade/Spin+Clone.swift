import Foundation
import SpinQemu

extension Spin {
    /// Clones a stopped VM as `name`: a new record with the source's settings
    /// (``VM/cloneSpec(name:storage:newImages:)``: no port forwards but a new SSH forward for a
    /// cloud-init VM, a MAC address and cloud-init instance id of its own)
    /// and a copy of each disk in the same volume (``VM/cloneImageName(_:for:)``). A disk that
    /// is an overlay becomes a new overlay on the same base holding what the source wrote above
    /// it, so the cost follows the source's own data, not the base's size; with `full`, and
    /// for standalone disks, the disk is copied whole with `qemu-img convert`. CD-ROMs and the
    /// kernel are shared. The source's lock is held throughout, so it cannot start meanwhile;
    /// if a step fails nothing of the clone is left.
    /// - Throws: ``SpinError`` `.notFound`, `.failedPrecondition` when the source runs,
    ///   `.conflict` when the name or an image name is taken, `.invalidArgument` for a bad name.
    @discardableResult
    public func cloneVM(_ ref: String, name: String, full: Bool = false) async throws -> VM {
        let source = try await registry.vm(ref)
        return try await emulation.lock(source.id).withLock {
            let state = try await emulation.status(source.id).state
            guard state == .stopped || state == .crashed else {
                throw SpinError(.failedPrecondition, "VM \(source.id) (\(quoted(source.name))) is \(state.rawValue); stop it first with spin stop \(source.name), then clone it")
            }
            var storage: [StorageAttachment] = []
            var newImages: [ImageSpec] = []
            var copies: [CommandDraft] = []
            for attachment in source.storage {
                guard case .disk(let volume, let imageName) = attachment else {
                    storage.append(attachment)
                    continue
                }
                let image = try await registry.image(volume: volume, name: imageName)
                let overlay = !full && image.backingImage != nil
                let spec = ImageSpec(
                    volume: volume, name: source.cloneImageName(imageName, for: name), sizeBytes: image.sizeBytes,
                    format: overlay ? .qcow2 : image.format, backingImage: overlay ? image.backingImage : nil)
                let path = try await registry.volume(volume).path
                storage.append(spec.attachment)
                newImages.append(spec)
                copies.append(try CommandDraft(CopyImageAction.self, .init(
                    volumePath: path, image: imageName, targetVolumePath: path, targetImage: spec.name,
                    targetFormat: QemuDisk.Format(rawValue: spec.format.rawValue), format: QemuDisk.Format(rawValue: image.format.rawValue),
                    keepBacking: overlay ? true : nil)))
            }
            let spec = source.cloneSpec(name: name, storage: storage, newImages: newImages)
            let created = newImages
            let (vm, package) = try await withSSHPort(spec) { spec in
                try await controlPlane.createVM(spec) { [copies] vm in
                    let config = try CommandDraft(WriteConfigAction.self, .init(vmID: vm.id), dependencies: copies.map(\.id))
                    return copies + [config]
                }
            }
            do {
                try await finish(package: package, late: LateOutcome(failed: { await self.rollBackCreation(vm, newImages: created) }))
            } catch where Self.mayUndo(after: error) {
                await rollBackCreation(vm, newImages: created)
                throw error
            }
            return vm
        }
    }
}
