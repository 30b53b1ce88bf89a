import SpinStore

extension Registry {
    /// The volume whose directory is exactly `path` (normalized, as recorded), or nil.
    /// - Throws: ``SpinError`` `internal` when the store cannot be read.
    public func volume(atPath path: String) throws -> Volume? {
        // A path that breaks the volume rules (too long to be a key, say) names no volume.
        guard path.utf8.count <= Volume.maxPathLength, !path.isEmpty, !path.utf8.contains(0) else { return nil }
        return try reading { txn, t in
            guard let t, let owner = try txn.get(path, in: t.volumePaths) else { return nil }
            let volume = try Self.loadVolume(String(decoding: owner, as: UTF8.self), txn, t)
            return volume?.path == path ? volume : nil
        }
    }

    /// The image `name` of `volume`, or nil when either is not recorded.
    /// - Throws: ``SpinError`` `internal` when the store cannot be read.
    public func imageIfPresent(volume: String, name: String) throws -> Image? {
        try reading { txn, t in
            guard let t else { return nil }
            return try Self.loadImage(volume: volume, name: name, txn, t)
        }
    }
}
