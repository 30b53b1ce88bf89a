import Foundation
import SpinCore
import SpinHarness
import SpinModel
import SpinPostgres
import SpinStore
import Testing
@testable import spin_testkit

/// Two control planes (registry + broker, paired writes) on one store, LMDB or PostgreSQL.
final class ControlPlaneFixture: ContractClosing, @unchecked Sendable {
    let plane: any ControlPlane
    let other: any ControlPlane
    private let brokers: [PostgresBroker]
    private let stores: [PostgresStore]
    private let server: ThrowawayPostgres?
    private let directory: String?

    init(_ kind: StoreKind) async throws {
        switch kind {
        case .lmdb:
            let path = try contractDirectory("spin-plane-contract")
            func open() throws -> LocalControlPlane {
                let store = try Store(path: path + "/store", options: StoreOptions(durable: false))
                return LocalControlPlane(
                    registry: try Registry(store: store),
                    broker: try Broker(store: store, leasePath: path + "/leases", catalog: RecordingAgent.catalog, options: BrokerOptions(idleRecheck: .milliseconds(200))))
            }
            plane = try open()
            other = try open()
            directory = path
            brokers = []
            stores = []
            server = nil
        case .postgres:
            let (server, stores) = try await throwawayStores(requestTimeout: .seconds(30))
            let brokers = stores.map { PostgresBroker(store: $0, catalog: RecordingAgent.catalog) }
            plane = PostgresControlPlane(registry: PostgresRegistry(store: stores[0]), broker: brokers[0])
            other = PostgresControlPlane(registry: PostgresRegistry(store: stores[1]), broker: brokers[1])
            self.brokers = brokers
            self.stores = stores
            self.server = server
            directory = nil
        }
    }

    func close() async {
        for broker in brokers { await broker.close() }
        for store in stores { await store.close() }
        await server?.stop()
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }
}

/// A record and its package commit together or not at all, on both stores.
@Suite("Control plane contract on both stores", .serialized)
struct ControlPlaneContractTests {
    @Test("a VM and its package commit together; the package's commands see the VM's id", arguments: StoreKind.allCases)
    func vmWithPackage(kind: StoreKind) async throws {
        try await withClosing(try await ControlPlaneFixture(kind)) { f in
            let (vm, package) = try await f.plane.createVM(VMSpec(name: "web")) { vm in [try work("configure \(vm.id)")] }
            #expect(try await f.other.registry.vm("web").id == vm.id)
            let status = try await f.other.broker.status(package: package)
            #expect(status.package.state == .enqueued)
            #expect(status.commands.count == 1)
            #expect(status.commands.first?.parameters.description.contains("configure \(vm.id)") == true)
            let lease = try #require(try await f.other.broker.next(resource: "work", lease: .seconds(5), wait: .seconds(5)))
            #expect(lease.command.package == package)
        }
    }

    @Test("a refused record leaves no package, and a refused package leaves no record", arguments: StoreKind.allCases)
    func neitherWithoutTheOther(kind: StoreKind) async throws {
        try await withClosing(try await ControlPlaneFixture(kind)) { f in
            _ = try await f.plane.createVM(VMSpec(name: "web")) { _ in [] }
            // The name is taken: the commands are never queued.
            let taken = await spinError { _ = try await f.plane.createVM(VMSpec(name: "web")) { _ in [try work("never")] } }
            #expect(taken?.code == .conflict)
            // The package is refused (an action the catalog does not know; a closure that throws): no VM.
            let unknown = await spinError {
                _ = try await f.plane.createVM(VMSpec(name: "db")) { _ in [CommandDraft(resource: "work", action: "nope", parameters: .object([:]))] }
            }
            #expect(unknown?.code == .invalidArgument)
            let thrown = await spinError {
                _ = try await f.plane.createVM(VMSpec(name: "db")) { _ in throw SpinError(.failedPrecondition, "no commands for you") }
            }
            #expect(thrown?.code == .failedPrecondition && thrown?.message == "no commands for you")
            #expect(try await f.other.registry.listVMs().map(\.name) == ["web"])
            #expect(try await f.other.broker.next(resource: "work", lease: .seconds(5), wait: .zero) == nil, "no command was queued")
        }
    }

    @Test("eight racing creates of one name through two planes: one VM, one package", arguments: StoreKind.allCases)
    func racingCreates(kind: StoreKind) async throws {
        try await withClosing(try await ControlPlaneFixture(kind)) { f in
            let results = await withTaskGroup(of: Result<UInt64, SpinError>.self) { group in
                for index in 0..<8 {
                    let plane = index % 2 == 0 ? f.plane : f.other
                    group.addTask {
                        do {
                            return .success(try await plane.createVM(VMSpec(name: "web")) { _ in [try work("make \(index)")] }.package)
                        } catch {
                            return .failure(error as? SpinError ?? SpinError(.internal, "\(error)"))
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let won = results.compactMap { try? $0.get() }
            #expect(won.count == 1)
            #expect(results.allSatisfy { if case .failure(let error) = $0 { error.code == .conflict } else { true } })
            let ran = try await drain(f.other.broker)
            #expect(ran.count == 1, "exactly one package's command was queued")
        }
    }

    @Test("snapshots, images and networks pair their packages the same way", arguments: StoreKind.allCases)
    func otherPairings(kind: StoreKind) async throws {
        try await withClosing(try await ControlPlaneFixture(kind)) { f in
            _ = try await f.plane.createVM(VMSpec(name: "web")) { _ in [] }
            let (snapshot, first) = try await f.plane.reserveSnapshot(vm: "web", name: "before", memory: false) { s in [try work("take \(s.name)")] }
            #expect(snapshot.state == .creating)
            let (updated, second) = try await f.plane.updateSnapshot(vmID: snapshot.vmID, name: "before", change: { $0.state = .deleting }) { s in
                [try work("delete \(s.name)")]
            }
            #expect(updated.state == .deleting)
            #expect(try await f.other.registry.snapshot(vmID: snapshot.vmID, name: "before").state == .deleting)
            let refused = await spinError {
                _ = try await f.plane.reserveSnapshot(vm: "web", name: "after", memory: false) { _ in throw SpinError(.unavailable, "queue down") }
            }
            #expect(refused?.code == .unavailable)
            #expect(try await f.other.registry.snapshots(vmID: snapshot.vmID).map(\.name) == ["before"])
            let network = Network(name: "lan", subnet: try IPv4Subnet(parsing: "10.77.0.0/24"), bridge: "spinbr77")
            let (_, third) = try await f.plane.createNetwork(network) { n in [try work("bridge \(n.bridge)")] }
            #expect(try await f.other.registry.network("lan").bridge == "spinbr77")
            for package in [first, second, third] {
                #expect(try await f.other.broker.status(package: package).commands.count == 1)
            }
        }
    }
}
