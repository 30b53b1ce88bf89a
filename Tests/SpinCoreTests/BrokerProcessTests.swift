import Foundation
import SpinTestSupport
import SpinCore
import Testing
@testable import spin_testkit

@Suite("Broker across processes", .serialized)
struct BrokerProcessTests {
    @Test("a command leased by an agent killed with SIGKILL is redelivered at once, before its lease would expire, and its effect happens once")
    func crashedAgent() async throws {
        let fixture = try BrokerFixture()
        let commands = try (0..<3).map { try work("c\($0)") }
        let package = try fixture.broker.submit(commands)

        let child = Process()
        child.executableURL = URL(fileURLWithPath: try testkitPath())
        child.arguments = ["broker-take", fixture.storePath, fixture.leasePath, "3600"]
        let pipe = Pipe()
        child.standardOutput = pipe
        try child.run()
        defer { if child.isRunning { kill(child.processIdentifier, SIGKILL) } }
        let line = String(decoding: pipe.fileHandleForReading.availableData, as: UTF8.self)
        let taken = try #require(UUID(uuidString: line.trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()

        // The lease names its holder, which is gone: the command is the oldest ready one
        // again at once, although its hour-long lease has not run out.
        let runner = fixture.runner(lease: .seconds(5))
        var ran: [UUID] = []
        while ran.count < 3, let command = try await runner.runOnce(wait: .seconds(5)) { ran.append(command.id) }
        #expect(Set(ran) == Set(commands.map(\.id)))
        #expect(ran.first == taken, "the dead agent's command comes back first, without waiting for its lease")

        let status = try fixture.broker.status(package: package)
        #expect(status.package.state == .succeeded)
        let (effects, deliveries) = try fixture.deliveries()
        #expect(effects == 3)
        #expect(deliveries.values.allSatisfy { $0 == 1 }, "the dead agent never ran the action")
    }

    @Test("8 runners in 2 processes complete 10,000 commands, each exactly once, none lost")
    func concurrentRunners() async throws {
        let fixture = try BrokerFixture()
        // 1,000 packages of 10 commands; in each, the last five depend on the first five.
        var packages: [UInt64] = []
        for p in 0..<1000 {
            let heads = try (0..<5).map { try work("p\(p)h\($0)") }
            let tails = try (0..<5).map { try work("p\(p)t\($0)", after: [heads[$0].id]) }
            packages.append(try fixture.broker.submit(heads + tails))
        }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: try testkitPath())
        child.arguments = ["broker-serve", fixture.storePath, fixture.leasePath, "4", "1500"]
        let pipe = Pipe()
        child.standardOutput = pipe
        try child.run()
        defer { if child.isRunning { kill(child.processIdentifier, SIGKILL) } }

        let broker = fixture.broker
        let agent = fixture.agent()
        let local = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let runner = AgentRunner(broker: broker, agent: agent)
                    var ran = 0
                    while try await runner.runOnce(wait: .milliseconds(1500)) != nil { ran += 1 }
                    return ran
                }
            }
            return try await group.reduce(0, +)
        }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        let remote = Int(output.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? -1
        #expect(child.terminationStatus == 0)
        #expect(remote > 0, "the other process took part")
        #expect(local + remote == 10_000)

        let (effects, deliveries) = try fixture.deliveries()
        #expect(effects == 10_000)
        #expect(deliveries.count == 10_000)
        #expect(deliveries.values.allSatisfy { $0 == 1 }, "no command ran twice")
        for id in packages {
            #expect(try fixture.broker.status(package: id).package.state == .succeeded)
        }
    }

    // In this serialized suite, so its three children do not slow the timing-sensitive
    // crashed-agent test above.
    @Test("two processes pruning every finished package while this one submits and another serves lose nothing")
    func pruningWhileSubmitting() async throws {
        let fixture = try BrokerFixture()
        func start(_ arguments: [String]) throws -> (Process, Pipe) {
            let child = Process()
            child.executableURL = URL(fileURLWithPath: try testkitPath())
            child.arguments = arguments
            let pipe = Pipe()
            child.standardOutput = pipe
            try child.run()
            return (child, pipe)
        }
        let pruners = try (0..<2).map { _ in try start(["broker-prune", fixture.storePath, fixture.leasePath]) }
        let server = try start(["broker-serve", fixture.storePath, fixture.leasePath, "2", "3000"])
        defer { for (child, _) in pruners + [server] where child.isRunning { kill(child.processIdentifier, SIGKILL) } }

        // 300 packages of three commands (a tail after two heads), submitted while a runner
        // here and two in the server process run them and the pruners delete finished ones.
        let broker = fixture.broker
        let agent = fixture.agent()
        let local = Task {
            let runner = AgentRunner(broker: broker, agent: agent)
            while try await runner.runOnce(wait: .milliseconds(3000)) != nil {}
        }
        var commands = 0
        for p in 0..<300 {
            let heads = try (0..<2).map { try work("p\(p)h\($0)") }
            let tail = try work("p\(p)t", after: heads.map(\.id))
            if p % 2 == 0 {
                _ = try fixture.broker.submit(heads + [tail])
            } else {
                _ = try await fixture.broker.submitGrouped(heads + [tail])
            }
            commands += 3
        }
        try await local.value
        _ = server.1.fileHandleForReading.readDataToEndOfFile()
        server.0.waitUntilExit()
        #expect(server.0.terminationStatus == 0)

        let (effects, deliveries) = try fixture.deliveries()
        #expect(effects == commands, "every submitted command ran")
        #expect(deliveries.values.allSatisfy { $0 == 1 }, "no command ran twice")
        // The pruners remove everything once it has finished.
        var counts = try fixture.rowCounts()
        for _ in 0..<3000 where counts["packages"] != 0 {
            try await Task.sleep(for: .milliseconds(10))
            counts = try fixture.rowCounts()
        }
        #expect(counts.values.allSatisfy { $0 == 0 }, "rows left: \(counts)")
        for (child, _) in pruners { kill(child.processIdentifier, SIGKILL); child.waitUntilExit() }
        let printed = pruners.map { String(decoding: $0.1.fileHandleForReading.availableData, as: UTF8.self) }
        #expect(printed.contains { $0.contains("pruned") })
    }
}
