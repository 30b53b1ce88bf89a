import Foundation
import PostgresNIO
import SpinCore
import SpinModel

/// The ``ControlPlane`` of a fleet: ``PostgresRegistry`` and ``PostgresBroker`` on one
/// database, each pairing one SQL transaction (the record's rows, then the package's one
/// statement, ``SubmitBatch``); notifications go out after it commits.
public struct PostgresControlPlane: ControlPlane {
    /// The registry.
    public let records: PostgresRegistry
    /// The broker, on the same database.
    public let queue: PostgresBroker

    /// Pairs `registry` and `broker`, which must share one database.
    public init(registry: PostgresRegistry, broker: PostgresBroker) {
        records = registry
        queue = broker
    }

    public var registry: any RegistryStore { records }
    public var broker: any CommandBroker { queue }

    public func createVM(_ spec: VMSpec, submitting: @escaping @Sendable (VM) throws -> [CommandDraft]) async throws -> (vm: VM, package: UInt64) {
        let (vm, package) = try await records.createVM(spec) { [queue] vm, connection in
            try await queue.insertPackage(try submitting(vm), connection)
        }
        return (vm, queue.announce(package))
    }

    public func createImage(_ spec: ImageSpec, base: Bool, submitting: @escaping @Sendable (Image) throws -> [CommandDraft]) async throws -> (image: Image, package: UInt64) {
        let (image, package) = try await records.createImage(spec, base: base) { [queue] image, connection in
            try await queue.insertPackage(try submitting(image), connection)
        }
        return (image, queue.announce(package))
    }

    public func createNetwork(_ network: Network, submitting: @escaping @Sendable (Network) throws -> [CommandDraft]) async throws -> (network: Network, package: UInt64) {
        let (made, package) = try await records.createNetwork(network) { [queue] connection in
            try await queue.insertPackage(try submitting(network), connection)
        }
        return (made, queue.announce(package))
    }

    public func reserveSnapshot(
        vm ref: String, name: String, memory: Bool, submitting: @escaping @Sendable (Snapshot) throws -> [CommandDraft]
    ) async throws -> (snapshot: Snapshot, package: UInt64) {
        let (snapshot, package) = try await records.reserveSnapshot(vm: ref, name: name, memory: memory) { [queue] snapshot, connection in
            try await queue.insertPackage(try submitting(snapshot), connection)
        }
        return (snapshot, queue.announce(package))
    }

    public func updateSnapshot(
        vmID: UInt64, name: String, change: @escaping @Sendable (inout Snapshot) throws -> Void,
        submitting: @escaping @Sendable (Snapshot) throws -> [CommandDraft]
    ) async throws -> (snapshot: Snapshot, package: UInt64) {
        let (snapshot, package) = try await records.updateSnapshot(vmID: vmID, name: name, change: change) { [queue] snapshot, connection in
            try await queue.insertPackage(try submitting(snapshot), connection)
        }
        return (snapshot, queue.announce(package))
    }
}

extension PostgresBroker {
    /// A package written inside a caller's transaction, and the notifications to send once it
    /// commits.
    struct StagedPackage: Sendable {
        let id: UInt64
        let notifications: [String]
        let events: [BrokerEvent]
    }

    /// Validates `commands` and writes them as an enqueued package on `connection`, inside
    /// the caller's transaction. Call ``announce(_:)`` after the commit.
    func insertPackage(_ commands: [CommandDraft], _ connection: PostgresConnection) async throws -> StagedPackage {
        for command in commands {
            try catalog.validate(resource: command.resource, action: command.action, parameters: command.parameters)
        }
        let batch = try SubmitBatch(commands)
        let (id, notifications) = try await batch.insert(connection)
        return StagedPackage(id: id, notifications: notifications, events: batch.events(package: id))
    }

    /// Wakes waiters for a package whose transaction committed; returns its id.
    func announce(_ staged: StagedPackage) -> UInt64 {
        published(staged.notifications, events: staged.events)
        return staged.id
    }
}
