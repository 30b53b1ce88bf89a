import Foundation
import SpinCore
import SpinTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Host-restart helpers: kill what a test started, empty /run, bring the "host" up again.
extension SystemTestEnvironment {
    /// Runs `body`; afterwards (also when it throws) SIGKILLs each of `pids` that is still the
    /// same process (same start time), so a qemu the test orphaned never outlives it.
    func withKilledOnExit(_ pids: [Int32], _ body: () async throws -> Void) async throws {
        let identities = pids.compactMap { pid in Self.startTime(pid).map { (pid, $0) } }
        func killAll() {
            for (pid, start) in identities where Self.startTime(pid) == start { kill(pid, SIGKILL) }
        }
        do {
            try await body()
        } catch {
            killAll()
            throw error
        }
        killAll()
    }

    /// Field 22 of `/proc/<pid>/stat` for a live (non-zombie) process.
    static func startTime(_ pid: Int32) -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, fields[0] != "Z", fields[0] != "X" else { return nil }
        return UInt64(fields[19])
    }

    /// Empties what a reboot empties: this root's runtime directory (`<base>/spin-<tag>`) and
    /// the private manager's XDG_RUNTIME_DIR.
    func emptyRuntimeDirectories() throws {
        let spinRuntime = (RuntimePaths(root: spin.root, vmID: 0).runtimeDirectory as NSString).deletingLastPathComponent
        try? FileManager.default.removeItem(atPath: spinRuntime)
        if let systemd {
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: systemd.runtimeDirectory)) ?? [] {
                try FileManager.default.removeItem(atPath: systemd.runtimeDirectory + "/" + entry)
            }
        }
    }

    /// The host comes up: the private manager starts again (it starts what default.target
    /// wants), or, for the direct supervisor, `spin-server` starts on this root (it starts
    /// the autostart VMs). Returns the server, which the caller terminates.
    func bootUp() async throws -> ServerProcess? {
        if let systemd {
            try await systemd.startAgain()
            return nil
        }
        var environment = ProcessInfo.processInfo.environment
        if let bootIDFile { environment[BootID.overrideVariable] = bootIDFile }
        return try ServerProcess.start(
            ["serve", "--root", spin.root.path, "--supervisor", "direct", "--socket", directory + "/server.sock"],
            environment: environment, log: directory + "/server.log")
    }
}

/// A `spin-server` child process.
struct ServerProcess {
    let process: Process

    static func start(_ arguments: [String], environment: [String: String], log: String) throws -> ServerProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try BuiltExecutables.path("spin-server"))
        process.arguments = arguments
        process.environment = environment
        FileManager.default.createFile(atPath: log, contents: nil)
        let output = FileHandle(forWritingAtPath: log)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return ServerProcess(process: process)
    }

    /// SIGTERM (the server drains), SIGKILL if it is still there after 20 s; waits for it.
    func terminate() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
