import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The user qemu runs as. When spin runs as root — the server as a system service, the CLI
/// under sudo — that is a dedicated unprivileged user (`spin-qemu` unless configured), never
/// root; otherwise qemu runs as spin's own user.
public struct QemuUser: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The user's name.
    public var name: String
    /// Its uid.
    public var uid: UInt32
    /// Its primary gid.
    public var gid: UInt32
    /// Its supplementary groups (e.g. `kvm`), as the kernel will see them.
    public var groups: [UInt32]

    /// The default unprivileged user for qemu when spin runs as root.
    public static let defaultName = "spin-qemu"

    /// Whether qemu runs as a user other than this process's (spin is root): then spin drops
    /// privileges when it starts qemu and gives the user the VM's files.
    public var isOtherUser: Bool { uid != geteuid() }

    public var description: String { "\(name) (uid \(uid))" }

    /// The user qemu runs as for this process: `name` (default ``defaultName``) when this
    /// process is root, else this process's own user (then `name` must be nil or name it).
    /// - Throws: ``SpinError`` `.failedPrecondition` when the user does not exist, is root, or
    ///   names another user while spin is not root.
    public static func resolve(name: String?) throws(SpinError) -> QemuUser {
        if geteuid() != 0 {
            let own = processUser()
            if let name, name != own.name {
                throw SpinError(.failedPrecondition, "qemu can run as \"\(name)\" only when spin runs as root; as \(own.name), qemu runs as \(own.name) (drop the qemu user setting)")
            }
            return own
        }
        let wanted = name ?? defaultName
        guard let user = lookup(name: wanted) else {
            throw SpinError(.failedPrecondition, "spin runs as root, so qemu runs as the unprivileged user \"\(wanted)\", which does not exist; create it with spin-server setup (or scripts/install-deps), or name another with SPIN_QEMU_USER")
        }
        guard user.uid != 0 else {
            throw SpinError(.failedPrecondition, "the qemu user \"\(wanted)\" is root (uid 0); qemu never runs as root: name an unprivileged user with SPIN_QEMU_USER")
        }
        return user
    }

    /// This process's own user.
    public static func processUser() -> QemuUser { lookup(uid: geteuid()) }

    /// The account named `name`, with its groups; nil when there is none.
    public static func lookup(name: String) -> QemuUser? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        guard getpwnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return QemuUser(name: name, uid: entry.pw_uid, gid: entry.pw_gid, groups: groups(of: name, primary: entry.pw_gid))
    }

    private static func lookup(uid: uid_t) -> QemuUser {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let namePointer = entry.pw_name else {
            // An account without a passwd entry (a container's arbitrary uid) still runs qemu.
            return QemuUser(name: "uid \(uid)", uid: uid, gid: getegid(), groups: [])
        }
        let name = String(cString: namePointer)
        return QemuUser(name: name, uid: uid, gid: entry.pw_gid, groups: groups(of: name, primary: entry.pw_gid))
    }

    private static func groups(of name: String, primary: gid_t) -> [UInt32] {
        var count: Int32 = 64
        var list = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, primary, &list, &count) < 0 {
            list = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(name, primary, &list, &count) >= 0 else { return [primary] }
        }
        return Array(list.prefix(Int(count)))
    }
}
