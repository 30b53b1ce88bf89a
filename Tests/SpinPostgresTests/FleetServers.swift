import Foundation
import Logging
import PostgresNIO
import SpinClient
import SpinCore
import SpinHarness
import SpinModel
import SpinPostgres
import SpinTestSupport
@testable import spin_testkit

/// A real `spin-server serve --store URL` process on a unix socket, and a client for it.
final class FleetServer: @unchecked Sendable {
    let name: String
    let socket: String
    let process = Process()
    let remote: SpinRemote

    /// Starts a server on `root` (shared with the fleet's other servers on this host) and
    /// waits until it answers.
    init(name: String, directory: String, url: String, agents: Bool) async throws {
        self.name = name
        socket = directory + "/\(name).sock"
        process.executableURL = URL(fileURLWithPath: try BuiltExecutables.path("spin-server"))
        process.arguments = ["serve", "--root", directory + "/root", "--socket", socket, "--store", url, "--supervisor", "direct"]
            + (agents ? [] : ["--no-agents"])
        let log = directory + "/\(name).log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try? FileManager.default.removeItem(atPath: socket)
        try process.run()
        remote = try SpinRemote(endpoint: .unix(path: socket), timeout: .seconds(120))
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            do {
                _ = try await remote.listVMs()
                return
            } catch {
                guard process.isRunning, ContinuousClock.now < deadline else {
                    kill()
                    throw HarnessError("spin-server \(name) did not answer on \(socket): \(error); see \(log)")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// SIGKILLs the server if it still runs.
    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERMs the server (it drains) and waits for it.
    func stop() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }
}

/// Several API servers on one throwaway PostgreSQL database and one data root — a fleet's
/// stateless front ends on one host — removed afterwards whatever happens (with
/// `SPIN_KEEP_FLEET` set, the directory with the servers' logs stays, for a look).
final class FleetServers: @unchecked Sendable {
    let postgres: ThrowawayPostgres
    let directory: String
    /// A pool of this test's own on the database, for what the test checks directly.
    let store: PostgresStore
    private(set) var servers: [FleetServer] = []

    private init(postgres: ThrowawayPostgres, directory: String, store: PostgresStore) {
        self.postgres = postgres
        self.directory = directory
        self.store = store
    }

    /// Runs `body` with a fresh database (migrated, with the testkit's tables) and root.
    static func with(_ body: (FleetServers) async throws -> Void) async throws {
        let postgres = try await ThrowawayPostgres.start()
        let fleet: FleetServers
        do {
            let directory = try contractDirectory("spf")
            try FileManager.default.createDirectory(atPath: directory + "/root", withIntermediateDirectories: true)
            let store = try await PostgresStore.connect(try PostgresLocation(postgres.url), options: PostgresStoreOptions(requestTimeout: .seconds(30)))
            fleet = FleetServers(postgres: postgres, directory: directory, store: store)
        } catch {
            await postgres.stop()
            throw error
        }
        do {
            try await fleet.store.migrate()
            _ = try await fleet.store.withConnection { connection in
                for table in PostgresWorkloads.tables { try await connection.query(PostgresQuery(unsafeSQL: table), logger: Logger(label: "test")) }
                return true
            }
            try await body(fleet)
        } catch {
            await fleet.close()
            throw error
        }
        await fleet.close()
    }

    /// Starts another server on the fleet's database and root.
    @discardableResult
    func start(_ name: String, agents: Bool = true) async throws -> FleetServer {
        let server = try await FleetServer(name: name, directory: directory, url: postgres.url, agents: agents)
        servers.append(server)
        return server
    }

    /// The files in a volume's directory.
    func files(in volume: Volume) -> Set<String> {
        Set(((try? FileManager.default.contentsOfDirectory(atPath: volume.path)) ?? []).filter { !$0.hasPrefix(".") })
    }

    private func close() async {
        for server in servers {
            server.kill()
            try? await server.remote.close()
        }
        await store.close()
        await postgres.stop()
        if ProcessInfo.processInfo.environment["SPIN_KEEP_FLEET"] == nil { try? FileManager.default.removeItem(atPath: directory) }
    }
}
