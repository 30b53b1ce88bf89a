import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What lies at a path, seen without following a final symbolic link.
enum FileKind: Equatable {
    case absent, regular, directory, symlink, other
}

/// The POSIX calls the storage agent makes, each refusing to follow a final symbolic link and
/// reporting failures as ``SpinError`` naming the path.
enum StorageFiles {
    /// What is at `path` (`lstat`).
    static func kind(_ path: String) throws(SpinError) -> FileKind {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT { return .absent }
            if code == ENOTDIR {
                throw SpinError(.conflict, "a parent of \(path) is a file, not a directory; remove it or choose another path")
            }
            throw failure(code, "inspect", path)
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    /// Checks that the volume directory exists and is a real directory, not a link to one.
    static func requireVolume(_ volume: VolumePath) throws(SpinError) {
        switch try kind(volume.path) {
        case .directory: return
        case .absent:
            throw SpinError(.notFound, "volume directory \(volume.path) does not exist; add the volume first")
        case .symlink:
            throw symlinkRefused("volume directory \(volume.path)")
        case .regular, .other:
            throw SpinError(.conflict, "volume path \(volume.path) is not a directory; remove it or choose another path")
        }
    }

    static func symlinkRefused(_ what: String) -> SpinError {
        SpinError(.failedPrecondition, "\(what) is a symbolic link; spin never follows links in volumes, so replace the link with the real directory or file")
    }

    /// Creates `path` as an empty file with mode 0600, failing if anything exists there
    /// (`O_CREAT|O_EXCL|O_NOFOLLOW`).
    static func createExclusive(_ path: String) throws(SpinError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure(errno, "create", path) }
        defer { close(fd) }
        guard fchmod(fd, 0o600) == 0 else { throw failure(errno, "set the mode of", path) }
    }

    /// Opens a regular file without following a link, sets mode 0600, runs `body` on it (to
    /// mark it) and flushes it to disk.
    static func seal(_ path: String, _ body: (Int32) throws(SpinError) -> Void = { _ in }) throws(SpinError) {
        try withOpenFile(path) { fd throws(SpinError) in
            var info = stat()
            guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
                throw SpinError(.actionFailed, "\(path) is not a regular file after writing it; something else changed the volume")
            }
            guard fchmod(fd, 0o600) == 0 else { throw failure(errno, "set the mode of", path) }
            try body(fd)
            guard fsync(fd) == 0 else { throw failure(errno, "flush", path) }
        }
    }

    /// Runs `body` with `path` opened read-only without following a link (`O_NOFOLLOW`).
    static func withOpenFile<T>(_ path: String, _ body: (Int32) throws(SpinError) -> T) throws(SpinError) -> T {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP { throw symlinkRefused(path) }
            throw failure(code, "open", path)
        }
        defer { close(fd) }
        return try body(fd)
    }

    /// Opens `path` without following a link and checks it is a regular file.
    /// - Returns: its link count.
    static func checkRegular(_ path: String, what: String) throws(SpinError) -> Int {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP { throw symlinkRefused(what) }
            throw failure(code, "open", path)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure(errno, "inspect", path) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw SpinError(.conflict, "\(what) is not a regular file; remove it or choose another name")
        }
        return Int(info.st_nlink)
    }

    /// Flushes a directory's entries (after a create, rename or unlink in it).
    static func syncDirectory(_ path: String) throws(SpinError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw failure(errno, "open", path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure(errno, "flush", path) }
    }

    /// Removes a file (never follows a link: `unlink` removes the entry itself).
    /// - Returns: false when nothing was there.
    @discardableResult
    static func remove(_ path: String) throws(SpinError) -> Bool {
        guard unlink(path) == 0 else {
            let code = errno
            if code == ENOENT { return false }
            throw failure(code, "remove", path)
        }
        return true
    }

    /// The names in a directory, sorted.
    static func list(_ path: String) throws(SpinError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        } catch {
            throw SpinError(.actionFailed, "cannot list \(path): \(error.localizedDescription)")
        }
    }

    /// An error for a failed call, carrying the errno.
    static func failure(_ code: Int32, _ verb: String, _ path: String) -> SpinError {
        SpinError(.actionFailed, "cannot \(verb) \(path): \(String(cString: strerror(code)))",
                  cause: POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO))
    }
}
