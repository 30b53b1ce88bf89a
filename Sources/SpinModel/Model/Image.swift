import Foundation

/// A disk image file inside a volume.
///
/// JSON: `{"volume":"vol1","name":"web.qcow2","sizeBytes":10737418240,"format":"qcow2","attachedTo":1,"createdAt":…}`;
/// `attachedTo` is absent when no VM uses the image; `base` (absent: false) marks a read-only
/// base image; `backingImage` names the base an overlay is backed by.
///
/// A **base** image is never attached to a VM (so never written) and cannot be deleted, moved
/// or resized while an overlay uses it. An **overlay** is a qcow2 image whose backing file is
/// a base in the same volume, written into the overlay as that base's file name (a path
/// relative to the overlay's directory, so the volume can move) with its format.
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
    /// Whether this is a read-only base image that overlays are made on.
    public var base: Bool
    /// The base image (in the same volume) this overlay is backed by; nil for a standalone image.
    public var backingImage: String?

    /// Creates an image record; check it with ``validate()``.
    public init(
        volume: String, name: String, sizeBytes: UInt64, format: ImageFormat = .qcow2,
        attachedTo: UInt64? = nil, createdAt: Date = Date(), base: Bool = false, backingImage: String? = nil
    ) {
        self.volume = volume
        self.name = name
        self.sizeBytes = sizeBytes
        self.format = format
        self.attachedTo = attachedTo
        self.createdAt = createdAt
        self.base = base
        self.backingImage = backingImage
    }

    /// An image record made from a spec.
    public init(_ spec: ImageSpec, attachedTo: UInt64? = nil, createdAt: Date = Date(), base: Bool = false) {
        self.init(
            volume: spec.volume, name: spec.name, sizeBytes: spec.sizeBytes, format: spec.format,
            attachedTo: attachedTo, createdAt: createdAt, base: base, backingImage: spec.backingImage)
    }

    /// The image's file path inside `volume`'s directory.
    public func path(in volume: Volume) -> String {
        volume.path.hasSuffix("/") ? volume.path + name : volume.path + "/" + name
    }

    /// The spec this image answers to.
    public var spec: ImageSpec {
        ImageSpec(volume: volume, name: name, sizeBytes: sizeBytes, format: format, backingImage: backingImage)
    }

    /// The disk attachment that refers to this image.
    public var attachment: StorageAttachment { .disk(volume: volume, image: name) }

    /// Every problem with this image.
    public func validate() -> [ValidationProblem] { spec.validate() }
}

extension Image {
    private enum CodingKeys: String, CodingKey {
        case volume, name, sizeBytes, format, attachedTo, createdAt, base, backingImage
    }

    /// Decodes an image; `base` and `backingImage` may be absent (records written before them).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            volume: try c.decode(String.self, forKey: .volume), name: try c.decode(String.self, forKey: .name),
            sizeBytes: try c.decode(UInt64.self, forKey: .sizeBytes), format: try c.decode(ImageFormat.self, forKey: .format),
            attachedTo: try c.decodeIfPresent(UInt64.self, forKey: .attachedTo),
            createdAt: try c.decode(Date.self, forKey: .createdAt),
            base: try c.decodeIfPresent(Bool.self, forKey: .base) ?? false,
            backingImage: try c.decodeIfPresent(String.self, forKey: .backingImage))
    }

    /// Encodes an image; `base` only when true, so records of plain images keep their shape.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(volume, forKey: .volume)
        try c.encode(name, forKey: .name)
        try c.encode(sizeBytes, forKey: .sizeBytes)
        try c.encode(format, forKey: .format)
        try c.encodeIfPresent(attachedTo, forKey: .attachedTo)
        try c.encode(createdAt, forKey: .createdAt)
        if base { try c.encode(true, forKey: .base) }
        try c.encodeIfPresent(backingImage, forKey: .backingImage)
    }
}
