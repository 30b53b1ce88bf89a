import Foundation
import SpinClient
import SpinCore
import SpinServer
import SpinTestSupport
import Testing

/// Graceful shutdown hands leases back: an agent that gets SIGTERM while a command runs
/// lets the broker give that command to another agent at once, not after its lease (30 s)
/// runs out; a server restarted mid-package loses nothing.
@Suite("Live: agents hand their leases back on SIGTERM", .serialized)
struct AgentShutdownTests {
    @Test("a remote agent stopped mid-command hands it back; another agent finishes it at once")
    func remoteAgentHandsBack() async throws {
        try await ServerFixture.with(runsAgents: false) { fixture in
            let server = try await LiveServer.start(fixture, listen: .unix(path: fixture.socketPath))
            let slow = try SlowStorage(directory: fixture.directory)
            let package = try await fixture.spin.broker.submit([try slow.createImageCommand()])
            let agent = ["agent", "storage", "--root", fixture.root.path, "--host", fixture.socketPath, "--concurrency", "1", "--allow-path", slow.volumePath]
            let first = try ChildProcess.spinServer(agent + ["--drain-seconds", "0"], environment: slow.environment)
            defer { first.kill() }
            try await slow.waitUntilStarted()
            await #expect(try fixture.spin.broker.status(package: package).commands.map(\.state) == [.leased])

            let clock = ContinuousClock()
            let stopped = clock.now
            #expect(await first.terminate() == 0)
            await #expect(try fixture.spin.broker.status(package: package).commands.map(\.state) == [.ready], "the lease was not handed back")

            let second = try ChildProcess.spinServer(agent, environment: nil)
            defer { second.kill() }
            let status = try await fixture.spin.broker.waitForPackage(package, timeout: .seconds(20))
            #expect(status.package.state == .succeeded)
            #expect(clock.now - stopped < .seconds(15), "the command waited for its lease to run out")
            #expect(FileManager.default.fileExists(atPath: slow.imagePath))
            #expect(await second.terminate() == 0)
            await server.stop()
        }
    }

    @Test("a graceful shutdown does not wait out an agent's long poll: it gets no command at once")
    func longPollEndsOnShutdown() async throws {
        try await ServerFixture.with(runsAgents: false) { fixture in
            let server = try await LiveServer.start(fixture, listen: .unix(path: fixture.socketPath))
            let remote = try SpinRemote(endpoint: server.endpoint)
            let poll = Task { try await remote.next(resource: "storage", waitSeconds: 60) }
            try await Task.sleep(for: .milliseconds(300))
            let took = await ContinuousClock().measure { await server.stop() }
            #expect(took < .seconds(10), "shutdown waited \(took)")
            #expect(try await poll.value == nil)
            try await remote.close()
        }
    }

    @Test("a server restarted mid-package hands the command back on SIGTERM, and the next one finishes the package")
    func serverRestart() async throws {
        try await ServerFixture.with(runsAgents: false) { fixture in
            let slow = try SlowStorage(directory: fixture.directory)
            // The server's own agents act only in registered volumes.
            try await fixture.spin.registry.createVolume(name: "slow", path: slow.volumePath)
            let serve = ["serve", "--root", fixture.root.path, "--socket", fixture.socketPath, "--supervisor", "direct", "--allow-path", fixture.directory]
            let first = try ChildProcess.spinServer(serve + ["--drain-seconds", "0"], environment: slow.environment)
            defer { first.kill() }
            let remote = try await SpinRemote.waitForServer(socket: fixture.socketPath)
            let package = try await remote.submit([try slow.createImageCommand()])
            try await slow.waitUntilStarted()
            try await remote.close()

            let clock = ContinuousClock()
            let stopped = clock.now
            #expect(await first.terminate() == 0)
            await #expect(try fixture.spin.broker.status(package: package).commands.map(\.state) == [.ready], "the lease was not handed back")

            let second = try ChildProcess.spinServer(serve, environment: nil)
            defer { second.kill() }
            let again = try await SpinRemote.waitForServer(socket: fixture.socketPath)
            let status = try await again.waitForPackage(package, timeoutSeconds: 20)
            #expect(status.package.state == .succeeded)
            #expect(clock.now - stopped < .seconds(15), "the command waited for its lease to run out")
            try await again.close()
            #expect(await second.terminate() == 0)
        }
    }
}

/// A storage command that stays in flight: `qemu-img create` through spin-testkit's slow
/// `qemu-img` (first on the agent's `PATH`), which marks a file when it starts.
struct SlowStorage: Sendable {
    let directory: String
    let environment: [String: String]
    var marker: String { directory + "/qemu-img.started" }
    var volumePath: String { directory + "/vol" }
    var imagePath: String { volumePath + "/a.qcow2" }

    init(directory: String) throws {
        self.directory = directory
        let bin = directory + "/slow-bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin + "/qemu-img", withDestinationPath: try BuiltExecutables.path("spin-testkit"))
        try FileManager.default.createDirectory(atPath: directory + "/vol", withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["SPIN_TESTKIT_QEMU_IMG_DELAY"] = "120"
        environment["SPIN_TESTKIT_QEMU_IMG_STARTED"] = directory + "/qemu-img.started"
        self.environment = environment
    }

    func createImageCommand() throws -> CommandDraft {
        try CommandDraft(CreateImageAction.self, .init(volumePath: volumePath, image: "a.qcow2", sizeBytes: 1 << 20, format: .qcow2))
    }

    func waitUntilStarted() async throws {
        let started = await Loopback.waitUntil(timeout: .seconds(20)) { FileManager.default.fileExists(atPath: marker) }
        guard started else { throw FixtureError("the slow qemu-img never started") }
    }
}

/// A child process of a built executable, stopped by SIGTERM and awaited without blocking.
struct ChildProcess: Sendable {
    let process: Process
    var pid: Int32 { process.processIdentifier }

    static func spinServer(_ arguments: [String], environment: [String: String]?) throws -> ChildProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try BuiltExecutables.path("spin-server"))
        process.arguments = arguments
        if let environment { process.environment = environment }
        try process.run()
        return ChildProcess(process: process)
    }

    /// SIGTERM, then the exit status (nil when it had to be killed after 20 s).
    func terminate() async -> Int32? {
        Glibc.kill(pid, SIGTERM)
        let exited = await Loopback.waitUntil(timeout: .seconds(20)) { !process.isRunning }
        guard exited else {
            self.kill()
            return nil
        }
        return process.terminationStatus
    }

    func kill() {
        if process.isRunning { _ = Glibc.kill(pid, SIGKILL) }
    }
}

extension SpinRemote {
    /// A client for the server on `socket`, once it answers.
    static func waitForServer(socket: String) async throws -> SpinRemote {
        let remote = try SpinRemote(endpoint: .unix(path: socket))
        let up = await Loopback.waitUntil(timeout: .seconds(20), every: .milliseconds(100)) { (try? await remote.health()) != nil }
        guard up else {
            try? await remote.close()
            throw FixtureError("no server answered on \(socket)")
        }
        return remote
    }
}
