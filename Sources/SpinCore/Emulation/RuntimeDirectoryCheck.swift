import Foundation

/// The check every level of a runtime directory passes before spin uses it: a real directory
/// (not a link), owned by spin's user — or, for a VM's own directory, by its qemu user — and
/// writable by no one else. A level that is missing is created with the mode asked for.
struct RuntimeDirectoryCheck {
    /// The qemu user that may own a VM's directory; nil: only spin's user.
    var qemuUID: UInt32?
    /// For ``verify(_:strictMode:)`` of a VM's directory: any owner that is not a third user —
    /// spin's own or an unprivileged qemu user's (root made it and gave it away).
    var allowAnyQemuOwner = false

    /// Makes `path` if missing (mode `mode`, then owned by `owner`), then checks it.
    func ensure(_ path: String, mode: mode_t, owner: QemuUser? = nil, strictMode: Bool = false) throws {
        if mkdir(path, mode) == 0 {
            // mkdir applies the umask; the mode asked for is the mode meant.
            chmod(path, mode)
            if let owner, chown(path, owner.uid, owner.gid) != 0 {
                throw SpinError(.actionFailed, "cannot give the runtime directory \(path) to the qemu user \(owner.name): \(Errno(errno))")
            }
        } else if errno == ENOENT {
            throw SpinError(.failedPrecondition, "cannot create the runtime directory \(path): its parent does not exist; set SPIN_RUNTIME_DIR or XDG_RUNTIME_DIR to an existing private directory")
        } else if errno != EEXIST {
            throw SpinError(.failedPrecondition, "cannot create the runtime directory \(path): \(Errno(errno)); set SPIN_RUNTIME_DIR to a short private directory")
        } else if let owner {
            var info = stat()
            if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == geteuid(), info.st_uid != owner.uid {
                // Made before qemu's user was known (a stop marker): hand it over.
                if chown(path, owner.uid, owner.gid) != 0 {
                    throw SpinError(.actionFailed, "cannot give the runtime directory \(path) to the qemu user \(owner.name): \(Errno(errno))")
                }
            }
        }
        try verify(path, strictMode: strictMode, owner: owner?.uid)
    }

    /// Checks an existing level; a missing one passes (nothing can be taken from it).
    /// - Parameters:
    ///   - strictMode: require exactly 0700 (a directory in a shared place such as `/tmp`).
    ///   - owner: the uid that must own it, if not spin's user.
    func verify(_ path: String, strictMode: Bool = false, owner: UInt32? = nil) throws(SpinError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw SpinError(.failedPrecondition, "cannot check the runtime directory \(path): \(Errno(errno))")
        }
        let fix = "remove it (rm -r \(path)) if it is not yours, or set SPIN_RUNTIME_DIR to a private directory"
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw SpinError(.failedPrecondition, "the runtime directory \(path) is not a directory (a link or a file); spin will not use it: \(fix)")
        }
        let me = geteuid()
        let ownerAccepted: Bool
        if let owner {
            ownerAccepted = info.st_uid == owner
        } else if allowAnyQemuOwner {
            ownerAccepted = info.st_uid == me || (me == 0 && info.st_uid != 0)
        } else {
            ownerAccepted = info.st_uid == me
        }
        guard ownerAccepted else {
            throw SpinError(.failedPrecondition, "the runtime directory \(path) belongs to uid \(info.st_uid), not to this user (uid \(me)); its sockets could be someone else's, so spin will not use it: \(fix)")
        }
        let permissions = info.st_mode & 0o7777
        if strictMode ? permissions != 0o700 : (permissions & 0o022) != 0 {
            throw SpinError(.failedPrecondition, "the runtime directory \(path) has mode \(String(permissions, radix: 8)); others could place sockets in it, so spin will not use it: chmod 700 \(path), or \(fix)")
        }
    }
}
