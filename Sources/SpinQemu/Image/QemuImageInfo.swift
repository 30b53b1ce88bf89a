/// What `qemu-img info --output=json` says about an image.
public struct QemuImageInfo: Sendable, Equatable, Decodable {
    /// The file name as given.
    public var filename: String
    /// The detected format, e.g. `"qcow2"` or `"raw"`.
    public var format: String
    /// The size the guest sees, in bytes.
    public var virtualSize: UInt64
    /// Bytes allocated on the host (absent for some protocols).
    public var actualSize: UInt64?
    /// The backing file, for overlays.
    public var backingFilename: String?
    /// The backing file's format, if recorded.
    public var backingFilenameFormat: String?
    /// Whether the image was not closed cleanly (qcow2 lazy refcounts).
    public var dirtyFlag: Bool?
    /// The image's internal snapshots (qcow2), absent when it has none.
    public var snapshots: [QemuImageSnapshot]?

    enum CodingKeys: String, CodingKey {
        case filename, format
        case virtualSize = "virtual-size", actualSize = "actual-size"
        case backingFilename = "backing-filename", backingFilenameFormat = "backing-filename-format"
        case dirtyFlag = "dirty-flag", snapshots
    }
}

/// What `qemu-img check --output=json` reports.
public struct QemuImageCheck: Sendable, Equatable, Decodable {
    /// The file name.
    public var filename: String
    /// The format checked.
    public var format: String
    /// Errors that prevented checking.
    public var checkErrors: Int
    /// Corruptions found.
    public var corruptions: Int?
    /// Leaked clusters found.
    public var leaks: Int?

    /// No check errors, corruptions or leaks.
    public var isClean: Bool { checkErrors == 0 && (corruptions ?? 0) == 0 && (leaks ?? 0) == 0 }

    enum CodingKeys: String, CodingKey {
        case filename, format, corruptions, leaks, checkErrors = "check-errors"
    }
}
