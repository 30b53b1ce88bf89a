import Foundation
import PostgresNIO
import SpinCore
import SpinModel
import SpinPostgres
import Testing

/// What only the PostgreSQL broker faces: notifications off, the database restarting or gone
/// for a while, schema versions.
@Suite("PostgreSQL broker faults", .serialized)
struct PostgresBrokerFaultTests {
    @Test("with NOTIFY off, waiters on another broker still wake, by polling, and 200 commands run once each")
    func pollingFallback() async throws {
        try await withFixture(.postgres, notifications: false) { f in
            try await expectWakeups(f, within: .seconds(2))  // a poll interval is 100 ms

            let drafts = try (0..<200).map { try work("p\($0)") }
            _ = try await f.broker.submit(Array(drafts[..<100]))
            _ = try await f.other.submit(Array(drafts[100...]))
            let deliveries = Deliveries()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<4 {
                    let broker = index % 2 == 0 ? f.broker : f.other
                    group.addTask { _ = try await drain(broker, deliveries: deliveries) }
                }
                try await group.waitForAll()
            }
            #expect(deliveries.snapshot.count == 200 && deliveries.snapshot.values.allSatisfy { $0 == 1 })
        }
    }

    @Test("a database restart in the middle of a package: calls fail as unavailable, agents back off, the package finishes")
    func restartMidPackage() async throws {
        try await withFixture(.postgres, requestTimeout: .seconds(10)) { f in
            let server = try #require(f.postgres)
            let first = try work("first")
            let second = try work("second", after: [first.id])
            let third = try work("third", after: [second.id])
            let package = try await f.broker.submit([first, second, third])
            let lease = try #require(try await f.broker.next(resource: "work", lease: .seconds(30), wait: .zero))
            #expect(try await f.broker.complete(lease, success: true, reason: nil, errorCode: nil))

            try await server.pause()
            do {
                _ = try await f.broker.status(package: package)
                Issue.record("a call with the database down must fail")
            } catch let error as SpinError {
                #expect(error.code == .unavailable, "\(error)")
                #expect(error.message.contains("PostgreSQL store"), "\(error.message)")
            }
            // Agents start while it is down: their polls fail and are retried.
            let deliveries = Deliveries()
            let agents = Task {
                let loop = AgentLoop(queue: f.other as! PostgresBroker, agent: CountingAgent(resource: "work", deliveries: deliveries),
                                     pollWait: .seconds(1), retryDelay: .milliseconds(200))
                await loop.run()
            }
            try await Task.sleep(for: .seconds(1))
            try await server.resume()
            let status = try await f.broker.waitForPackage(package, timeout: .seconds(60))
            agents.cancel()
            await agents.value
            #expect(status.package.state == .succeeded)
            #expect(status.commands.map(\.state) == [.succeeded, .succeeded, .succeeded])
            #expect(Set(deliveries.snapshot.keys) == [second.id, third.id])

            // And a restart (fast shutdown, connections cut) between two calls is absorbed too.
            try await server.restart()
            let after = try await retryingUnavailable { try await f.broker.submit([try work("after")]) }
            #expect(try await f.broker.status(package: after).package.state == .enqueued)
        }
    }

    @Test("migrations run once, from several servers at once, and a newer schema is refused by name")
    func migrations() async throws {
        try await withFixture(.postgres) { f in
            let server = try #require(f.postgres)
            let location = try PostgresLocation(server.url)
            let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
                for _ in 0..<3 { group.addTask { try await PostgresStore.connect(location) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for store in stores { group.addTask { try await store.migrate() } }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(applied.isEmpty, "the fixture migrated already")
            #expect(try await stores[0].currentSchemaVersion() == PostgresStore.schemaVersion)
            _ = try await stores[0].withConnection { connection in
                try await connection.query("INSERT INTO spin_schema_migrations (version, name) VALUES (999, 'from the future')", logger: .init(label: "test"))
                return true
            }
            do {
                try await stores[1].migrate()
                Issue.record("a newer schema must be refused")
            } catch let error as SpinError {
                #expect(error.code == .failedPrecondition)
                #expect(error.message.contains("999") && error.message.contains("upgrade spin"))
            }
            for store in stores { await store.close() }
        }
    }

    @Test("store URLs: both forms parse, bad ones are refused by name, passwords never printed")
    func locations() throws {
        let socket = try PostgresLocation("postgresql:///fleet?host=/run/postgresql", currentUser: "ops")
        #expect(socket.endpoint == .unixSocket(path: "/run/postgresql/.s.PGSQL.5432"))
        #expect(socket.user == "ops" && socket.database == "fleet" && socket.tls == .disable)
        let tcp = try PostgresLocation("postgres://spin:s3cret@db.internal:6432/spin?sslmode=require")
        #expect(tcp.endpoint == .tcp(host: "db.internal", port: 6432))
        #expect(tcp.password == "s3cret" && tcp.tls == .require)
        #expect(!tcp.description.contains("s3cret"))
        for bad in ["mysql://x@y/z", "postgres:///nohost", "postgres://a@b:99999/c", "postgres://a@b/c?sslmode=maybe", "postgres://a@b/c?weird=1"] {
            #expect(throws: SpinError.self, "\(bad)") { _ = try PostgresLocation(bad) }
        }
    }
}

/// Retries `body` while it fails with `.unavailable` (the database coming back), up to 30 s.
func retryingUnavailable<R>(_ body: () async throws -> R) async throws -> R {
    let deadline = ContinuousClock.now + .seconds(30)
    while true {
        do {
            return try await body()
        } catch let error as SpinError where error.code == .unavailable && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}

/// Bounded growth on PostgreSQL.
@Suite("PostgreSQL broker pruning")
struct PostgresBrokerPruningTests {
    @Test("finished packages past their retention go with every row of theirs; open ones are reaped; running ones stay")
    func pruning() async throws {
        try await withFixture(.postgres) { f in
            let broker = try #require(f.broker as? PostgresBroker)
            let done = try await broker.submit([try work("done"), try work("done too")])
            _ = try await drain(broker)
            let running = try await broker.submit([try work("running")])
            let abandoned = try await broker.newPackage()
            try await broker.add(try work("never enqueued"), to: abandoned)
            #expect(try await broker.pruneFinishedPackages(olderThan: .seconds(60)) == 0, "nothing is old enough")
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await broker.pruneFinishedPackages(olderThan: .milliseconds(200)) == 1)
            #expect(try await broker.reapAbandonedPackages(olderThan: .milliseconds(200)) == 1)
            for gone in [done, abandoned] {
                await #expect(throws: SpinError.self) { _ = try await broker.status(package: gone) }
            }
            #expect(try await broker.status(package: running).package.state == .enqueued)
            let leftovers = try await broker.store.withConnection { connection in
                var counts: [Int64] = []
                for table in ["broker_commands", "broker_dependencies"] {
                    for try await count in try await connection.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), logger: .init(label: "test")).decode(Int64.self) {
                        counts.append(count)
                    }
                }
                return counts
            }
            #expect(leftovers == [1, 0], "only the running package's command remains")
        }
    }
}
