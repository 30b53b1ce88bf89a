import Foundation
import Logging
import PostgresNIO
import SpinCore
import SpinModel
import SpinPostgres
import SpinTestSupport
import Testing
@testable import spin_testkit

/// Brokers in several processes on one database — each child stands for an API server with
/// its agents — with one of them SIGKILLed in the middle.
@Suite("PostgreSQL broker across processes", .serialized)
struct PostgresBrokerProcessTests {
    @Test("1,000 commands served by two processes run exactly once each (idempotency keys counted)")
    func twoServers() async throws {
        try await withServers { store, broker, url in
            let (packages, ids) = try await submit(broker, packages: 100, size: 10)
            let children = try (0..<2).map { _ in try ServingChild(url: url, runners: 4, idleMillis: 1500, leaseMillis: 30_000) }
            defer { children.forEach { $0.kill() } }
            let ran = children.map { $0.waitForExit() }
            #expect(ran.reduce(0, +) == 1000, "each process prints how many it ran: \(ran)")
            #expect(ran.allSatisfy { $0 > 0 }, "both processes took work: \(ran)")
            let (effects, deliveries) = try await testkitCounts(store)
            #expect(effects == Set(ids))
            #expect(deliveries.values.allSatisfy { $0 == 1 }, "a command was delivered twice")
            for package in packages { #expect(try await broker.status(package: package).package.state == .succeeded) }
        }
    }

    @Test("one of two serving processes SIGKILLed mid-run: its leases run out, the other finishes every package, each effect once")
    func killedServer() async throws {
        try await withServers { store, broker, url in
            let (packages, ids) = try await submit(broker, packages: 50, size: 10)
            let doomed = try ServingChild(url: url, runners: 4, idleMillis: 60_000, leaseMillis: 2_000)
            defer { doomed.kill() }
            // Let the doomed one work alone for a while, then kill it mid-flight.
            let deadline = ContinuousClock.now + .seconds(60)
            while try await testkitCounts(store).effects.count < 100, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            doomed.kill()
            let survivor = try ServingChild(url: url, runners: 4, idleMillis: 4_000, leaseMillis: 2_000)
            defer { survivor.kill() }
            _ = survivor.waitForExit()
            for package in packages {
                #expect(try await broker.status(package: package).package.state == .succeeded, "package \(package)")
            }
            let (effects, deliveries) = try await testkitCounts(store)
            #expect(effects == Set(ids), "every command's effect happened")
            let redelivered = deliveries.values.filter { $0 > 1 }.count
            #expect(redelivered <= 4, "only what the killed process held (4 runners) runs again: \(redelivered)")
        }
    }

    /// Submits `packages` packages of `size` commands (the second half of each depends on the
    /// first half); returns the package and command ids.
    private func submit(_ broker: PostgresBroker, packages: Int, size: Int) async throws -> ([UInt64], [UUID]) {
        var ids: [UInt64] = [], commands: [UUID] = []
        for p in 0..<packages {
            let heads = try (0..<size / 2).map { try CommandDraft(RecordEffect.self, .init(tag: "p\(p)h\($0)")) }
            let tails = try (0..<size / 2).map { try CommandDraft(RecordEffect.self, .init(tag: "p\(p)t\($0)"), dependencies: [heads[$0].id]) }
            ids.append(try await broker.submit(heads + tails))
            commands += (heads + tails).map(\.id)
        }
        return (ids, commands)
    }

    /// A migrated throwaway database with the workload's tables, and a broker on it.
    private func withServers(_ body: (PostgresStore, PostgresBroker, String) async throws -> Void) async throws {
        let server = try await ThrowawayPostgres.start()
        let store: PostgresStore
        do {
            store = try await PostgresStore.connect(try PostgresLocation(server.url))
        } catch {
            await server.stop()
            throw error
        }
        let broker = PostgresBroker(store: store, catalog: RecordingAgent.catalog)
        do {
            try await store.migrate()
            _ = try await store.withConnection { connection in
                for table in PostgresWorkloads.tables { try await connection.query(PostgresQuery(unsafeSQL: table), logger: Logger(label: "test")) }
                return true
            }
            try await body(store, broker, server.url)
        } catch {
            await broker.close()
            await store.close()
            await server.stop()
            throw error
        }
        await broker.close()
        await store.close()
        await server.stop()
    }
}

/// Commands with an effect, and deliveries per command, from the testkit's tables
/// (`PostgresWorkloads.tables`).
func testkitCounts(_ store: PostgresStore) async throws -> (effects: Set<UUID>, deliveries: [UUID: Int]) {
    try await store.withConnection { connection in
        let logger = Logger(label: "test")
        var effects: Set<UUID> = []
        for try await id in try await connection.query("SELECT command_id FROM test_effects", logger: logger).decode(UUID.self) { effects.insert(id) }
        var deliveries: [UUID: Int] = [:]
        for try await (id, count) in try await connection.query("SELECT command_id, count FROM test_deliveries", logger: logger).decode((UUID, Int32).self) {
            deliveries[id] = Int(count)
        }
        return (effects, deliveries)
    }
}

/// A serving `spin-testkit` child: `pg-serve` (a broker of its own on the database) or
/// `pg-remote-serve` (agents that reach the broker through a spin server's HTTP API).
final class ServingChild: @unchecked Sendable {
    let process = Process()
    private let output = Pipe()

    /// `spin-testkit ARGUMENTS…`.
    init(arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: try testkitPath())
        process.arguments = arguments
        process.standardOutput = output
        try process.run()
    }

    /// A `pg-serve` child with a broker of its own.
    convenience init(url: String, runners: Int, idleMillis: Int, leaseMillis: Int) throws {
        try self.init(arguments: ["pg-serve", url, String(runners), String(idleMillis), String(leaseMillis)])
    }

    /// A `pg-remote-serve` child taking commands from the server on `socket`.
    convenience init(url: String, socket: String, runners: Int, idleMillis: Int) throws {
        try self.init(arguments: ["pg-remote-serve", url, socket, String(runners), String(idleMillis)])
    }

    /// Waits for the child to end and returns the count it printed (0 when it printed none).
    func waitForExit() -> Int {
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let line = text.split(separator: "\n").last { $0.hasPrefix("ran ") }
        return line.flatMap { Int($0.dropFirst(4)) } ?? 0
    }

    /// SIGKILLs the child if it still runs.
    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
