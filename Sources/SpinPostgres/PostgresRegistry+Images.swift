import Foundation
import PostgresNIO
import SpinCore
import SpinModel

extension PostgresRegistry {
    /// Records a free image in an existing volume; see ``Registry/createImage(_:base:)``.
    @discardableResult
    public func createImage(_ spec: ImageSpec, base: Bool) async throws -> Image {
        try await createImage(spec, base: base) { _, _ in true }.image
    }

    /// Records an image like ``createImage(_:base:)`` and runs `alongside` in the same
    /// transaction (to submit the package that makes its file), so both commit or neither.
    public func createImage<R: Sendable>(
        _ spec: ImageSpec, base: Bool, alongside: @escaping @Sendable (Image, PostgresConnection) async throws -> R
    ) async throws -> (image: Image, result: R) {
        try ValidationProblem.check(spec.validate())
        let image = Image(spec, base: base)
        return try await write { c in
            _ = try await Self.requireVolume(spec.volume, c)
            if try await Self.loadImage(volume: spec.volume, name: spec.name, c) != nil {
                throw SpinError(.conflict, "image \(quoted(spec.name)) already exists in volume \(quoted(spec.volume)); pick another name")
            }
            try await Self.checkBacking(of: spec, c)
            try await Self.insertImage(image, c)
            return (image, try await alongside(image, c))
        }
    }

    /// The image `name` in `volume`.
    public func image(volume: String, name: String) async throws -> Image {
        try await read { c in try await Self.requireImage(volume: volume, name: name, c) }
    }

    /// The image `name` of `volume`, or nil when either is not recorded.
    public func imageIfPresent(volume: String, name: String) async throws -> Image? {
        try await read { c in try await Self.loadImage(volume: volume, name: name, c) }
    }

    /// Marks the image `name` of `volume` (its row locked) as a base; see
    /// ``Registry/markBase(volume:name:)``.
    @discardableResult
    public func markBase(volume: String, name: String) async throws -> Image {
        try await write { c in
            var image = try await Self.requireImage(volume: volume, name: name, lock: .update, c)
            if image.base { return image }
            let owner: String? = if let id = image.attachedTo { await Self.describeVM(id: id, c) } else { nil }
            try RegistryRules.checkMarkable(image, owner: owner)
            image.base = true
            try await c.query(
                "UPDATE registry_images SET base = true, body = \(try Self.imageBody(image))::jsonb WHERE volume = \(volume) AND name = \(name)",
                logger: Self.logger)
            return image
        }
    }

    /// Fails when overlays use the base `name` of `volume` (a quick look before a package).
    public func requireNoOverlays(volume: String, name: String, verb: String) async throws {
        try await read { c in
            let image = try await Self.requireImage(volume: volume, name: name, c)
            try await Self.requireNoOverlays(image, verb: verb, c)
        }
    }

    /// The images of `volume`, ordered by name; `notFound` when the volume does not exist.
    public func listImages(volume: String) async throws -> [Image] {
        try await read { c in
            _ = try await Self.requireVolume(volume, c)
            return try await Self.images(try await c.query(
                "SELECT \(unescaped: Self.imageColumns) FROM registry_images WHERE volume = \(volume) ORDER BY name", logger: Self.logger))
        }
    }

    /// Every image, ordered by volume, then name.
    public func listAllImages() async throws -> [Image] {
        try await read { c in
            try await Self.images(try await c.query(
                "SELECT \(unescaped: Self.imageColumns) FROM registry_images ORDER BY volume, name", logger: Self.logger))
        }
    }

    /// Changes the image's size or format (its row locked); see
    /// ``Registry/updateImage(volume:name:_:)``.
    @discardableResult
    public func updateImage(volume: String, name: String, change: @escaping @Sendable (inout Image) throws -> Void) async throws -> Image {
        try await write { c in
            let previous = try await Self.requireImage(volume: volume, name: name, lock: .update, c)
            var image = previous
            try Self.apply(change, to: &image)
            try RegistryRules.checkImageEdit(&image, previous: previous)
            try await c.query(
                "UPDATE registry_images SET body = \(try Self.imageBody(image))::jsonb WHERE volume = \(volume) AND name = \(name)", logger: Self.logger)
            return image
        }
    }

    /// Removes a free image's record; see ``Registry/deleteImage(volume:name:)``.
    @discardableResult
    public func deleteImage(volume: String, name: String) async throws -> Image {
        try await write { c in
            let image = try await Self.requireImage(volume: volume, name: name, lock: .update, c)
            if let owner = image.attachedTo {
                throw SpinError(.failedPrecondition, "image \(quoted(name)) of volume \(quoted(volume)) is attached to \(await Self.describeVM(id: owner, c)); detach it from that VM first")
            }
            if image.base { try await Self.requireNoOverlays(image, verb: "deleted", c) }
            try await c.query("DELETE FROM registry_images WHERE volume = \(volume) AND name = \(name)", logger: Self.logger)
            return image
        }
    }

    /// Checks a new overlay: its base exists in the same volume, is a base, and is no larger
    /// than the overlay. The foreign key to the base keeps a racing deletion from removing it.
    static func checkBacking(of spec: ImageSpec, _ c: PostgresConnection) async throws {
        guard let name = spec.backingImage else { return }
        try RegistryRules.checkBacking(of: spec, base: try await loadImage(volume: spec.volume, name: name, c))
    }

    /// Fails when overlays use the base `image`, naming them and their VMs.
    static func requireNoOverlays(_ image: Image, verb: String, _ c: PostgresConnection) async throws {
        let users = try await images(try await c.query(
            "SELECT \(unescaped: imageColumns) FROM registry_images WHERE volume = \(image.volume) AND backing_image = \(image.name) ORDER BY name",
            logger: logger))
        guard !users.isEmpty else { return }
        var names: [String] = []
        for overlay in users.prefix(5) {
            names.append(quoted(overlay.name) + (overlay.attachedTo == nil ? "" : " (\(await describeVM(id: overlay.attachedTo ?? 0, c)))"))
        }
        let list = names.joined(separator: ", ") + (users.count > 5 ? ", …" : "")
        throw SpinError(.failedPrecondition, "base image \(quoted(image.name)) of volume \(quoted(image.volume)) cannot be \(verb) while \(users.count) overlay\(users.count == 1 ? "" : "s") use\(users.count == 1 ? "s" : "") it: \(list); delete those VMs (spin vm delete) or images first")
    }
}
