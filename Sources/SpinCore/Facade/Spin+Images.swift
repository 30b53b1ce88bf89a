import Foundation
import SpinQemu

extension Spin {
    /// Records an image and creates its file with qemu-img; on failure nothing stays recorded.
    /// When the wait times out the record stays while the package runs, and goes if it fails.
    @discardableResult
    public func createImage(_ spec: ImageSpec) async throws -> Image {
        let image = try await registry.createImage(spec, base: false)
        let undo: @Sendable () async -> Void = { [registry] in _ = try? await registry.deleteImage(volume: spec.volume, name: spec.name) }
        do {
            try await run([createImageCommand(image)], late: LateOutcome(failed: undo))
        } catch where Self.mayUndo(after: error) {
            await undo()
            throw error
        }
        return image
    }

    /// The images of one volume, or of every volume when `volume` is nil.
    public func listImages(volume: String? = nil) async throws -> [Image] {
        if let volume {
            _ = try await registry.volume(volume)
            return try await registry.listImages(volume: volume)
        }
        return try await registry.listAllImages()
    }

    /// One image.
    public func image(volume: String, name: String) async throws -> Image { try await registry.image(volume: volume, name: name) }

    /// Deletes an image's file and record; refuses one attached to a VM, and a base while
    /// overlays use it (naming them).
    ///
    /// A base's record goes first, in a transaction that checks again that no overlay uses it,
    /// then its file, in one package: a `vm create --from` racing the deletion either recorded
    /// its overlay before (and the deletion is refused) or no longer finds the base.
    public func deleteImage(volume: String, name: String) async throws {
        let image = try await registry.image(volume: volume, name: name)
        if let vm = image.attachedTo {
            throw SpinError(.failedPrecondition, "image \"\(name)\" is attached to VM \(vm); detach it with spin vm image detach \(vm) INDEX first")
        }
        let path = try await registry.volume(volume).path
        if image.base {
            try await registry.requireNoOverlays(volume: volume, name: name, verb: "deleted")
            let forget = try CommandDraft(ForgetImageAction.self, .init(volume: volume, image: name))
            let delete = try CommandDraft(DeleteImageAction.self, .init(volumePath: path, image: name), dependencies: [forget.id])
            try await run([forget, delete])
            return
        }
        let forget: @Sendable () async -> Void = { [registry] in _ = try? await registry.deleteImage(volume: volume, name: name) }
        try await run([CommandDraft(DeleteImageAction.self, .init(volumePath: path, image: name))], late: LateOutcome(succeeded: forget))
        _ = try await registry.deleteImage(volume: volume, name: name)
    }

    /// Copies an image into a new image (possibly in another volume and format).
    @discardableResult
    public func copyImage(volume: String, name: String, toVolume: String, toName: String, format: ImageFormat? = nil) async throws -> Image {
        let source = try await registry.image(volume: volume, name: name)
        let sourcePath = try await registry.volume(volume).path
        let target = try await registry.createImage(ImageSpec(volume: toVolume, name: toName, sizeBytes: source.sizeBytes, format: format ?? source.format), base: false)
        let undo: @Sendable () async -> Void = { [registry] in _ = try? await registry.deleteImage(volume: toVolume, name: toName) }
        do {
            let targetPath = try await registry.volume(toVolume).path
            try await run([CommandDraft(CopyImageAction.self, .init(
                volumePath: sourcePath, image: name, targetVolumePath: targetPath, targetImage: toName,
                targetFormat: QemuDisk.Format(rawValue: target.format.rawValue), format: QemuDisk.Format(rawValue: source.format.rawValue)))],
                late: LateOutcome(failed: undo))
        } catch where Self.mayUndo(after: error) {
            await undo()
            throw error
        }
        return target
    }

    /// Grows an image (shrinking needs `force`).
    @discardableResult
    public func resizeImage(volume: String, name: String, sizeBytes: UInt64, force: Bool = false) async throws -> Image {
        guard (1...ImageSpec.maximumSizeBytes).contains(sizeBytes) else {
            throw SpinError(.invalidArgument, "sizeBytes \(sizeBytes) is out of range; give 1 to \(ImageSpec.maximumSizeBytes) (1 PiB)")
        }
        let image = try await registry.image(volume: volume, name: name)
        if image.base { try await registry.requireNoOverlays(volume: volume, name: name, verb: "resized") }
        if sizeBytes < image.sizeBytes && !force {
            throw SpinError(.failedPrecondition, "shrinking image \"\(name)\" from \(image.sizeBytes) to \(sizeBytes) bytes loses data; pass --force to do it anyway")
        }
        let path = try await registry.volume(volume).path
        let resized: @Sendable () async -> Void = { [registry] in _ = try? await registry.updateImage(volume: volume, name: name) { $0.sizeBytes = sizeBytes } }
        try await run(
            [CommandDraft(ResizeImageAction.self, .init(
                volumePath: path, image: name, sizeBytes: sizeBytes, force: force ? true : nil,
                format: QemuDisk.Format(rawValue: image.format.rawValue)))],
            late: LateOutcome(succeeded: resized))
        return try await registry.updateImage(volume: volume, name: name) { $0.sizeBytes = sizeBytes }
    }

    /// Moves an image to another volume or name; refuses one attached to a VM.
    @discardableResult
    public func moveImage(volume: String, name: String, toVolume: String, toName: String) async throws -> Image {
        let source = try await registry.image(volume: volume, name: name)
        if let vm = source.attachedTo {
            throw SpinError(.failedPrecondition, "image \"\(name)\" is attached to VM \(vm); detach it first")
        }
        if source.base { try await registry.requireNoOverlays(volume: volume, name: name, verb: "moved") }
        if let base = source.backingImage, toVolume != volume {
            throw SpinError(.failedPrecondition, "image \"\(name)\" is an overlay on \"\(base)\", which it names relative to volume \"\(volume)\", so it stays in that volume; copy it in full (spin image copy) to another volume instead")
        }
        let sourcePath = try await registry.volume(volume).path
        let targetPath = try await registry.volume(toVolume).path
        let target = try await registry.createImage(
            ImageSpec(volume: toVolume, name: toName, sizeBytes: source.sizeBytes, format: source.format, backingImage: source.backingImage),
            base: source.base)
        let undo: @Sendable () async -> Void = { [registry] in _ = try? await registry.deleteImage(volume: toVolume, name: toName) }
        let forgetSource: @Sendable () async -> Void = { [registry] in _ = try? await registry.deleteImage(volume: volume, name: name) }
        do {
            try await run(
                [CommandDraft(MoveImageAction.self, .init(
                    volumePath: sourcePath, image: name, targetVolumePath: targetPath, targetImage: toName,
                    format: QemuDisk.Format(rawValue: source.format.rawValue)))],
                late: LateOutcome(succeeded: forgetSource, failed: undo))
        } catch where Self.mayUndo(after: error) {
            await undo()
            throw error
        }
        _ = try await registry.deleteImage(volume: volume, name: name)
        return target
    }

    func createImageCommand(_ image: Image) async throws -> CommandDraft {
        try await createImageCommand(image, volumePath: registry.volume(image.volume).path)
    }

    func createImageCommand(_ image: Image, volumePath path: String) async throws -> CommandDraft {
        // An overlay's base is read as its recorded format (a base that is not there yet fails
        // when the registry records the overlay, with its own message).
        let backingFormat: ImageFormat? = if let backing = image.backingImage {
            try await registry.imageIfPresent(volume: image.volume, name: backing)?.format
        } else {
            nil
        }
        return try CommandDraft(CreateImageAction.self, .init(
            volumePath: path, image: image.name, sizeBytes: image.sizeBytes,
            format: QemuDisk.Format(rawValue: image.format.rawValue) ?? .qcow2,
            backingImage: image.backingImage, backingFormat: backingFormat.flatMap { QemuDisk.Format(rawValue: $0.rawValue) }))
    }
}
