import Foundation
import SpinCore
import SpinHarness
import SpinModel
import SpinPostgres
import SpinStore
import Testing
@testable import spin_testkit

/// A draft of a `work` (or `other`) command.
func work(_ tag: String, fail: Bool = false, after dependencies: [UUID] = [], resource: String = "work") throws -> CommandDraft {
    let parameters = RecordEffect.Parameters(tag: tag, fail: fail ? true : nil)
    if resource == "work" { return try CommandDraft(RecordEffect.self, parameters, dependencies: dependencies) }
    return try CommandDraft(RecordOther.self, parameters, dependencies: dependencies)
}

/// Which store a contract test runs on.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case lmdb, postgres
    var testDescription: String { rawValue }
}

/// Two brokers on one store — as two processes or two API servers would have — and what it
/// takes to remove everything afterwards.
final class ContractFixture: ContractClosing, @unchecked Sendable {
    static let catalog = RecordingAgent.catalog

    let kind: StoreKind
    /// The broker most calls go through.
    let broker: any CommandBroker
    /// A second broker on the same store (another server, another process).
    let other: any CommandBroker
    let postgres: ThrowawayPostgres?
    private let stores: [PostgresStore]
    private let directory: String?

    init(_ kind: StoreKind, notifications: Bool = true, requestTimeout: Duration = .seconds(30)) async throws {
        self.kind = kind
        switch kind {
        case .lmdb:
            let path = try contractDirectory("spin-contract")
            directory = path
            let options = BrokerOptions(idleRecheck: .milliseconds(200))
            let storeA = try Store(path: path + "/store", options: StoreOptions(durable: false))
            let storeB = try Store(path: path + "/store", options: StoreOptions(durable: false))
            broker = try Broker(store: storeA, leasePath: path + "/leases", catalog: Self.catalog, options: options)
            other = try Broker(store: storeB, leasePath: path + "/leases", catalog: Self.catalog, options: options)
            postgres = nil
            stores = []
        case .postgres:
            let (server, stores) = try await throwawayStores(requestTimeout: requestTimeout)
            let options = PostgresBrokerOptions(notifications: notifications)
            broker = PostgresBroker(store: stores[0], catalog: Self.catalog, options: options)
            other = PostgresBroker(store: stores[1], catalog: Self.catalog, options: options)
            self.stores = stores
            postgres = server
            directory = nil
        }
    }

    /// Closes everything and removes the store (stops the PostgreSQL server).
    func close() async {
        for broker in [broker, other] {
            if let postgres = broker as? PostgresBroker { await postgres.close() }
        }
        for store in stores { await store.close() }
        await postgres?.stop()
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }
}

/// Runs `body` with a fixture of `kind`, always closing it.
func withFixture(_ kind: StoreKind, notifications: Bool = true, requestTimeout: Duration = .seconds(30), _ body: (ContractFixture) async throws -> Void) async throws {
    try await withClosing(try await ContractFixture(kind, notifications: notifications, requestTimeout: requestTimeout), body)
}

/// A test agent that records how many times each command ran.
struct CountingAgent: Agent {
    let resource: String
    let deliveries: Deliveries

    var actions: ActionTable {
        var table = ActionTable()
        let deliveries = deliveries
        let handler: @Sendable (RecordEffect.Parameters, CommandContext) async throws -> Void = { parameters, context in
            deliveries.record(context.command.id)
            if parameters.fail == true { throw SpinError(.actionFailed, "asked to fail (\(parameters.tag))") }
        }
        if resource == RecordEffect.resource { table.on(RecordEffect.self, handler) } else { table.on(RecordOther.self, handler) }
        return table
    }
}

/// Deliveries per command id, from any number of tasks.
final class Deliveries: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [UUID: Int] = [:]
    func record(_ id: UUID) { lock.withLock { counts[id, default: 0] += 1 } }
    var snapshot: [UUID: Int] { lock.withLock { counts } }
}
