import SpinQemu

/// Where a storage agent may act, asked by the agent itself right before every action that
/// touches a file or directory.
///
/// Commands reach the agent from the facade, but also straight through the broker
/// (`POST /v1/commands`, `spin package add`) carrying any absolute path, so the agent holds
/// every command to its scope instead of trusting whoever submitted it:
/// - ``RegisteredVolumes`` (the agent beside a registry — embedded CLIs, the server): only
///   directories of volumes the registry knows, and image formats from the image records.
/// - ``AllowedRoots`` (a remote agent, `spin-server agent --allow-path DIR`): only directories
///   inside the roots its own host allows; formats come from the command.
public protocol StorageScope: Sendable {
    /// Throws unless the agent may act in `volume`'s directory (create or remove it, or touch
    /// images in it).
    /// - Throws: ``SpinError`` `.forbidden` naming the directory and how to allow it.
    func checkVolume(_ volume: VolumePath) async throws

    /// The format recorded for `image`, or nil when this scope keeps no records or none for
    /// it (the command's own format is used then). A recorded format wins over the command's.
    func recordedFormat(of image: ImageLocation) async throws -> QemuDisk.Format?

    /// Throws unless the agent may read the host file `path` to import it.
    /// - Throws: ``SpinError`` `.forbidden` naming the file and how to allow it.
    func checkSource(_ path: String) async throws
}
