#if canImport(Glibc)
import Glibc
#endif

/// A volume directory whose path is absolute and normalized, and the only door to files inside
/// it: ``image(_:)`` refuses every name that could lead out of the directory.
///
/// Checks here are about spelling; ``StorageFiles`` checks what is on disk (a volume directory or
/// image that is a symbolic link is refused there, so no link is ever followed out of a volume).
/// Directories above the volume may be links: where volumes live is the administrator's choice,
/// what is inside them is not the client's.
public struct VolumePath: Sendable, Hashable, CustomStringConvertible {
    /// The directory, e.g. `/var/lib/spin/vol1`.
    public let path: String

    /// The longest volume path accepted, in bytes: room is left for `/` and a 255-byte name.
    public static let maxLength = Int(PATH_MAX) - 1 - 256

    /// Checks `path`.
    /// - Throws: ``SpinError`` `.invalidArgument` unless `path` is absolute and normalized (no
    ///   empty, `.` or `..` component, no trailing `/`), is not `/`, holds no NUL byte and fits
    ///   in ``maxLength`` bytes.
    public init(_ path: String) throws(SpinError) {
        func refuse(_ why: String) -> SpinError {
            SpinError(.invalidArgument, "volume path \(Self.quoted(path)) \(why)")
        }
        guard !path.utf8.contains(0) else { throw refuse("contains a NUL byte; give a plain absolute path such as /var/lib/spin/vol1") }
        guard path.utf8.first == UInt8(ascii: "/") else { throw refuse("is not absolute; give a path starting with \"/\", such as /var/lib/spin/vol1") }
        guard path != "/" else { throw refuse("is the root directory; give a directory of its own, such as /var/lib/spin/vol1") }
        guard path.utf8.count <= Self.maxLength else { throw refuse("is longer than \(Self.maxLength) bytes; use a shorter path") }
        let components = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            let normal = "/" + components.filter { !$0.isEmpty && $0 != "." }.joined(separator: "/")
            throw refuse("is not normalized (no \"//\", \".\", \"..\" or trailing \"/\"); write it like \(Self.quoted(normal)) with any \"..\" resolved")
        }
        self.path = path
    }

    /// The longest image name accepted, in bytes (the filesystem's NAME_MAX).
    public static let maxNameLength = 255

    /// Checks an image file name.
    /// - Throws: ``SpinError`` `.invalidArgument` for an empty name, a name over 255 bytes, one
    ///   holding `/`, NUL or another control character, or one starting with `.` (which covers
    ///   `.` and `..`, and keeps names apart from spin's hidden temporary files).
    public static func checkImageName(_ name: String) throws(SpinError) {
        func refuse(_ why: String) -> SpinError {
            SpinError(.invalidArgument, "image name \(quoted(name)) \(why); use a plain file name such as web.qcow2")
        }
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty else { throw refuse("is empty") }
        guard bytes.count <= maxNameLength else { throw refuse("is \(bytes.count) bytes long, over the limit of \(maxNameLength)") }
        guard !bytes.contains(0x2F) else { throw refuse("contains \"/\"; an image lives directly in its volume") }
        guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { throw refuse("contains a NUL or control character") }
        guard bytes[0] != 0x2E else { throw refuse("starts with \".\"") }
    }

    /// The image `name` inside this volume.
    /// - Throws: ``SpinError`` `.invalidArgument` for a name ``checkImageName(_:)`` refuses.
    public func image(_ name: String) throws(SpinError) -> ImageLocation {
        try Self.checkImageName(name)
        return ImageLocation(volume: self, name: name)
    }

    /// `path/name`, for a name already checked or made by spin.
    func child(_ name: String) -> String { path + "/" + name }

    public var description: String { path }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: result += "\\u{\(String(scalar.value, radix: 16))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

/// An image file inside a volume, reachable only through ``VolumePath/image(_:)``.
public struct ImageLocation: Sendable, Hashable, CustomStringConvertible {
    /// The volume holding it.
    public let volume: VolumePath
    /// Its checked file name.
    public let name: String

    /// The file's full path.
    public var path: String { volume.child(name) }

    public var description: String { "image \(VolumePath.quoted(name)) in volume \(volume.path)" }
}
