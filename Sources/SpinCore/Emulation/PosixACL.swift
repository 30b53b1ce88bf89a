import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// A file's POSIX access ACL, read and written as the kernel's `system.posix_acl_access`
/// attribute — spin's only use is to give the qemu user exactly the files of its VM, without
/// changing their owner or mode bits.
///
/// The wire format (`<linux/posix_acl_xattr.h>`): a little-endian version 2 header, then
/// entries of tag (u16), permissions (u16) and id (u32), ordered user-obj, users by id,
/// group-obj, groups by id, mask, other. A file without the attribute has the ACL its mode
/// bits give.
struct PosixACL: Equatable, Sendable {
    /// One entry.
    struct Entry: Equatable, Sendable {
        var tag: UInt16
        var permissions: UInt16
        var id: UInt32
    }

    static let userObject: UInt16 = 0x01, user: UInt16 = 0x02, groupObject: UInt16 = 0x04
    static let group: UInt16 = 0x08, mask: UInt16 = 0x10, other: UInt16 = 0x20
    static let read: UInt16 = 4, write: UInt16 = 2, execute: UInt16 = 1
    private static let attribute = "system.posix_acl_access"
    private static let undefinedID = UInt32.max

    /// The entries, in the kernel's order.
    private(set) var entries: [Entry]

    /// The ACL that mode bits `mode` mean.
    init(mode: mode_t) {
        entries = [
            Entry(tag: Self.userObject, permissions: UInt16((mode >> 6) & 7), id: Self.undefinedID),
            Entry(tag: Self.groupObject, permissions: UInt16((mode >> 3) & 7), id: Self.undefinedID),
            Entry(tag: Self.other, permissions: UInt16(mode & 7), id: Self.undefinedID),
        ]
    }

    /// Parses the attribute's bytes; nil when they are not a version 2 ACL.
    init?(bytes: [UInt8]) {
        guard bytes.count >= 4, (bytes.count - 4) % 8 == 0, Self.u32(bytes, 0) == 2 else { return nil }
        entries = stride(from: 4, to: bytes.count, by: 8).map {
            Entry(tag: Self.u16(bytes, $0), permissions: Self.u16(bytes, $0 + 2), id: Self.u32(bytes, $0 + 4))
        }
    }

    /// The attribute's bytes.
    var bytes: [UInt8] {
        var result: [UInt8] = [2, 0, 0, 0]
        for entry in entries {
            result += [UInt8(entry.tag & 0xFF), UInt8(entry.tag >> 8), UInt8(entry.permissions & 0xFF), UInt8(entry.permissions >> 8)]
            result += (0..<4).map { UInt8((entry.id >> (8 * $0)) & 0xFF) }
        }
        return result
    }

    /// The permissions a named user entry gives `uid`, if there is one.
    func permissions(ofUser uid: uid_t) -> UInt16? {
        entries.first { $0.tag == Self.user && $0.id == uid }?.permissions
    }

    /// Adds (or widens) the named user entry for `uid` and recomputes the mask, so the entry
    /// takes effect; the owner's, group's and others' permissions stay as they were.
    mutating func grant(user uid: uid_t, _ permissions: UInt16) {
        if let index = entries.firstIndex(where: { $0.tag == Self.user && $0.id == uid }) {
            entries[index].permissions |= permissions
        } else {
            entries.append(Entry(tag: Self.user, permissions: permissions, id: uid))
        }
        entries.removeAll { $0.tag == Self.mask }
        let groupClass = entries.filter { [Self.user, Self.groupObject, Self.group].contains($0.tag) }.reduce(UInt16(0)) { $0 | $1.permissions }
        entries.append(Entry(tag: Self.mask, permissions: groupClass, id: Self.undefinedID))
        entries.sort { ($0.tag, $0.id) < ($1.tag, $1.id) }
    }

    /// The ACL of the open file `fd`.
    static func read(fd: Int32) -> Result<PosixACL, Errno> {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { fgetxattr(fd, attribute, $0.baseAddress, $0.count) }
        if count >= 0 {
            guard let acl = PosixACL(bytes: Array(buffer[0..<count])) else { return .failure(Errno(EINVAL)) }
            return .success(acl)
        }
        guard errno == ENODATA else { return .failure(Errno(errno)) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(Errno(errno)) }
        return .success(PosixACL(mode: info.st_mode))
    }

    /// Writes this ACL to the open file `fd`.
    func write(fd: Int32) -> Errno? {
        let data = bytes
        let result = data.withUnsafeBytes { fsetxattr(fd, Self.attribute, $0.baseAddress, $0.count, 0) }
        return result == 0 ? nil : Errno(errno)
    }

    private static func u16(_ b: [UInt8], _ at: Int) -> UInt16 { UInt16(b[at]) | UInt16(b[at + 1]) << 8 }
    private static func u32(_ b: [UInt8], _ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(b[at + $1]) << (8 * UInt32($1)) } }
}
