import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Gives the qemu user exactly one VM's files before it starts, then checks, as that user,
/// that qemu can open every file it will: the disk images and the serial log get an ACL entry
/// (read and write; an overlay's base and the cloud-init seed read only) for the user, and the directories spin made on the way to them (the data
/// root and below, the images' volume directories) one that lets it pass through (search, not
/// list). Owners and mode bits stay as they were. Files the caller named — CD-ROMs, kernels,
/// initrds — get nothing: they must already be readable by the user, or the start fails here,
/// before any qemu runs, naming the file and the user.
struct QemuFileGrants {
    /// The data root: directories inside it are spin's.
    let root: SpinRoot

    /// Grants and checks the files of `plan`; without a ``LaunchPlan/qemuUser`` (qemu runs as
    /// spin's own user) only checks. Runs after the supervisor's `writeConfig`, which made (and
    /// verified) the runtime directory.
    /// - Throws: ``SpinError`` `.failedPrecondition` naming the first file qemu could not use.
    func prepare(_ plan: LaunchPlan) throws {
        let paths = RuntimePaths(root: root, vmID: plan.vmID)
        let user = plan.qemuUser ?? QemuUser.processUser()
        if plan.qemuUser == nil {
            // qemu (spin's own user) creates the log itself, but the check below needs it: an
            // ordinary user's first start of a VM would otherwise fail on a missing log.
            for file in plan.files where file.what == LaunchFile.serialLog { try Self.createIfMissing(file.path) }
        }
        if let other = plan.qemuUser {
            var directories: Set<String> = []
            for file in plan.files where file.granted {
                if file.what == LaunchFile.serialLog {
                    // The log is the qemu user's own, so the unit's ExecStartPre can hand it
                    // over again with chown after a host restart, when no spin process runs.
                    try Self.createIfMissing(file.path)
                    try Self.giveAway(file.path, to: other)
                } else {
                    try Self.grant(file.path, user: other, Self.permissions(for: file))
                }
                let isImage = file.what == LaunchFile.diskImage || file.what == LaunchFile.baseImage
                directories.formUnion(grantableDirectories(above: file.path, isDisk: isImage))
            }
            for directory in directories.sorted() {
                try Self.grant(directory, user: other, PosixACL.execute)
            }
        }
        var requirements = plan.files.map {
            QemuFileAccess.Requirement(what: $0.what, path: $0.path, need: $0.access == .read ? .read : .readWrite)
        }
        requirements.append(.init(what: "runtime directory", path: paths.runtimeDirectory, need: .createIn))
        try QemuFileAccess.check(requirements, as: user, vm: plan.name)
    }

    /// The ACL permissions the qemu user gets on a file spin grants: read and write, but only
    /// read on what qemu only reads (an overlay's base, opened through the backing chain).
    static func permissions(for file: LaunchFile) -> UInt16 {
        file.access == .read ? PosixACL.read : PosixACL.read | PosixACL.write
    }

    /// The directories above `path` that spin may open for passing through: the data root and
    /// every directory inside it, and for a disk image its volume's directory (registered for
    /// spin's use). Others are the operator's, and stay as they are.
    func grantableDirectories(above path: String, isDisk: Bool) -> [String] {
        var result: [String] = []
        var directory = (path as NSString).deletingLastPathComponent
        if isDisk { result.append(directory) }
        while directory.count > 1 {
            if directory == root.path || directory.hasPrefix(root.path + "/") { result.append(directory) }
            directory = (directory as NSString).deletingLastPathComponent
        }
        return result
    }

    /// Adds `permissions` for `user` to the ACL of `path` (opened without following a link),
    /// unless it has them already.
    static func grant(_ path: String, user: QemuUser, _ permissions: UInt16) throws {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else {
            let reason = Errno(errno)
            if reason.code == ENOENT { return }  // the access check names it
            throw SpinError(.failedPrecondition, "cannot open \(path) to give the qemu user \(user.name) access: \(reason)")
        }
        defer { close(fd) }
        var acl: PosixACL
        switch PosixACL.read(fd: fd) {
        case .success(let current): acl = current
        case .failure(let reason): throw SpinError(.failedPrecondition, "cannot read the ACL of \(path): \(reason)")
        }
        if let present = acl.permissions(ofUser: user.uid), present & permissions == permissions { return }
        acl.grant(user: user.uid, permissions)
        if let reason = acl.write(fd: fd) {
            let hint = reason.code == EOPNOTSUPP || reason.code == ENOTSUP ? "; its filesystem has no POSIX ACLs: mount it with acl, or run spin as an ordinary user" : ""
            throw SpinError(.failedPrecondition, "cannot give the qemu user \(user.name) access to \(path): \(reason)\(hint)")
        }
    }

    /// Makes `path` (a regular file, not followed if a link) owned by `user`.
    static func giveAway(_ path: String, to user: QemuUser) throws {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { throw SpinError(.actionFailed, "cannot open \(path) to give it to the qemu user \(user.name): \(Errno(errno))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw SpinError(.failedPrecondition, "\(path) is not a regular file; remove it so spin can make the VM's serial log")
        }
        if info.st_uid == user.uid { return }
        guard fchown(fd, user.uid, user.gid) == 0 else {
            throw SpinError(.actionFailed, "cannot give \(path) to the qemu user \(user.name): \(Errno(errno))")
        }
    }

    /// Makes an empty file (mode 0600) unless one is there.
    static func createIfMissing(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0o600)
        guard fd >= 0 else { throw SpinError(.actionFailed, "cannot create \(path): \(Errno(errno))") }
        close(fd)
    }
}
