import Foundation
import PostgresNIO
import SpinCore
import SpinModel

extension PostgresRegistry {
    /// Records a volume: `name` for the host directory `path` (normalized); see
    /// ``Registry/createVolume(name:path:)``. The name is the primary key, the path UNIQUE.
    @discardableResult
    public func createVolume(name: String, path: String) async throws -> Volume {
        let volume = Volume(name: name, path: Volume.normalize(path) ?? path)
        try ValidationProblem.check(volume.validate())
        return try await write { c in
            if let existing = try await Self.loadVolume(name, c) {
                throw SpinError(.conflict, "volume \(quoted(name)) already exists (path \(existing.path)); choose another name")
            }
            let owners = try await c.query("SELECT name FROM registry_volumes WHERE path = \(volume.path)", logger: Self.logger)
            for try await other in owners.decode(String.self) {
                throw SpinError(.conflict, "path \(quoted(volume.path)) already belongs to volume \(quoted(other)); use that volume or another directory")
            }
            try await c.query(
                "INSERT INTO registry_volumes (name, path, body) VALUES (\(volume.name), \(volume.path), \(try Self.json(volume))::jsonb)",
                logger: Self.logger)
            return volume
        }
    }

    /// The volume `name`.
    public func volume(_ name: String) async throws -> Volume {
        try await read { c in try await Self.requireVolume(name, c) }
    }

    /// The volume whose directory is exactly `path` (normalized, as recorded), or nil.
    public func volume(atPath path: String) async throws -> Volume? {
        try await read { c in
            let rows = try await c.query("SELECT body::text FROM registry_volumes WHERE path = \(path)", logger: Self.logger)
            for try await body in rows.decode(String.self) { return try Self.decode(Volume.self, body) }
            return nil
        }
    }

    /// Every volume, ordered by name.
    public func listVolumes() async throws -> [Volume] {
        try await read { c in
            let rows = try await c.query("SELECT body::text FROM registry_volumes ORDER BY name", logger: Self.logger)
            var volumes: [Volume] = []
            for try await body in rows.decode(String.self) { volumes.append(try Self.decode(Volume.self, body)) }
            return volumes
        }
    }

    /// Removes the volume `name` (its row locked, so no image joins it meanwhile); see
    /// ``Registry/deleteVolume(_:force:)``.
    @discardableResult
    public func deleteVolume(_ name: String, force: Bool) async throws -> Volume {
        try await write { c in
            let volume = try await Self.requireVolume(name, lock: .update, c)
            let images = try await Self.images(try await c.query(
                "SELECT \(unescaped: Self.imageColumns) FROM registry_images WHERE volume = \(name) ORDER BY name FOR UPDATE", logger: Self.logger))
            try RegistryRules.checkEmptiable(volume: name, images: images, force: force)
            if let attached = images.first(where: { $0.attachedTo != nil }), let owner = attached.attachedTo {
                throw SpinError(.failedPrecondition, "image \(quoted(attached.name)) of volume \(quoted(name)) is attached to \(await Self.describeVM(id: owner, c)); detach it there first")
            }
            try await c.query("DELETE FROM registry_images WHERE volume = \(name)", logger: Self.logger)
            try await c.query("DELETE FROM registry_volumes WHERE name = \(name)", logger: Self.logger)
            return volume
        }
    }
}
