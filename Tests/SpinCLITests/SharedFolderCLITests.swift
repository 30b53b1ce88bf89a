import Foundation
import SpinCore
import SpinTestSupport
import Testing

/// Shared folders with real qemu and real virtiofsd daemons, no guest needed (qemu connects to
/// each daemon when it starts, whatever the guest does).
@Suite("spin vm create --mount: virtiofsd beside qemu under racing and killed commands", .serialized)
struct SharedFolderCLITests {
    @Test("racing starts run one qemu and one virtiofsd per share; stop ends them; a start killed at any instant leaves the status true and nothing the next command does not end")
    func racingAndKilled() async throws {
        try await CLI.with { cli in
            defer { LifecycleCLITests.cleanUp(cli) }
            let share = cli.directory + "/share"
            try FileManager.default.createDirectory(atPath: share, withIntermediateDirectories: true)
            try cli.ok(["volume", "create", "vol"])
            try cli.ok(["vm", "create", "web", "vol", "-c", "1", "-m", "128", "-s", "16M", "--mount", share + ":/srv/share", "--mount", share + ":/srv/ro:ro"])
            let mounts = try #require(((try cli.json(["vm", "get", "web"]) as? [String: Any])?["vm"] as? [String: Any])?["mounts"] as? [[String: Any]])
            #expect(mounts.map { $0["guestPath"] as? String } == ["/srv/share", "/srv/ro"] && mounts[1]["readOnly"] as? Bool == true)
            let runtime = RuntimePaths(root: SpinRoot(explicit: cli.root), vmID: 1).runtimeDirectory
            func state() throws -> String? {
                ((try cli.json(["vm", "get", "web"]) as? [String: Any])?["status"] as? [String: Any])?["state"] as? String
            }
            func settled() async -> Bool {
                await Loopback.waitUntil(timeout: .seconds(10), every: .milliseconds(50)) {
                    FileShareProcesses.count(root: cli.root) == 0 && QemuProcesses.pids(runtimeDirectory: runtime).isEmpty
                }
            }

            let racers = try (0..<4).map { _ in try cli.spawn(["start", "web"]) }
            for result in racers.map({ $0.wait() }) { #expect(result.status == 0, "\(result)") }
            #expect(QemuProcesses.pids(runtimeDirectory: runtime).count == 1)
            #expect(FileShareProcesses.count(root: cli.root) == 2, "\(FileShareProcesses.processes(root: cli.root))")
            #expect(try state() == "running")
            try cli.ok(["stop", "web", "--timeout", "1"])
            #expect(await settled(), "after stop: \(FileShareProcesses.processes(root: cli.root))")

            for (round, delay) in [2, 15, 40, 90, 200].enumerated() {
                let starter = try cli.spawn(["start", "web"])
                try await Task.sleep(for: .milliseconds(delay))
                starter.kill()
                _ = starter.wait()
                // qemu -daemonize: the launching process exits once the daemon is ready.
                _ = await Loopback.waitUntil(timeout: .seconds(5), every: .milliseconds(20)) {
                    QemuProcesses.pids(runtimeDirectory: runtime).count <= 1
                }
                let qemus = QemuProcesses.pids(runtimeDirectory: runtime).count
                let now = try state()
                #expect((now == "running") == (qemus == 1), "killed after \(delay) ms: state \(now ?? "-"), \(qemus) qemu")
                if round.isMultiple(of: 2) {
                    // The next start finishes the job: one qemu, one daemon per share.
                    try cli.ok(["start", "web"])
                    #expect(QemuProcesses.pids(runtimeDirectory: runtime).count == 1)
                    #expect(FileShareProcesses.count(root: cli.root) == 2, "after a start killed at \(delay) ms")
                }
                // stop ends whatever the killed start left, daemons waiting for a qemu included.
                try cli.ok(["stop", "web", "--timeout", "1"])
                #expect(await settled(), "killed after \(delay) ms, then stopped: \(FileShareProcesses.processes(root: cli.root))")
                #expect(try state() == "stopped")
            }
        }
    }

    @Test("a shared folder that is no directory, a bad form and a bad guest path are refused with the fix; nothing is recorded or left running")
    func badInput() async throws {
        try await CLI.with { cli in
            defer { LifecycleCLITests.cleanUp(cli) }
            try cli.ok(["volume", "create", "vol"])
            #expect(try cli.fails(["vm", "create", "a", "vol", "--mount", "/srv:"], 64).contains("HOSTDIR[:GUESTPATH][:ro]"))
            #expect(try cli.fails(["vm", "create", "b", "vol", "--mount", cli.directory + ":/a b"], 64).contains("guestPath"))
            #expect(try cli.fails(["vm", "create", "c", "vol", "--mount", cli.directory + ":/x", "--mount", "/tmp:/x"], 64).contains("mounts[1]"))
            #expect((try cli.json(["vm", "list"]) as? [Any])?.isEmpty == true)

            let gone = cli.directory + "/gone"
            try FileManager.default.createDirectory(atPath: gone, withIntermediateDirectories: true)
            try cli.ok(["vm", "create", "web", "vol", "-m", "128", "-s", "16M", "--mount", gone])
            try FileManager.default.removeItem(atPath: gone)
            #expect(try cli.fails(["start", "web"], 5).contains("not a directory"))
            #expect(FileShareProcesses.count(root: cli.root) == 0)
            #expect(QemuProcesses.pids(runtimeDirectory: RuntimePaths(root: SpinRoot(explicit: cli.root), vmID: 1).runtimeDirectory).isEmpty)
        }
    }
}
