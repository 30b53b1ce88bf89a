import SpinQemu

/// A remote storage agent's scope: only volume directories inside its host's allowed roots
/// (`spin-server agent --allow-path DIR`), links resolved. It keeps no records, so image
/// formats come from the command.
extension AllowedRoots: StorageScope {
    /// Throws unless `volume`'s directory lies inside one of the roots.
    /// - Throws: ``SpinError`` `.forbidden` naming the directory, the roots and the option.
    public func checkVolume(_ volume: VolumePath) throws {
        try check(volume.path, what: "volume directory", option: "spin-server agent --allow-path DIR")
    }

    /// Throws unless the file to import lies inside one of the roots.
    public func checkSource(_ path: String) throws {
        try check(path, what: "file to import", option: "spin-server agent --allow-path DIR")
    }

    /// Always nil: the roots record no images.
    public func recordedFormat(of image: ImageLocation) -> QemuDisk.Format? { nil }
}
