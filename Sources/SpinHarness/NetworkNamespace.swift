import Foundation

/// A network namespace a test or benchmark makes for itself (`ip netns add <prefix><random>`,
/// loopback up): every bridge, tap, dnsmasq and private address of a network test lives in
/// it, never in the host's namespace. ``remove()`` kills every process still in it (found by their
/// `/proc/<pid>/ns/net`, by pid) and deletes it.
public struct NetworkNamespace: Sendable {
    /// The namespace's name (`/run/netns/<name>`).
    public let name: String

    /// Makes a namespace `<prefix><random hex>` with loopback up.
    public static func make(prefix: String = "spin-t") throws -> NetworkNamespace {
        let name = prefix + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        try run(["netns", "add", name])
        let namespace = NetworkNamespace(name: name)
        do { try namespace.ip(["link", "set", "lo", "up"]) } catch {
            namespace.remove()
            throw error
        }
        return namespace
    }

    /// Runs `body` with a new namespace, removed afterwards whatever happens.
    public static func with<T>(_ body: (NetworkNamespace) async throws -> T) async throws -> T {
        let namespace = try make()
        defer { namespace.remove() }
        return try await body(namespace)
    }

    /// The prefix that runs a program in the namespace.
    public var wrapper: [String] { ["/usr/sbin/ip", "netns", "exec", name] }

    /// A prefix that only enters the namespace's network (`nsenter --net`), keeping the mount
    /// namespace: `ip netns exec` mounts a fresh `/sys` without the cgroup hierarchies, where
    /// `systemd --user` cannot run.
    public var netOnlyWrapper: [String] { ["/usr/bin/nsenter", "--net=/run/netns/" + name] }

    /// `ip -n NS ARGS`; returns stdout.
    @discardableResult
    public func ip(_ arguments: [String]) throws -> String { try Self.run(["-n", name] + arguments) }

    /// `ip netns exec NS PROGRAM ARGS`: (exit status, stdout).
    public func exec(_ program: [String]) throws -> (status: Int32, stdout: String) {
        try Self.launch(wrapper[0], Array(wrapper.dropFirst()) + program)
    }

    /// The link names in the namespace.
    public func links() throws -> [String] {
        let objects = try JSONSerialization.jsonObject(with: Data(try ip(["-j", "link", "show"]).utf8)) as? [[String: Any]] ?? []
        return objects.compactMap { $0["ifname"] as? String }
    }

    /// The nftables ruleset in the namespace.
    public func ruleset() throws -> String { try exec(["/usr/sbin/nft", "list", "ruleset"]).stdout }

    /// The pids of the processes in the namespace (compared by `/proc/<pid>/ns/net`).
    public func pids() -> [Int32] {
        guard let inode = try? FileManager.default.attributesOfItem(atPath: "/run/netns/" + name)[.systemFileNumber] as? UInt64
        else { return [] }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/net") else { return nil }
            return link == "net:[\(inode)]" ? pid : nil
        }
    }

    /// The commands of the processes in the namespace.
    public func processes() -> [String] {
        pids().map { pid in
            let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
            return "\(pid) " + String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
        }
    }

    /// Kills every process in the namespace (by pid) and deletes it.
    public func remove() {
        for _ in 0..<3 {
            let pids = pids()
            if pids.isEmpty { break }
            for pid in pids { kill(pid, SIGKILL) }
            usleep(100_000)
        }
        _ = try? Self.run(["netns", "del", name])
    }

    @discardableResult
    /// `ip ARGS`; returns stdout, throws unless it exits 0.
    public static func run(_ arguments: [String]) throws -> String {
        let (status, stdout) = try launch("/usr/sbin/ip", arguments)
        guard status == 0 else { throw HarnessError("ip \(arguments.joined(separator: " ")) failed with status \(status)") }
        return stdout
    }

    /// Runs `executable ARGS` (stderr discarded): (exit status, stdout).
    public static func launch(_ executable: String, _ arguments: [String]) throws -> (status: Int32, stdout: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
