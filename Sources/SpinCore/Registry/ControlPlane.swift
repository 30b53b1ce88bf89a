import Foundation

/// A registry and a broker on one store, with the writes that must commit together: a record
/// and the package that carries it out (a new VM and the commands that make its disks, a
/// snapshot and the command that takes it). Killed between the two, a process could otherwise
/// leave a record no package will ever complete, or a package for a record that was refused.
///
/// ``LocalControlPlane`` pairs them in one LMDB write transaction; `PostgresControlPlane`
/// (SpinPostgres) in one SQL transaction. In each pairing, `submitting` receives the record
/// as written (with its id) and returns the package's commands; throwing from it, a command
/// the catalog refuses, or a refused record leaves neither.
public protocol ControlPlane: Sendable {
    /// The records.
    var registry: any RegistryStore { get }
    /// The queue.
    var broker: any CommandBroker { get }

    /// Records a VM (and the images its spec creates) with its package.
    func createVM(_ spec: VMSpec, submitting: @escaping @Sendable (VM) throws -> [CommandDraft]) async throws -> (vm: VM, package: UInt64)

    /// Records an image with the package that makes its file.
    func createImage(_ spec: ImageSpec, base: Bool, submitting: @escaping @Sendable (Image) throws -> [CommandDraft]) async throws -> (image: Image, package: UInt64)

    /// Records a network with the package that makes its bridge.
    func createNetwork(_ network: Network, submitting: @escaping @Sendable (Network) throws -> [CommandDraft]) async throws -> (network: Network, package: UInt64)

    /// Reserves a snapshot name with the package that takes it.
    func reserveSnapshot(
        vm ref: String, name: String, memory: Bool, submitting: @escaping @Sendable (Snapshot) throws -> [CommandDraft]
    ) async throws -> (snapshot: Snapshot, package: UInt64)

    /// Changes a snapshot record with the package that acts on it.
    func updateSnapshot(
        vmID: UInt64, name: String, change: @escaping @Sendable (inout Snapshot) throws -> Void,
        submitting: @escaping @Sendable (Snapshot) throws -> [CommandDraft]
    ) async throws -> (snapshot: Snapshot, package: UInt64)
}
