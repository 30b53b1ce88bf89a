#if canImport(Glibc)
import Glibc
#endif

extension StorageAgent {
    /// Creates the volume directory (mode 0700, parents 0755) unless it exists as a directory.
    /// - Throws: ``SpinError`` `.invalidArgument` for a bad path, `.conflict` when a file is
    ///   there, `.failedPrecondition` when it is a symbolic link.
    public func addVolume(_ parameters: AddVolumeAction.Parameters) throws {
        let volume = try VolumePath(parameters.volumePath)
        switch try StorageFiles.kind(volume.path) {
        case .directory: return
        case .symlink: throw StorageFiles.symlinkRefused("volume directory \(volume.path)")
        case .regular, .other:
            throw SpinError(.conflict, "volume path \(volume.path) exists and is not a directory; remove it or choose another path")
        case .absent:
            try StorageFiles.makeVolumeDirectory(volume)
            try StorageFiles.syncDirectory(volume.parentPath)
        }
    }

    /// Removes the volume directory if it is empty; succeeds when it is already gone.
    /// - Throws: ``SpinError`` `.failedPrecondition` naming the files still in it, or when it
    ///   is a symbolic link; `.conflict` when it is not a directory.
    public func removeVolume(_ parameters: RemoveVolumeAction.Parameters) throws {
        let volume = try VolumePath(parameters.volumePath)
        switch try StorageFiles.kind(volume.path) {
        case .absent: return
        case .directory: break
        case .symlink: throw StorageFiles.symlinkRefused("volume directory \(volume.path)")
        case .regular, .other:
            throw SpinError(.conflict, "volume path \(volume.path) is not a directory; spin removes only volume directories")
        }
        let remaining = try StorageFiles.list(volume.path)
        guard remaining.isEmpty else {
            let shown = remaining.prefix(20).map(VolumePath.quoted).joined(separator: ", ")
            let more = remaining.count > 20 ? " and \(remaining.count - 20) more" : ""
            throw SpinError(.failedPrecondition, "volume directory \(volume.path) is not empty: it still holds \(shown)\(more); delete its images first")
        }
        guard rmdir(volume.path) == 0 else {
            let code = errno
            if code == ENOENT { return }
            throw StorageFiles.failure(code, "remove directory", volume.path)
        }
        try StorageFiles.syncDirectory(volume.parentPath)
    }
}

extension VolumePath {
    /// The directory holding the volume directory.
    var parentPath: String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}
