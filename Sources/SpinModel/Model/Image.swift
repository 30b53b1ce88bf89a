import Foundation

/// A disk image file inside a volume.
///
/// JSON: `{"volume":"vol1","name":"web.qcow2","sizeBytes":10737418240,"format":"qcow2","attachedTo":1,"createdAt":…}`;
/// `attachedTo` is absent when no VM uses the image.
public struct Image: Sendable, Codable, Equatable, Hashable {
    /// The name of the volume holding the image.
    public var volume: String
    /// The file name inside the volume, e.g. `web.qcow2`.
    public var name: String
    /// The virtual size in bytes (> 0).
    public var sizeBytes: UInt64
    /// The on-disk format.
    public var format: ImageFormat
    /// The id of the VM using the image, or nil when free.
    public var attachedTo: UInt64?
    /// When the image was recorded.
    public var createdAt: Date

    /// Creates an image record; check it with ``validate()``.
    public init(
        volume: String, name: String, sizeBytes: UInt64, format: ImageFormat = .qcow2,
        attachedTo: UInt64? = nil, createdAt: Date = Date()
    ) {
        self.volume = volume
        self.name = name
        self.sizeBytes = sizeBytes
        self.format = format
        self.attachedTo = attachedTo
        self.createdAt = createdAt
    }

    /// An image record made from a spec.
    public init(_ spec: ImageSpec, attachedTo: UInt64? = nil, createdAt: Date = Date()) {
        self.init(
            volume: spec.volume, name: spec.name, sizeBytes: spec.sizeBytes, format: spec.format,
            attachedTo: attachedTo, createdAt: createdAt)
    }

    /// The image's file path inside `volume`'s directory.
    public func path(in volume: Volume) -> String {
        volume.path.hasSuffix("/") ? volume.path + name : volume.path + "/" + name
    }

    /// The spec this image answers to.
    public var spec: ImageSpec { ImageSpec(volume: volume, name: name, sizeBytes: sizeBytes, format: format) }

    /// The disk attachment that refers to this image.
    public var attachment: StorageAttachment { .disk(volume: volume, image: name) }

    /// Every problem with this image.
    public func validate() -> [ValidationProblem] { spec.validate() }
}
