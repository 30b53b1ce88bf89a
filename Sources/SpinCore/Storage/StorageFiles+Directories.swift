import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension StorageFiles {
    /// How a no-replace rename ended.
    enum RenameOutcome: Equatable {
        case renamed
        /// Something already exists under the new name; nothing was changed.
        case targetExists
        /// The two paths are on different filesystems.
        case crossDevice
    }

    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    /// `renameat2` needs `_GNU_SOURCE`, which Swift's Glibc module does not define.
    private static let renameAt2: RenameAt2? = dlsym(nil, "renameat2").map { unsafeBitCast($0, to: RenameAt2.self) }
    private static let renameNoReplaceFlag: UInt32 = 1

    /// Renames `from` to `to` unless `to` exists (`renameat2(RENAME_NOREPLACE)`, or `link` then
    /// `unlink` where the filesystem lacks it). Atomic: `to` is never half there.
    static func renameNoReplace(_ from: String, _ to: String) throws(SpinError) -> RenameOutcome {
        if let renameAt2 {
            if renameAt2(AT_FDCWD, from, AT_FDCWD, to, renameNoReplaceFlag) == 0 { return .renamed }
            let code = errno
            if code == EEXIST { return .targetExists }
            if code == EXDEV { return .crossDevice }
            guard code == EINVAL || code == ENOSYS else { throw failure(code, "rename \(from) to", to) }
        }
        guard link(from, to) == 0 else {
            let code = errno
            if code == EEXIST { return .targetExists }
            if code == EXDEV { return .crossDevice }
            throw failure(code, "link \(from) to", to)
        }
        try remove(from)
        return .renamed
    }

    /// Creates `volume`'s directory with mode 0700, and any missing parent with mode 0755.
    /// An existing directory is left as it is.
    static func makeVolumeDirectory(_ volume: VolumePath) throws(SpinError) {
        let components = volume.path.split(separator: "/")
        var current = ""
        for (index, component) in components.enumerated() {
            current += "/" + component
            let isLeaf = index == components.count - 1
            if mkdir(current, isLeaf ? 0o700 : 0o755) == 0 {
                if isLeaf { _ = chmod(current, 0o700) }
                continue
            }
            let code = errno
            guard code == EEXIST else { throw failure(code, "create directory", current) }
            if isLeaf {
                try requireVolume(volume)
            } else {
                var info = stat()
                guard stat(current, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
                    throw SpinError(.conflict, "cannot create volume directory \(volume.path): \(current) exists and is not a directory")
                }
            }
        }
    }
}
