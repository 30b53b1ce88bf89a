import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The mark spin puts on every image file it makes, so the storage agent can tell its own
/// files from anything else in a volume without asking the registry.
///
/// The mark is the extended attribute `user.spin.image` holding `spin-image-v1:<uuid>`, a
/// random id given when the file is made. It is set on the hidden temporary before the rename
/// into place, so no image is ever in place unmarked; a rename keeps it, and a copy gets a
/// fresh one. The agent creates, replaces, resizes, moves or deletes only files that carry a
/// valid mark; it reads (copies from) any image.
struct ImageMark: Equatable, Sendable, CustomStringConvertible {
    /// The extended attribute's name.
    static let attribute = "user.spin.image"
    /// The start of every mark's value.
    static let prefix = "spin-image-v1:"

    /// The attribute's value.
    let value: String

    /// A new mark with a random id.
    static func fresh() -> ImageMark { ImageMark(checked: prefix + UUID().uuidString.lowercased()) }

    private init(checked value: String) { self.value = value }

    /// Parses an attribute value; nil unless it is `spin-image-v1:` followed by a UUID.
    init?(value: String) {
        guard value.hasPrefix(Self.prefix), UUID(uuidString: String(value.dropFirst(Self.prefix.count))) != nil else {
            return nil
        }
        self.value = value
    }

    var description: String { value }

    /// Sets the mark on an open file.
    /// - Parameter volume: the volume directory, named when its filesystem cannot hold marks.
    /// - Throws: ``SpinError`` `.failedPrecondition` when the filesystem does not support user
    ///   extended attributes, `.actionFailed` for any other failure.
    func write(to fd: Int32, path: String, volume: VolumePath) throws(SpinError) {
        guard let set = Self.fsetxattr else {
            throw SpinError(.unavailable, "this C library has no fsetxattr, so spin cannot mark \(path) as its own")
        }
        let result = value.withCString { bytes in set(fd, Self.attribute, bytes, strlen(bytes), 0) }
        guard result == 0 else {
            let code = errno
            if code == ENOTSUP || code == EOPNOTSUPP {
                throw SpinError(.failedPrecondition, "the filesystem of volume directory \(volume.path) does not support extended attributes (user.*), which spin needs to mark the images it makes; put the volume on a filesystem that does (ext4, xfs, btrfs, tmpfs) or mount it with user_xattr")
            }
            throw StorageFiles.failure(code, "mark (\(Self.attribute))", path)
        }
    }

    /// The mark of an open file: nil when it has none, or one that is not a valid mark.
    static func read(from fd: Int32, path: String) throws(SpinError) -> ImageMark? {
        guard let get = fgetxattr else {
            throw SpinError(.unavailable, "this C library has no fgetxattr, so spin cannot check whether it made \(path)")
        }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = buffer.withUnsafeMutableBytes { get(fd, attribute, $0.baseAddress, $0.count) }
        guard count >= 0 else {
            let code = errno
            // No such attribute, one too long to be ours, or a filesystem without attributes.
            if code == ENODATA || code == ERANGE || code == ENOTSUP || code == EOPNOTSUPP { return nil }
            throw StorageFiles.failure(code, "read the mark (\(attribute)) of", path)
        }
        return String(bytes: buffer[0..<count], encoding: .utf8).flatMap(ImageMark.init(value:))
    }

    /// The mark of the file at `path`, opened without following a link.
    static func read(atPath path: String) throws(SpinError) -> ImageMark? {
        try StorageFiles.withOpenFile(path) { fd throws(SpinError) in try read(from: fd, path: path) }
    }

    private typealias SetAttribute = @convention(c) (Int32, UnsafePointer<CChar>, UnsafeRawPointer?, Int, Int32) -> Int32
    private typealias GetAttribute = @convention(c) (Int32, UnsafePointer<CChar>, UnsafeMutableRawPointer?, Int) -> Int
    /// `<sys/xattr.h>` is not part of Swift's Glibc module; the calls are looked up instead.
    private static let fsetxattr: SetAttribute? = dlsym(nil, "fsetxattr").map { unsafeBitCast($0, to: SetAttribute.self) }
    private static let fgetxattr: GetAttribute? = dlsym(nil, "fgetxattr").map { unsafeBitCast($0, to: GetAttribute.self) }
}
