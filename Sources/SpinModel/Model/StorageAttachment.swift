/// A drive of a VM: a disk image in a volume, or a CD-ROM backed by an ISO file.
///
/// A VM's storage is ordered; an attachment's index is its position. JSON is flat, told
/// apart by `kind`:
/// - disk: `{"kind":"disk","volume":"vol1","image":"web.qcow2"}`
/// - cdrom: `{"kind":"cdrom","path":"/srv/iso/debian.iso"}`
public enum StorageAttachment: Sendable, Equatable, Hashable {
    /// The image file `image` inside the volume named `volume`.
    case disk(volume: String, image: String)
    /// A read-only CD-ROM backed by the ISO at the absolute host path `path`.
    case cdrom(path: String)

    /// Which kind of drive this is. JSON: `"disk"` or `"cdrom"`.
    public enum Kind: String, Sendable, Codable, CaseIterable, Hashable {
        /// A disk image in a volume.
        case disk
        /// An ISO file as a CD-ROM.
        case cdrom
    }

    /// Which kind of drive this is.
    public var kind: Kind {
        switch self {
        case .disk: .disk
        case .cdrom: .cdrom
        }
    }

    /// Whether this is a CD-ROM.
    public var isCDROM: Bool { kind == .cdrom }

    /// The volume of a disk; nil for a CD-ROM.
    public var volume: String? {
        if case .disk(let volume, _) = self { return volume }
        return nil
    }

    /// The image name of a disk; nil for a CD-ROM.
    public var image: String? {
        if case .disk(_, let image) = self { return image }
        return nil
    }

    /// The ISO path of a CD-ROM; nil for a disk.
    public var path: String? {
        if case .cdrom(let path) = self { return path }
        return nil
    }

    /// Every problem with this attachment; fields are relative (`volume`, `image`, `path`).
    public func validate() -> [ValidationProblem] {
        var validator = Validator()
        switch self {
        case .disk(let volume, let image):
            validator.name(volume, field: "volume")
            validator.imageName(image, field: "image")
        case .cdrom(let path):
            validator.absolutePath(path, field: "path", example: "/srv/iso/debian.iso")
        }
        return validator.problems
    }
}

extension StorageAttachment: Codable {
    private enum CodingKeys: String, CodingKey {
        case kind, volume, image, path
    }

    /// Decodes the flat form; `kind` picks which other keys are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Kind.self, forKey: .kind) {
        case .disk:
            self = .disk(
                volume: try container.decode(String.self, forKey: .volume),
                image: try container.decode(String.self, forKey: .image))
        case .cdrom:
            self = .cdrom(path: try container.decode(String.self, forKey: .path))
        }
    }

    /// Encodes the flat form: `kind` plus the keys of that kind.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case .disk(let volume, let image):
            try container.encode(volume, forKey: .volume)
            try container.encode(image, forKey: .image)
        case .cdrom(let path):
            try container.encode(path, forKey: .path)
        }
    }
}
