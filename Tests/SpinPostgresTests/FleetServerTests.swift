import Foundation
import Logging
import PostgresNIO
import SpinClient
import SpinCore
import SpinModel
import SpinPostgres
import SpinTestSupport
import Testing

/// A VM with a new 1 MiB disk in `vol1`.
func fleetVM(_ name: String) -> VMSpec {
    VMSpec(
        name: name, memoryMiB: 128, storage: [.disk(volume: "vol1", image: "\(name).qcow2")],
        newImages: [ImageSpec(volume: "vol1", name: "\(name).qcow2", sizeBytes: 1 << 20)])
}

/// Several `spin-server --store` processes on one PostgreSQL database, driven over HTTP.
@Suite("Fleet: API servers on one PostgreSQL store", .serialized)
struct FleetServerTests {
    @Test("the same name created through two servers at once: exactly one 201, the others 409, one VM and one disk")
    func racingCreates() async throws {
        try await FleetServers.with { fleet in
            let a = try await fleet.start("a")
            let b = try await fleet.start("b")
            let volume = try await a.remote.createVolume(name: "vol1")
            for round in 0..<6 {
                let name = "web\(round)"
                let outcomes = await withTaskGroup(of: (any Error)?.self) { group in
                    for server in [a, b, a, b] {
                        group.addTask {
                            do {
                                _ = try await server.remote.createVM(fleetVM(name))
                                return nil
                            } catch {
                                return error
                            }
                        }
                    }
                    return await group.reduce(into: [(any Error)?]()) { $0.append($1) }
                }
                #expect(outcomes.filter { $0 == nil }.count == 1, "round \(round): \(outcomes)")
                for case let error? in outcomes {
                    #expect((error as? SpinError)?.code == .conflict, "the losers get 409: \(error)")
                }
            }
            let throughA = try await a.remote.listVMs()
            let throughB = try await b.remote.listVMs()
            #expect(throughA.map(\.name) == (0..<6).map { "web\($0)" })
            #expect(throughA == throughB, "every server shows the same records")
            #expect(Set(try await b.remote.listImages(volume: "vol1").map(\.name)) == Set((0..<6).map { "web\($0).qcow2" }))
            #expect(fleet.files(in: volume) == Set((0..<6).map { "web\($0).qcow2" }), "one disk per VM, none left by a loser")
        }
    }

    @Test("1,000 commands served by agents polling both servers over HTTP run exactly once each (idempotency keys counted)")
    func remoteAgentsOnBothServers() async throws {
        try await FleetServers.with { fleet in
            let a = try await fleet.start("a", agents: false)
            let b = try await fleet.start("b", agents: false)
            // 100 packages of 10 commands, half of each depending on the other half,
            // submitted through both servers at once.
            let submitted = try await withThrowingTaskGroup(of: (UInt64, [UUID]).self) { group in
                for p in 0..<100 {
                    let server = p % 2 == 0 ? a : b
                    group.addTask {
                        let heads = try (0..<5).map { try CommandDraft(WriteConfigAction.self, .init(vmID: UInt64(p * 10 + $0 + 1))) }
                        let tails = try (0..<5).map {
                            try CommandDraft(WriteConfigAction.self, .init(vmID: UInt64(p * 10 + $0 + 6)), dependencies: [heads[$0].id])
                        }
                        return (try await server.remote.submit(heads + tails), (heads + tails).map(\.id))
                    }
                }
                return try await group.reduce(into: [(UInt64, [UUID])]()) { $0.append($1) }
            }
            let agents = try [a, a, b, b].map { try ServingChild(url: fleet.postgres.url, socket: $0.socket, runners: 2, idleMillis: 3_000) }
            defer { agents.forEach { $0.kill() } }
            let ran = agents.map { $0.waitForExit() }
            #expect(ran.reduce(0, +) == 1000, "each agent prints how many it ran: \(ran)")
            #expect(ran.filter { $0 > 0 }.count >= 3, "the agents of both servers took work: \(ran)")
            let (effects, deliveries) = try await testkitCounts(fleet.store)
            #expect(effects == Set(submitted.flatMap(\.1)))
            #expect(deliveries.count == 1000 && deliveries.values.allSatisfy { $0 == 1 }, "a command was delivered twice")
            for (package, _) in submitted {
                let server = package % 2 == 0 ? b : a
                #expect(try await server.remote.status(package: package).package.state == .succeeded, "package \(package)")
            }
        }
    }

    @Test("a server SIGKILLed in the middle of creates: the other finishes every create it accepted, and records agree with the files")
    func killedServerMidCreate() async throws {
        try await FleetServers.with { fleet in
            let survivor = try await fleet.start("b")
            let volume = try await survivor.remote.createVolume(name: "vol1")
            for round in 0..<5 {
                // The doomed server runs no agents: what it accepted is finished by the survivor's.
                let doomed = try await fleet.start("a\(round)", agents: false)
                let create = Task { try await doomed.remote.createVM(fleetVM("vm\(round)")) }
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...150)))
                doomed.kill()
                _ = await create.result
            }
            // Everything recorded gets its disk and its config, through the survivor.
            let deadline = ContinuousClock.now + .seconds(60)
            var vms = try await survivor.remote.listVMs()
            while ContinuousClock.now < deadline {
                vms = try await survivor.remote.listVMs()
                let done = vms.allSatisfy { FileManager.default.fileExists(atPath: fleet.directory + "/root/vms/\($0.id)/launch.json") }
                if done && fleet.files(in: volume) == Set(vms.map { "\($0.name).qcow2" }) { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            print("killed mid-create: \(vms.count) of 5 creates had been recorded, and were finished by the survivor")
            #expect(fleet.files(in: volume) == Set(vms.map { "\($0.name).qcow2" }), "a disk for every VM recorded, none for one that is not")
            #expect(Set(try await survivor.remote.listImages(volume: "vol1").map(\.name)) == fleet.files(in: volume))
            for vm in vms {
                #expect(FileManager.default.fileExists(atPath: fleet.directory + "/root/vms/\(vm.id)/launch.json"), "VM \(vm.name) has its config")
            }
            let unfinished = try await fleet.unfinishedPackages()
            #expect(unfinished.isEmpty, "packages left unfinished: \(unfinished)")
        }
    }

    @Test("PostgreSQL restarted while creates run through two servers: calls fail as 503 at worst, and every accepted create finishes")
    func databaseRestartMidPackages() async throws {
        try await FleetServers.with { fleet in
            let a = try await fleet.start("a")
            let b = try await fleet.start("b")
            let volume = try await a.remote.createVolume(name: "vol1")
            let creates = Task {
                try await withThrowingTaskGroup(of: (String, [SpinError.Code]).self) { group in
                    for index in 0..<8 {
                        let server = index % 2 == 0 ? a : b
                        group.addTask {
                            var codes: [SpinError.Code] = []
                            // Retried while unavailable; a retry after the first landed is 409.
                            for _ in 0..<60 {
                                do {
                                    _ = try await server.remote.createVM(fleetVM("db\(index)"))
                                    return ("db\(index)", codes)
                                } catch let error as SpinError where error.code == .unavailable || error.code == .timeout {
                                    codes.append(error.code)
                                    try await Task.sleep(for: .milliseconds(500))
                                } catch let error as SpinError where error.code == .conflict && !codes.isEmpty {
                                    return ("db\(index)", codes + [.conflict])
                                }
                            }
                            return ("db\(index)", codes)
                        }
                    }
                    return try await group.reduce(into: [String: [SpinError.Code]]()) { $0[$1.0] = $1.1 }
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            try await fleet.postgres.restart()
            let outcomes = try await creates.value
            #expect(outcomes.count == 8)
            print("database restart: calls that failed first, by code: \(outcomes.values.flatMap { $0 }.map(\.name).sorted())")
            let vms = try await b.remote.listVMs()
            #expect(Set(vms.map(\.name)) == Set((0..<8).map { "db\($0)" }), "every create landed once: \(outcomes)")
            let deadline = ContinuousClock.now + .seconds(60)
            while try await !fleet.unfinishedPackages().isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(200)) }
            #expect(try await fleet.unfinishedPackages().isEmpty)
            #expect(fleet.files(in: volume) == Set(vms.map { "\($0.name).qcow2" }))
        }
    }

    @Test("a client of one server sees, over SSE, the packages that another server's callers submit")
    func eventsReachEveryServer() async throws {
        try await FleetServers.with { fleet in
            let a = try await fleet.start("a")
            let b = try await fleet.start("b")
            _ = try await a.remote.createVolume(name: "vol1")
            let stream = try await b.remote.events()
            // Events another server made arrive by NOTIFY, a few ms after that server's own
            // streams have them: across servers they may interleave out of order (the volume's
            // package may even show up late), so the watcher waits until one package — the
            // create's, the one with an emulation command — shows each of these.
            let wanted: [@Sendable (SpinEvent) -> Bool] = [
                { $0.kind == .package && $0.state == "enqueued" },
                { $0.kind == .command && $0.resource == "storage" && $0.state == "succeeded" },
                { $0.kind == .command && $0.resource == "emulation" && $0.state == "succeeded" },
                { $0.kind == .package && $0.state == "succeeded" },
            ]
            @Sendable func complete(_ seen: [SpinEvent]) -> Bool {
                guard let package = seen.first(where: wanted[2])?.package else { return false }
                let mine = seen.filter { $0.package == package }
                return wanted.allSatisfy { want in mine.contains(where: want) }
            }
            let watcher = Task {
                var seen: [SpinEvent] = []
                for try await event in stream where event.kind != .vmState {
                    seen.append(event)
                    if complete(seen) { break }
                }
                return seen
            }
            // Give the subscription a moment to be in place on the server.
            try await Task.sleep(for: .milliseconds(500))
            let vm = try await a.remote.createVM(fleetVM("seen"))
            let seen = try await withThrowingTaskGroup(of: [SpinEvent].self) { group in
                group.addTask { try await watcher.value }
                group.addTask {
                    try await Task.sleep(for: .seconds(30))
                    watcher.cancel()
                    return []
                }
                let first = try await group.next() ?? []
                group.cancelAll()
                return first
            }
            #expect(complete(seen), "the create's package shows enqueued, both commands succeeded and its end: \(seen)")
            #expect(try await b.remote.vm("seen").id == vm.id)
        }
    }
}

extension FleetServers {
    /// The packages that have not ended, with their states.
    func unfinishedPackages() async throws -> [UInt64: String] {
        try await store.withConnection { connection in
            var open: [UInt64: String] = [:]
            let rows = try await connection.query("SELECT id, state FROM broker_packages WHERE state NOT IN ('succeeded', 'failed')", logger: Logger(label: "test"))
            for try await (id, state) in rows.decode((Int64, String).self) { open[UInt64(id)] = state }
            return open
        }
    }
}
