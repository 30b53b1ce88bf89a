import Foundation
import SpinQemu

/// A network namespace a benchmark makes for itself (`ip netns add spin-bench-<random>`,
/// loopback up): its bridge, taps, dnsmasq and guests' private addresses live there, never in
/// the host's namespace. ``remove()`` kills every process still in it, by pid, and deletes it.
struct BenchNamespace: Sendable {
    let name: String
    static let ip = "/usr/sbin/ip"

    /// Makes the namespace with loopback up.
    static func make() async throws -> BenchNamespace {
        let namespace = BenchNamespace(name: "spin-bench-" + String(UInt32.random(in: 0...UInt32.max), radix: 16))
        _ = try await ProcessRunner.run(ip, ["netns", "add", namespace.name])
        do {
            _ = try await ProcessRunner.run(ip, ["-n", namespace.name, "link", "set", "lo", "up"])
        } catch {
            await namespace.remove()
            throw error
        }
        return namespace
    }

    /// The argv prefix that runs a program inside (`ip netns exec` execs it in place).
    var wrapper: [String] { [Self.ip, "netns", "exec", name] }

    /// The pids of the processes in the namespace (by `/proc/<pid>/ns/net`).
    func pids() -> [Int32] {
        guard let inode = try? FileManager.default.attributesOfItem(atPath: "/run/netns/" + name)[.systemFileNumber] as? UInt64 else { return [] }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = Int32(entry), let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/net") else { return nil }
            return link == "net:[\(inode)]" ? pid : nil
        }
    }

    /// Kills what still runs inside (by pid) and deletes the namespace.
    func remove() async {
        for _ in 0..<3 {
            let pids = pids()
            if pids.isEmpty { break }
            for pid in pids { kill(pid, SIGKILL) }
            try? await Task.sleep(for: .milliseconds(100))
        }
        _ = try? await ProcessRunner.run(Self.ip, ["netns", "del", name])
    }
}
