import Foundation
import Testing
@testable import SpinCore

/// How the direct supervisor recognises a VM's qemu: from its pidfile checked against /proc,
/// whoever spawned it — and never a process that merely reuses the pid.
@Suite("Direct supervisor: the identity of a VM's qemu", .serialized)
struct DirectIdentityTests {
    @Test("a pidfile naming a process whose command line does not name that pidfile (a reused pid) is not taken for qemu")
    func reusedPID() async throws {
        try await Self.withVM { supervisor, paths in
            let stranger = try Self.spawn(["/bin/sleep", "600"])
            defer { Self.end(stranger) }
            try "\(stranger.processIdentifier)\n".write(toFile: paths.pidFile, atomically: true, encoding: .utf8)
            let status = try await supervisor.status(vmID: paths.vmID)
            #expect(status.state != .running, "\(status)")
            #expect(supervisor.runningIdentity(paths.vmID) == nil)
        }
    }

    @Test("a process started with the VM's pidfile is found and reported running although no spin process recorded it")
    func foundWithoutRecord() async throws {
        try await Self.withVM { supervisor, paths in
            // A stand-in whose argv is what qemu's is for this: `-pidfile PATH`.
            let stand = try Self.spawn(["/usr/bin/python3", "-c", "import time; time.sleep(600)", "-pidfile", paths.pidFile])
            defer { Self.end(stand) }
            // Until the child has exec'd, its /proc command line is not yet python's.
            for _ in 0..<500 {
                let argv = FileManager.default.contents(atPath: "/proc/\(stand.processIdentifier)/cmdline") ?? Data()
                if String(decoding: argv, as: UTF8.self).contains(paths.pidFile) { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            try "\(stand.processIdentifier)\n".write(toFile: paths.pidFile, atomically: true, encoding: .utf8)
            let status = try await supervisor.status(vmID: paths.vmID)
            #expect(status.state == .running)
            #expect(status.pid == stand.processIdentifier)

            // Without the pidfile but with its QMP socket file there, /proc is searched.
            try FileManager.default.removeItem(atPath: paths.pidFile)
            _ = FileManager.default.createFile(atPath: paths.qmpSocket, contents: nil)
            #expect(supervisor.runningIdentity(paths.vmID)?.pid == stand.processIdentifier)

            // Stopping it climbs the ladder (no QMP here) and succeeds only once it is gone.
            try await supervisor.stop(vmID: paths.vmID, timeout: .seconds(1))
            stand.waitUntilExit()
            #expect(try await supervisor.status(vmID: paths.vmID).state == .stopped)
        }
    }

    static func withVM(_ body: (DirectSupervisor, RuntimePaths) async throws -> Void) async throws {
        let path = "/var/tmp/spin-ident-" + UUID().uuidString.prefix(8)
        let root = SpinRoot(explicit: path)
        let paths = RuntimePaths(root: root, vmID: 1)
        try paths.create()
        defer {
            paths.remove()
            try? FileManager.default.removeItem(atPath: path)
        }
        var supervisor = DirectSupervisor(root: root)
        supervisor.termGrace = .milliseconds(500)
        try await body(supervisor, paths)
    }

    static func spawn(_ argv: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        try process.run()
        return process
    }

    static func end(_ process: Process) {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
