import ArgumentParser
import Foundation
import Logging
import PostgresNIO
import SpinCore
import SpinHarness
import SpinPostgres
import SpinStore

/// `spin-bench fleet-broker`: the broker on PostgreSQL against the broker on LMDB and
/// against a bare `FOR UPDATE SKIP LOCKED` queue written directly in SQL, in one run, on one
/// throwaway PostgreSQL server (fsync on, unix socket).
struct FleetBrokerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet-broker",
        abstract: "Broker throughput and next latency: PostgreSQL vs LMDB vs a bare SKIP LOCKED loop (1 and 8 agents)."
    )

    @Option(help: "Commands per run.") var commands = 2000
    @Option(help: "Agent counts.") var agents: [Int] = [1, 8]
    @Flag(help: "Print tables as Markdown.") var markdown = false

    func run() async throws {
        let server = try await ThrowawayPostgres.start()
        do {
            try await measureAll(url: server.url)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    private func measureAll(url: String) async throws {
        let store = try await PostgresStore.connect(try PostgresLocation(url), options: PostgresStoreOptions(maximumConnections: 40))
        try await store.migrate()
        try await RawSkipLockedQueue.create(store)
        let postgres = PostgresBroker(store: store, catalog: BenchAgent.catalog)
        var table = BenchTable(header: ["agents", "flow", "commands/s", "next p50 ms", "next p99 ms", "vs bare SQL"])
        for count in agents {
            let raw = try await Self.loop(agents: count, total: commands) { try await RawSkipLockedQueue.cycle(store, n: $0) }
            let pg = try await Self.loop(agents: count, total: commands) { try await Self.cycle(postgres, n: $0) }
            let dir = try makeBenchDirectory("fleet-lmdb")
            let lmdbStore = try Store(path: dir + "/store", options: StoreOptions(initialMapSize: 1 << 30))
            let lmdb = try Broker(store: lmdbStore, leasePath: dir + "/leases", catalog: BenchAgent.catalog)
            let local = try await Self.loop(agents: count, total: commands) { try await Self.cycle(lmdb, n: $0) }
            try? FileManager.default.removeItem(atPath: dir)
            for (name, result) in [("bare SQL: insert → SKIP LOCKED update → update", raw), ("PostgresBroker: submit → next → complete", pg), ("Broker on LMDB: submit → next → complete", local)] {
                table.add([
                    "\(count)", name, formatRate(result.rate), String(format: "%.2f", result.p50), String(format: "%.2f", result.p99),
                    String(format: "%.2f", result.rate / raw.rate),
                ])
            }
        }
        await postgres.close()
        await store.close()
        print("\(commands) commands per run; PostgreSQL 15 on a unix socket with fsync on; LMDB durable\n")
        print(table.render(markdown: markdown))
    }

    /// One command through a broker: submit, lease, complete. Returns the `next` time in ms.
    static func cycle(_ broker: some CommandBroker, n: Int) async throws -> Double {
        _ = try await broker.submit([try CommandDraft(BenchAgent.Noop.self, .init(n: n))])
        let clock = ContinuousClock()
        let start = clock.now
        // With several agents another one may take this command first; then this one takes
        // theirs, so every command is leased once.
        guard let lease = try await broker.next(resource: "bench", lease: .seconds(30), wait: .seconds(10)) else {
            throw SpinError(.internal, "no command became ready within 10 s")
        }
        let took = (clock.now - start).seconds * 1e3
        _ = try await broker.complete(lease, success: true, reason: nil, errorCode: nil)
        return took
    }

    /// Runs `total` cycles split over `agents` tasks; the rate and the `next` percentiles.
    static func loop(agents: Int, total: Int, _ cycle: @escaping @Sendable (Int) async throws -> Double) async throws -> (rate: Double, p50: Double, p99: Double) {
        let each = total / agents
        var samples: [Double] = []
        let seconds = try await ContinuousClock().measure {
            samples = try await withThrowingTaskGroup(of: [Double].self) { group in
                for agent in 0..<agents {
                    group.addTask {
                        var taken: [Double] = []
                        for i in 0..<each { taken.append(try await cycle(agent * each + i)) }
                        return taken
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
        }.seconds
        samples.sort()
        return (Double(each * agents) / seconds, samples[samples.count / 2], samples[min(samples.count - 1, samples.count * 99 / 100)])
    }
}

/// The baseline: the least SQL a durable queue needs per command, written directly — one
/// autocommit INSERT, the SKIP LOCKED lease UPDATE, one completing UPDATE.
enum RawSkipLockedQueue {
    static let logger = Logger(label: "bench")

    static func create(_ store: PostgresStore) async throws {
        _ = try await store.withConnection { connection in
            try await connection.query(
                """
                CREATE TABLE bench_queue (
                    id bigserial PRIMARY KEY, resource text NOT NULL, parameters jsonb NOT NULL,
                    state text NOT NULL, lease_token uuid, lease_expires_at timestamptz
                )
                """, logger: logger)
            try await connection.query("CREATE INDEX bench_queue_ready ON bench_queue (resource, id) WHERE state = 'ready'", logger: logger)
            return true
        }
    }

    static func cycle(_ store: PostgresStore, n: Int) async throws -> Double {
        try await store.withConnection { connection in
            try await connection.query(
                "INSERT INTO bench_queue (resource, parameters, state) VALUES ('bench', \("{\"n\":\(n)}")::jsonb, 'ready')", logger: logger)
            let clock = ContinuousClock()
            let start = clock.now
            let token = UUID()
            var leased: Int64?
            // Under contention the statement's snapshot may miss rows committed after it began;
            // an agent then simply asks again, as the broker's waiting `next` does.
            for _ in 0..<1000 where leased == nil {
                for try await id in try await connection.query(
                    """
                    UPDATE bench_queue SET lease_token = \(token), lease_expires_at = clock_timestamp() + interval '30 seconds'
                    WHERE id = (
                        SELECT id FROM bench_queue
                        WHERE resource = 'bench' AND state = 'ready' AND (lease_expires_at IS NULL OR lease_expires_at <= clock_timestamp())
                        ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
                    RETURNING id
                    """, logger: logger
                ).decode(Int64.self) { leased = id }
            }
            let took = (clock.now - start).seconds * 1e3
            guard let leased else { throw SpinError(.internal, "no row was ready (another agent took this one and left none)") }
            try await connection.query(
                "UPDATE bench_queue SET state = 'succeeded', lease_token = NULL, lease_expires_at = NULL WHERE id = \(leased) AND lease_token = \(token)",
                logger: logger)
            return took
        }
    }
}
