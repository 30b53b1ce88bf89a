import Foundation
import SpinCore
import SpinHarness
import SpinModel
import SpinPostgres
import SpinStore
import Testing

/// Two registries on one store — as two processes or two API servers would have — on LMDB or
/// on a throwaway PostgreSQL, and what it takes to remove everything afterwards.
final class RegistryFixture: ContractClosing, @unchecked Sendable {
    let kind: StoreKind
    /// The registry most calls go through.
    let registry: any RegistryStore
    /// A second registry on the same store (another server, another process).
    let other: any RegistryStore
    private let postgres: ThrowawayPostgres?
    private let stores: [PostgresStore]
    private let directory: String?

    init(_ kind: StoreKind) async throws {
        self.kind = kind
        switch kind {
        case .lmdb:
            let path = try contractDirectory("spin-registry-contract")
            directory = path
            registry = try Registry(store: try Store(path: path + "/store", options: StoreOptions(durable: false)))
            other = try Registry(store: try Store(path: path + "/store", options: StoreOptions(durable: false)))
            postgres = nil
            stores = []
        case .postgres:
            let (server, stores) = try await throwawayStores(requestTimeout: .seconds(30))
            registry = PostgresRegistry(store: stores[0])
            other = PostgresRegistry(store: stores[1])
            self.stores = stores
            postgres = server
            directory = nil
        }
    }

    /// Closes everything and removes the store (stops the PostgreSQL server).
    func close() async {
        for store in stores { await store.close() }
        await postgres?.stop()
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// Everything the registry holds, read through its public calls, to prove that a refused
    /// call changed nothing.
    func state() async throws -> RegistryState {
        let vms = try await registry.listVMs()
        let networks = try await registry.listNetworks()
        var snapshots: [UInt64: [Snapshot]] = [:]
        for vm in vms { snapshots[vm.id] = try await registry.snapshots(vmID: vm.id) }
        var users: [String: [UInt64]] = [:]
        for network in networks { users[network.name] = try await registry.networkUsers(network.name) }
        return RegistryState(
            vms: vms, volumes: try await registry.listVolumes(), images: try await registry.listAllImages(),
            networks: networks, snapshots: snapshots, networkUsers: users)
    }

    /// Runs `body`, expects a ``SpinError`` with `code` and a message containing `text`, and
    /// checks that the registry's contents did not change.
    func expectRefused(
        _ code: SpinError.Code, _ text: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
    ) async throws {
        let before = try await state()
        let error = try #require(await spinError(body), "expected \(code): \(text)", sourceLocation: sourceLocation)
        #expect(error.code == code, "\(error.message)", sourceLocation: sourceLocation)
        #expect(error.message.contains(text), "\(error.message)", sourceLocation: sourceLocation)
        #expect(try await state() == before, sourceLocation: sourceLocation)
    }

    /// A volume `name` at `/srv/<name>` (the directory need not exist).
    @discardableResult
    func volume(_ name: String = "vol1") async throws -> Volume {
        try await registry.createVolume(name: name, path: "/srv/\(name)")
    }
}

/// A registry's whole contents, as its public calls read them.
struct RegistryState: Equatable {
    var vms: [VM]
    var volumes: [Volume]
    var images: [Image]
    var networks: [Network]
    var snapshots: [UInt64: [Snapshot]]
    var networkUsers: [String: [UInt64]]
}

/// Runs `body` with a registry fixture of `kind`, always closing it.
func withRegistry(_ kind: StoreKind, _ body: (RegistryFixture) async throws -> Void) async throws {
    try await withClosing(try await RegistryFixture(kind), body)
}

/// The error `body` throws as a ``SpinError``, or nil when it throws none (or another type).
func spinError(_ body: () async throws -> Void) async -> SpinError? {
    do {
        try await body()
        return nil
    } catch {
        return error as? SpinError
    }
}

/// A TCP forward of guest port 80 from `address`:`hostPort`.
func port(_ address: String, _ hostPort: Int = 8080, _ proto: PortProtocol = .tcp) -> PortForward {
    PortForward(protocol: proto, guestPort: 80, hostAddress: address, hostPort: hostPort)
}
