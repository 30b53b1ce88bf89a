import Foundation
import Logging
import PostgresNIO
import SpinCore
import SpinModel
import SpinPostgres

/// Broker workloads on PostgreSQL, each child standing for one API server with its agents.
enum PostgresWorkloads {
    /// `pg-serve URL RUNNERS IDLE_MS LEASE_MS`: runs RUNNERS `work` loops on a broker of its
    /// own until the queue has been idle for IDLE_MS, then prints `ran N`. Each delivery is
    /// counted in `test_deliveries`, each effect recorded once in `test_effects` (the
    /// command id is the idempotency key).
    static func serve(_ arguments: [String]) async throws {
        guard arguments.count == 5, let runners = Int(arguments[2]), let idle = Int(arguments[3]), let leaseMillis = Int(arguments[4]) else {
            fail("usage: pg-serve URL RUNNERS IDLE_MS LEASE_MS")
        }
        let store = try await PostgresStore.connect(try PostgresLocation(arguments[1]))
        let broker = PostgresBroker(store: store, catalog: RecordingAgent.catalog)
        let agent = PostgresRecordingAgent(store: store)
        emit("serving")
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<runners {
                group.addTask {
                    let loop = AgentLoop(queue: broker, agent: agent, leaseDuration: .milliseconds(leaseMillis))
                    var ran = 0
                    while try await loop.runOnce(wait: .milliseconds(idle)) != nil { ran += 1 }
                    return ran
                }
            }
            return try await group.reduce(0, +)
        }
        emit("ran \(total)")
        await broker.close()
        await store.close()
    }

    /// The tables ``serve(_:)`` records into.
    static let tables = [
        "CREATE TABLE IF NOT EXISTS test_effects (command_id uuid PRIMARY KEY, tag text NOT NULL)",
        "CREATE TABLE IF NOT EXISTS test_deliveries (command_id uuid PRIMARY KEY, count integer NOT NULL)",
    ]
}

/// ``RecordEffect`` with its effect in PostgreSQL.
struct PostgresRecordingAgent: Agent {
    let store: PostgresStore
    let resource = RecordEffect.resource

    var actions: ActionTable {
        var table = ActionTable()
        let store = store
        table.on(RecordEffect.self) { parameters, context in
            try await Self.record(store: store, command: context.command.id, tag: parameters.tag)
        }
        return table
    }

    /// Counts a delivery of `command` and records its effect once.
    static func record(store: PostgresStore, command id: UUID, tag: String) async throws {
        _ = try await store.withConnection { connection in
            let logger = Logger(label: "spin-testkit")
            try await connection.query(
                "INSERT INTO test_deliveries (command_id, count) VALUES (\(id), 1) ON CONFLICT (command_id) DO UPDATE SET count = test_deliveries.count + 1",
                logger: logger)
            try await connection.query(
                "INSERT INTO test_effects (command_id, tag) VALUES (\(id), \(tag)) ON CONFLICT DO NOTHING", logger: logger)
            return true
        }
    }
}
