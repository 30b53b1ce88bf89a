import Foundation
import SpinCore
import SpinQemu
import SpinStore
import SpinHarness

/// The resident memory of a spawned `spin-server` (built next to spin-bench): idle, then with
/// VMs defined and listed, then after a short wrk load.
enum ServerRSS {
    static func measure(directory: String, vms: Int, token: String) async throws -> BenchTable {
        let root = directory + "/rss-root"
        let port = try Loopback.freePort()
        let url = "http://127.0.0.1:\(port)"
        let pid = try ProcessRunner.spawnDetached(
            try BuiltExecutables.path("spin-server"),
            ["serve", "--root", root, "--listen", "127.0.0.1:\(port)", "--token", token, "--supervisor", "direct", "--no-agents"],
            logPath: directory + "/spin-server.log")
        do {
            return try await measure(pid: pid, root: root, url: url, vms: vms, token: token)
        } catch {
            kill(pid, SIGKILL)
            _ = try? await ProcessRunner.waitForExit(pid: pid)
            throw error
        }
    }

    private static func measure(pid: pid_t, root: String, url: String, vms: Int, token: String) async throws -> BenchTable {
        _ = try await HTTPFetch.get(url + "/v1/health", token: token, retryFor: .seconds(20))
        try await Task.sleep(for: .seconds(1))
        var table = BenchTable(header: ["spin-server", "VmRSS"])
        table.add(["idle (started, one health request)", try rss(pid)])

        let store = try Store(path: SpinRoot(explicit: root).storePath)
        try ServerBench.defineVMs(try Registry(store: store), count: vms)
        _ = try await HTTPFetch.get(url + "/v1/vms", token: token)
        for id in 1...vms { _ = try await HTTPFetch.get(url + "/v1/vms/\(id)", token: token) }
        table.add(["\(vms) VMs defined, each fetched", try rss(pid)])

        _ = try await Wrk.run(url: url + "/v1/vms", token: token, seconds: 3, threads: 2, connections: 32)
        table.add(["after 3 s of wrk on /v1/vms (32 connections)", try rss(pid)])

        kill(pid, SIGTERM)
        _ = try? await ProcessRunner.waitForExit(pid: pid)
        return table
    }

    /// `VmRSS` from /proc/PID/status, as printed there (`12345 kB`), in MiB.
    static func rss(_ pid: pid_t) throws -> String {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kib = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap({ Double($0) })
        else { throw BenchError("no VmRSS in /proc/\(pid)/status") }
        return String(format: "%.1f MiB", kib / 1024)
    }
}
