import Foundation
import SpinQemu

extension Spin {
    /// Records a volume and creates its directory. `path` nil puts it under the root's
    /// `images/<name>`. Nothing is recorded when the directory cannot be made.
    @discardableResult
    public func createVolume(name: String, path: String? = nil) async throws -> Volume {
        let directory = path ?? root.imagesPath + "/" + name
        // As written, before normalizing: the registry keeps at most 480 bytes, and 120
        // characters are that many whatever they are (the OpenAPI document's maxLength).
        if let path, path.unicodeScalars.count > Volume.maxPathCharacters {
            throw SpinError(.invalidArgument, "path is \(path.unicodeScalars.count) characters long; give a volume directory of at most \(Volume.maxPathCharacters) characters")
        }
        // A directory the caller names must be inside the allowed roots (the default one is
        // the server's own choice, under the root).
        if let path, options.allowedPaths != nil {
            let volume = Volume(name: name, path: Volume.normalize(path) ?? path)
            try ValidationProblem.check(volume.validate())
            try confine(volume.path, what: "volume directory")
        }
        let volume = try await registry.createVolume(name: name, path: directory)
        let undo: @Sendable () async -> Void = { [registry] in _ = try? await registry.deleteVolume(name, force: true) }
        do {
            try await run([CommandDraft(AddVolumeAction.self, .init(volumePath: volume.path))], late: LateOutcome(failed: undo))
        } catch where Self.mayUndo(after: error) {
            await undo()
            throw error
        }
        return volume
    }

    /// Every volume, by name.
    public func listVolumes() async throws -> [Volume] { try await registry.listVolumes() }

    /// One volume.
    public func volume(_ name: String) async throws -> Volume { try await registry.volume(name) }

    /// Forgets a volume; refuses while it holds images unless `force`, which deletes their
    /// files too — only files spin made: an image whose file lacks spin's mark is refused and
    /// the volume kept. The directory is removed only when it ends up empty; files in it that
    /// spin did not make stay, and the result says so.
    @discardableResult
    public func deleteVolume(_ name: String, force: Bool = false) async throws -> VolumeDeletion {
        let volume = try await registry.volume(name)
        let images = try await registry.listImages(volume: name)
        if !images.isEmpty && !force {
            throw SpinError(.failedPrecondition, "volume \"\(name)\" still holds \(images.count) image(s): \(images.map(\.name).joined(separator: ", ")); delete them or pass --force")
        }
        if let attached = images.first(where: { $0.attachedTo != nil }), let id = attached.attachedTo {
            throw SpinError(.failedPrecondition, "image \"\(attached.name)\" of volume \"\(name)\" is attached to VM \(id); detach it first")
        }
        let deletions = try images.map { try CommandDraft(DeleteImageAction.self, .init(volumePath: volume.path, image: $0.name)) }
        if !deletions.isEmpty { try await run(deletions) }
        // An empty directory is removed; one holding files spin did not make is left alone.
        // The directory goes while the volume is still recorded: the storage agent removes only
        // directories of registered volumes.
        var removal: (any Error)?
        do {
            try await run([CommandDraft(RemoveVolumeAction.self, .init(volumePath: volume.path))])
        } catch {
            removal = error
        }
        _ = try await registry.deleteVolume(name, force: true)
        guard let removal else { return VolumeDeletion(name: name, path: volume.path, directoryRemoved: true) }
        let reason = (removal as? SpinError)?.message ?? "\(removal)"
        return VolumeDeletion(name: name, path: volume.path, directoryRemoved: false,
                              note: "volume \"\(name)\" is forgotten, but its directory stays (\(reason)); remove the directory yourself once you no longer need what is in it")
    }
}
