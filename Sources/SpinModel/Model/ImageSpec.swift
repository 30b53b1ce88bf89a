/// What to give to create an image: where, what name, how large, which format, and for an
/// overlay the base image it is made on.
/// JSON: `{"volume":"vol1","name":"web.qcow2","sizeBytes":10737418240,"format":"qcow2"}`, plus
/// `"backingImage":"debian-12"` for a qcow2 overlay on the base image `debian-12` of the same
/// volume (its size at least the base's).
public struct ImageSpec: Sendable, Codable, Equatable, Hashable {
    /// The volume that will hold the image.
    public var volume: String
    /// The image's file name inside the volume, e.g. `web.qcow2`.
    public var name: String
    /// The virtual size in bytes (> 0).
    public var sizeBytes: UInt64
    /// The on-disk format (default qcow2).
    public var format: ImageFormat
    /// For an overlay: the base image of the same volume it is backed by (qcow2 only).
    public var backingImage: String?

    /// Creates an image spec.
    public init(volume: String, name: String, sizeBytes: UInt64, format: ImageFormat = .qcow2, backingImage: String? = nil) {
        self.volume = volume
        self.name = name
        self.sizeBytes = sizeBytes
        self.format = format
        self.backingImage = backingImage
    }

    /// The largest image size accepted, 1 PiB: qemu-img refuses sizes near 2^63 only when it
    /// runs (an action failure), so they are refused up front as bad input.
    public static let maximumSizeBytes: UInt64 = 1 << 50

    /// Every problem with this spec.
    public func validate() -> [ValidationProblem] {
        var validator = Validator()
        validator.name(volume, field: "volume")
        validator.imageName(name)
        if sizeBytes == 0 {
            validator.add("sizeBytes", "0 is too small; give a size above 0 bytes, e.g. 10737418240 for 10 GiB")
        } else if sizeBytes > Self.maximumSizeBytes {
            validator.add("sizeBytes", "\(sizeBytes) is too large; give at most \(Self.maximumSizeBytes) (1 PiB)")
        }
        if let backingImage {
            validator.imageName(backingImage, field: "backingImage")
            if backingImage == name {
                validator.conflict("backingImage", "image \(quoted(name)) cannot be its own base; name another image of volume \(quoted(volume))")
            }
            if format != .qcow2 {
                validator.conflict("format", "an overlay on base \(quoted(backingImage)) must be qcow2, not \(format.rawValue); leave the format out or give qcow2")
            }
        }
        return validator.problems
    }

    /// The disk attachment that refers to this image.
    public var attachment: StorageAttachment { .disk(volume: volume, image: name) }
}
