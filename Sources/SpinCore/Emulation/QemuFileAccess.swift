import CLinux
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Asks the kernel whether the qemu user may use a VM's files, before qemu starts — so a file
/// it cannot read is a clear error naming the file and the user, never a file qemu opened with
/// spin's rights.
///
/// The check runs on a thread of its own that takes the qemu user's file identity (groups,
/// fsgid, fsuid: per-thread in Linux) and ends afterwards, so the answer is the kernel's own —
/// mode bits, ACLs, read-only mounts and every directory on the way — without a process.
struct QemuFileAccess {
    /// What qemu does with a file.
    enum Need: Sendable, Equatable {
        /// Reads it (a CD-ROM, a kernel).
        case read
        /// Reads and writes it (a disk image, the serial log).
        case readWrite
        /// Creates files in it (the runtime directory).
        case createIn

        var mode: Int32 {
            switch self {
            case .read: R_OK
            case .readWrite: R_OK | W_OK
            case .createIn: W_OK | X_OK
            }
        }

        var verb: String {
            switch self {
            case .read: "read"
            case .readWrite: "read and write"
            case .createIn: "create files in"
            }
        }
    }

    /// One file qemu needs.
    struct Requirement: Sendable, Equatable {
        /// What the file is, for messages ("CD-ROM", "disk image").
        var what: String
        /// Its path.
        var path: String
        /// What qemu does with it.
        var need: Need
    }

    /// The first requirement `user` is denied, with the kernel's reason; nil when all pass.
    static func firstDenied(_ requirements: [Requirement], as user: QemuUser) -> (Requirement, Errno)? {
        let check: @Sendable () -> (Int, Errno)? = {
            for (index, requirement) in requirements.enumerated() where faccessat(AT_FDCWD, requirement.path, requirement.need.mode, AT_EACCESS) != 0 {
                return (index, Errno(errno))
            }
            return nil
        }
        guard user.isOtherUser else { return check().map { (requirements[$0.0], $0.1) } }
        let answer = Mutex<(Int, Errno)??>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let groups = user.groups.map { gid_t($0) }
            let assumed = groups.withUnsafeBufferPointer {
                spin_thread_assume_file_identity(user.uid, user.gid, Int32($0.count), $0.baseAddress)
            }
            let result: (Int, Errno)? = assumed == 0 ? check() : (-1, Errno(errno))
            answer.withLock { $0 = .some(result) }
            done.signal()
        }
        thread.start()
        done.wait()
        guard let result = answer.withLock({ $0 }) ?? nil else { return nil }
        if result.0 < 0 { return (Requirement(what: "file identity of the qemu user", path: user.name, need: .read), result.1) }
        return (requirements[result.0], result.1)
    }

    /// Throws unless `user` may use every file in `requirements`.
    /// - Throws: ``SpinError`` `.failedPrecondition` naming the file, the user and a fix.
    static func check(_ requirements: [Requirement], as user: QemuUser, vm: String) throws(SpinError) {
        guard let (requirement, reason) = firstDenied(requirements, as: user) else { return }
        let fix = user.isOtherUser
            ? "make it reachable by \(user.name) (for instance setfacl -m u:\(user.name):\(requirement.need == .read ? "r" : "rw") on the file and u:\(user.name):x on each directory above it), or put it inside a volume"
            : "fix its permissions or choose another file"
        throw SpinError(.failedPrecondition, "VM \(vm) cannot start: qemu runs as \(user.name), which cannot \(requirement.need.verb) the \(requirement.what) \(requirement.path) (\(reason)); \(fix)")
    }
}
