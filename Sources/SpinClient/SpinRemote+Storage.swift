import SpinAPI
import SpinModel

/// Volumes and images, named like the facade's methods.
extension SpinRemote {
    /// Records a volume and creates its directory on the server's host (``Spin/createVolume(name:path:)``).
    @discardableResult
    public func createVolume(name: String, path: String? = nil) async throws -> Volume {
        try await call { try await client.createVolume(body: .json(.init(name: name, path: path))).created.body.json.model() }
    }

    /// Every volume (``Spin/listVolumes()``).
    public func listVolumes() async throws -> [Volume] {
        try await call { try await client.listVolumes().ok.body.json.map { $0.model() } }
    }

    /// One volume (``Spin/volume(_:)``).
    public func volume(_ name: String) async throws -> Volume {
        try await call { try await client.getVolume(path: .init(name: name)).ok.body.json.model() }
    }

    /// Forgets a volume (``Spin/deleteVolume(_:force:)``).
    @discardableResult
    public func deleteVolume(_ name: String, force: Bool = false) async throws -> VolumeDeletion {
        try await call { try await client.deleteVolume(path: .init(name: name), query: .init(force: force)).ok.body.json.model() }
    }

    /// Creates an image (``Spin/createImage(_:)``).
    @discardableResult
    public func createImage(_ spec: ImageSpec) async throws -> Image {
        try await call { try await client.createImage(body: .json(.init(spec))).created.body.json.model() }
    }

    /// The images of one volume or of all (``Spin/listImages(volume:)``).
    public func listImages(volume: String? = nil) async throws -> [Image] {
        try await call { try await client.listImages(query: .init(volume: volume)).ok.body.json.map { try $0.model() } }
    }

    /// One image (``Spin/image(volume:name:)``).
    public func image(volume: String, name: String) async throws -> Image {
        try await call { try await client.getImage(path: .init(volume: volume, name: name)).ok.body.json.model() }
    }

    /// Deletes an image (``Spin/deleteImage(volume:name:)``).
    public func deleteImage(volume: String, name: String) async throws {
        try await call { _ = try await client.deleteImage(path: .init(volume: volume, name: name)).noContent }
    }

    /// Copies an image (``Spin/copyImage(volume:name:toVolume:toName:format:)``).
    @discardableResult
    public func copyImage(volume: String, name: String, toVolume: String, toName: String, format: ImageFormat? = nil) async throws -> Image {
        let body = Components.Schemas.ImageCopy(toVolume: toVolume, toName: toName, format: format.map { $0 == .raw ? .raw : .qcow2 })
        return try await call { try await client.copyImage(path: .init(volume: volume, name: name), body: .json(body)).created.body.json.model() }
    }

    /// Resizes an image (``Spin/resizeImage(volume:name:sizeBytes:force:)``).
    @discardableResult
    public func resizeImage(volume: String, name: String, sizeBytes: UInt64, force: Bool = false) async throws -> Image {
        let body = Components.Schemas.ImageResize(sizeBytes: Int64(clamping: sizeBytes), force: force)
        return try await call { try await client.resizeImage(path: .init(volume: volume, name: name), body: .json(body)).ok.body.json.model() }
    }

    /// Moves an image (``Spin/moveImage(volume:name:toVolume:toName:)``).
    @discardableResult
    public func moveImage(volume: String, name: String, toVolume: String, toName: String) async throws -> Image {
        let body = Components.Schemas.ImageMove(toVolume: toVolume, toName: toName)
        return try await call { try await client.moveImage(path: .init(volume: volume, name: name), body: .json(body)).ok.body.json.model() }
    }

    /// Imports a host file of the server's host as a new image (``Spin/importImage(volume:name:path:sha256:base:)``).
    @discardableResult
    public func importImage(volume: String, name: String, path: String, sha256: String? = nil, base: Bool = false) async throws -> Image {
        let body = Components.Schemas.ImageImport(path: path, sha256: sha256, base: base)
        return try await call { try await client.importImage(path: .init(volume: volume, name: name), body: .json(body)).created.body.json.model() }
    }

    /// Marks an image as a base image (``Spin/markBaseImage(volume:name:)``).
    @discardableResult
    public func markBaseImage(volume: String, name: String) async throws -> Image {
        try await call { try await client.markBaseImage(path: .init(volume: volume, name: name)).ok.body.json.model() }
    }
}
