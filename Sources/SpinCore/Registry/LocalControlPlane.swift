import Foundation

/// The ``ControlPlane`` of one host: the LMDB ``Registry`` and ``Broker`` on one store, each
/// pairing one write transaction (``Broker/submit(_:in:)``), announced after it commits.
public struct LocalControlPlane: ControlPlane {
    /// The LMDB registry.
    public let records: Registry
    /// The LMDB broker, on the same store.
    public let queue: Broker

    /// Pairs `registry` and `broker`, which must share one store.
    public init(registry: Registry, broker: Broker) {
        records = registry
        queue = broker
    }

    public var registry: any RegistryStore { records }
    public var broker: any CommandBroker { queue }

    public func createVM(_ spec: VMSpec, submitting: @escaping @Sendable (VM) throws -> [CommandDraft]) async throws -> (vm: VM, package: UInt64) {
        let (vm, staged) = try records.createVM(spec) { vm, txn in try queue.submit(try submitting(vm), in: txn) }
        queue.announce(staged)
        return (vm, staged.package)
    }

    public func createImage(_ spec: ImageSpec, base: Bool, submitting: @escaping @Sendable (Image) throws -> [CommandDraft]) async throws -> (image: Image, package: UInt64) {
        let (image, staged) = try records.createImage(spec, base: base) { image, txn in try queue.submit(try submitting(image), in: txn) }
        queue.announce(staged)
        return (image, staged.package)
    }

    public func createNetwork(_ network: Network, submitting: @escaping @Sendable (Network) throws -> [CommandDraft]) async throws -> (network: Network, package: UInt64) {
        let (made, staged) = try records.createNetwork(network) { txn in try queue.submit(try submitting(network), in: txn) }
        queue.announce(staged)
        return (made, staged.package)
    }

    public func reserveSnapshot(
        vm ref: String, name: String, memory: Bool, submitting: @escaping @Sendable (Snapshot) throws -> [CommandDraft]
    ) async throws -> (snapshot: Snapshot, package: UInt64) {
        let (snapshot, staged) = try records.reserveSnapshot(vm: ref, name: name, memory: memory) { snapshot, txn in
            try queue.submit(try submitting(snapshot), in: txn)
        }
        queue.announce(staged)
        return (snapshot, staged.package)
    }

    public func updateSnapshot(
        vmID: UInt64, name: String, change: @escaping @Sendable (inout Snapshot) throws -> Void,
        submitting: @escaping @Sendable (Snapshot) throws -> [CommandDraft]
    ) async throws -> (snapshot: Snapshot, package: UInt64) {
        let (snapshot, staged) = try records.updateSnapshot(vmID: vmID, name: name, change, alongside: { snapshot, txn in
            try queue.submit(try submitting(snapshot), in: txn)
        })
        queue.announce(staged)
        return (snapshot, staged.package)
    }
}
