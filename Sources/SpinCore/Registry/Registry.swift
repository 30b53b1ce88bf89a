import Foundation
import SpinStore

/// The registry: typed, validated records of VMs, volumes and images in a ``SpinStore/Store``.
///
/// Every method is synchronous and runs in one LMDB transaction, so a change that touches
/// several records (a VM with its new images) happens entirely or not at all, and every check
/// (validation, name, port, image and path conflicts) runs before anything is written. Another
/// process may change the store at any time; each call sees a consistent snapshot.
///
/// Layout (named databases):
/// - `vms`: VM id (big-endian UInt64) → VM in a compact binary record (``VMRecordCodec``)
/// - `vm.names`: VM name → id
/// - `vm.ports`: `protocol/hostPort/hostAddress` (address canonical) → id
/// - `volumes`: volume name → ``Volume`` (JSON); `volume.paths`: path → volume name
/// - `images`: `volume` NUL `name` → ``Image`` (JSON), so one volume's images are a prefix scan
/// - `vm.snapshots`: VM id (big-endian UInt64) + snapshot name → ``Snapshot`` (JSON)
/// - `networks`: network name → ``Network`` (JSON); `network.bridges`: bridge name → network
///   name; `network.addresses`: `network` NUL address (4 bytes, big-endian) → VM id — one
///   reserved address per key, so uniqueness is the index's, inside the write transaction
public final class Registry: Sendable {
    /// The store the registry keeps its records in.
    public let store: Store
    /// Decoded VMs by id with their stored bytes, so repeated listings skip unchanged records.
    let vmCache = VMRecordCache()

    /// The names of the registry's databases, for tools that inspect the store.
    public static let databaseNames = [
        Tables.vms, Tables.vmNames, Tables.vmPorts, Tables.volumes, Tables.volumePaths, Tables.images, Tables.snapshots,
        Tables.networks, Tables.networkBridges, Tables.networkAddresses,
    ]

    /// Opens the registry over `store`, creating its databases when missing.
    /// - Parameter prepares: false for a store opened read-only: missing databases then read
    ///   as empty, and nothing is written.
    /// - Throws: ``SpinError`` `internal` when the store cannot be written.
    public init(store: Store, prepares: Bool = true) throws {
        self.store = store
        guard prepares else { return }
        do { try store.prepare(databases: Self.databaseNames) } catch { throw Self.translate(error) }
    }

    /// Runs `body` in a read transaction with the registry's databases; `nil` tables mean the
    /// databases do not exist (yet) in this store.
    func reading<R>(_ body: (ReadTransaction, Tables?) throws -> R) throws -> R {
        do {
            return try store.read { txn in try body(txn, try Tables(txn)) }
        } catch { throw Self.translate(error) }
    }

    /// Runs `body` in a write transaction with the registry's databases. The body must only
    /// change the store: it may run again when the map grows.
    func writing<R>(_ body: (WriteTransaction, Tables) throws -> R) throws -> R {
        do {
            return try store.write { txn in try body(txn, try Tables(txn)) }
        } catch { throw Self.translate(error) }
    }

    /// Store failures become ``SpinError`` `internal`; anything else (a ``SpinError``, or an
    /// error thrown by a caller's change closure) passes through unchanged.
    static func translate(_ error: any Error) -> any Error {
        guard let error = error as? StoreError else { return error }
        return SpinError(.internal, "the registry store failed: \(error.message)", cause: error)
    }
}
