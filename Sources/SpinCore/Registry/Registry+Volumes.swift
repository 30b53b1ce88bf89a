import Foundation
import SpinStore

extension Registry {
    /// Records a volume: `name` for the host directory `path` (absolute; normalized here, so
    /// `/srv//vms/` is stored as `/srv/vms`). The directory itself is the caller's business.
    /// - Throws: ``SpinError`` `invalidArgument`, or `conflict` when the name exists or
    ///   another volume has the same path.
    @discardableResult
    public func createVolume(name: String, path: String) throws -> Volume {
        let volume = Volume(name: name, path: Volume.normalize(path) ?? path)
        try ValidationProblem.check(volume.validate())
        return try writing { txn, t in
            if let existing = try Self.loadVolume(name, txn, t) {
                throw SpinError(.conflict, "volume \(quoted(name)) already exists (path \(existing.path)); choose another name")
            }
            if let owner = try txn.get(volume.path, in: t.volumePaths) {
                let other = String(decoding: owner, as: UTF8.self)
                throw SpinError(.conflict, "path \(quoted(volume.path)) already belongs to volume \(quoted(other)); use that volume or another directory")
            }
            try txn.encode(volume, forKey: name, in: t.volumes)
            try txn.put(Array(name.utf8), forKey: volume.path, in: t.volumePaths)
            return volume
        }
    }

    /// The volume `name`.
    /// - Throws: ``SpinError`` `notFound`, telling how to create it.
    public func volume(_ name: String) throws -> Volume {
        try reading { txn, t in try Self.requireVolume(name, txn, t) }
    }

    /// Every volume, ordered by name.
    public func listVolumes() throws -> [Volume] {
        try reading { txn, t in
            guard let t else { return [] }
            return try txn.decodeAll(Volume.self, in: t.volumes)
        }
    }

    /// Removes the volume `name`. A volume that still holds image records is refused unless
    /// `force`, which removes those records too — but never when one is attached to a VM.
    /// Files on disk are the caller's business.
    /// - Returns: the volume as it was.
    /// - Throws: ``SpinError`` `notFound`, or `failedPrecondition` naming the images or the VM.
    @discardableResult
    public func deleteVolume(_ name: String, force: Bool = false) throws -> Volume {
        try writing { txn, t in
            let volume = try Self.requireVolume(name, txn, t)
            let images = try txn.decodeAll(Image.self, in: t.images, range: .prefix(Tables.imagePrefix(volume: name)))
            try RegistryRules.checkEmptiable(volume: name, images: images, force: force)
            if let attached = images.first(where: { $0.attachedTo != nil }), let owner = attached.attachedTo {
                throw SpinError(.failedPrecondition, "image \(quoted(attached.name)) of volume \(quoted(name)) is attached to \(Self.describeVM(id: owner, txn, t)); detach it there first")
            }
            for image in images {
                try txn.delete(Tables.imageKey(volume: name, name: image.name), in: t.images)
            }
            try txn.delete(name, in: t.volumes)
            try txn.delete(volume.path, in: t.volumePaths)
            return volume
        }
    }
}
