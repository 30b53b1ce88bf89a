import SpinQemu

/// The scope of a storage agent that has the registry: it acts only in the directories of
/// registered volumes (the exact path recorded — a volume is recorded before its directory is
/// made and forgotten only after it is removed), and reads image formats from the records.
public struct RegisteredVolumes: StorageScope {
    /// The registry consulted before every action.
    public let registry: any RegistryStore

    /// A scope over `registry`.
    public init(registry: any RegistryStore) { self.registry = registry }

    /// Throws unless `volume` is the directory of a registered volume.
    /// - Throws: ``SpinError`` `.forbidden` naming the directory and how to register it.
    public func checkVolume(_ volume: VolumePath) async throws {
        guard try await registry.volume(atPath: volume.path) != nil else { throw Self.unregistered(volume) }
    }

    /// The format in `image`'s record, or nil when it has none.
    /// - Throws: ``SpinError`` `.forbidden` when its volume is not registered.
    public func recordedFormat(of image: ImageLocation) async throws -> QemuDisk.Format? {
        guard let volume = try await registry.volume(atPath: image.volume.path) else { throw Self.unregistered(image.volume) }
        guard let record = try await registry.imageIfPresent(volume: volume.name, name: image.name) else { return nil }
        return QemuDisk.Format(rawValue: record.format.rawValue)
    }

    /// Allows any file: the facade beside this registry confines the paths callers name to its
    /// allowed paths (``SpinOptions/allowedPaths``) before a command is recorded, and raw
    /// commands' `…Path` parameters are confined when they are added.
    public func checkSource(_ path: String) {}

    static func unregistered(_ volume: VolumePath) -> SpinError {
        SpinError(.forbidden, "\(volume.path) is not the directory of a registered volume; the storage agent acts only inside registered volumes, so register it first with spin volume create NAME \(volume.path)")
    }
}
