#if canImport(Glibc)
import Glibc
#endif

extension StorageAgent {
    /// Creates the volume directory (mode 0700, parents 0755) unless it exists as a directory;
    /// only a directory in the agent's scope (a volume recorded with that path before its
    /// directory is made, or one inside a remote agent's allowed roots).
    /// - Throws: ``SpinError`` `.forbidden` outside the scope, `.invalidArgument` for a bad path, `.conflict` when a file is
    ///   there, `.failedPrecondition` when it is a symbolic link.
    public func addVolume(_ parameters: AddVolumeAction.Parameters) async throws {
        let volume = try VolumePath(parameters.volumePath)
        try await requireInScope(volume)
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

    /// Removes the volume directory if it is empty; succeeds when it is already gone. Only a
    /// directory in the agent's scope: a volume still recorded (the facade removes the
    /// directory before it forgets the volume), or one inside a remote agent's roots.
    /// - Throws: ``SpinError`` `.forbidden` outside the scope, `.failedPrecondition` naming the files still in it, or when it
    ///   is a symbolic link; `.conflict` when it is not a directory.
    public func removeVolume(_ parameters: RemoveVolumeAction.Parameters) async throws {
        let volume = try VolumePath(parameters.volumePath)
        try await requireInScope(volume)
        switch try StorageFiles.kind(volume.path) {
        case .absent: return
        case .directory: break
        case .symlink: throw StorageFiles.symlinkRefused("volume directory \(volume.path)")
        case .regular, .other:
            throw SpinError(.conflict, "volume path \(volume.path) is not a directory; spin removes only volume directories")
        }
        let remaining = try StorageFiles.list(volume.path)
        guard remaining.isEmpty else { throw Self.notEmpty(volume, remaining) }
        guard rmdir(volume.path) == 0 else {
            let code = errno
            if code == ENOENT { return }
            throw StorageFiles.failure(code, "remove directory", volume.path)
        }
        try StorageFiles.syncDirectory(volume.parentPath)
    }
}

extension StorageAgent {
    /// The refusal to remove a volume directory that still holds files, telling spin's own
    /// images (delete them first) from files spin did not make (left for their owner).
    static func notEmpty(_ volume: VolumePath, _ remaining: [String]) -> SpinError {
        func shown(_ names: [String]) -> String {
            let more = names.count > 20 ? " and \(names.count - 20) more" : ""
            return names.prefix(20).map(VolumePath.quoted).joined(separator: ", ") + more
        }
        let spins = remaining.filter { name in
            (try? StorageFiles.kind(volume.child(name))) == .regular && (try? ImageMark.read(atPath: volume.child(name))) != nil
        }
        let foreign = remaining.filter { !spins.contains($0) }
        var parts: [String] = []
        if !spins.isEmpty { parts.append("it still holds spin's images \(shown(spins)); delete its images first") }
        if !foreign.isEmpty {
            parts.append("it holds files spin did not make, which it leaves in place: \(shown(foreign)); move them away first")
        }
        return SpinError(.failedPrecondition, "volume directory \(volume.path) is not empty: " + parts.joined(separator: "; "))
    }
}

extension VolumePath {
    /// The directory holding the volume directory.
    var parentPath: String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}
