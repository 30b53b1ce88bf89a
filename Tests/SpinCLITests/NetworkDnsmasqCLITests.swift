import Foundation
import SpinCore
import SpinTestSupport
import Testing

/// A network's dnsmasq killed (SIGKILL, by the pid in its pidfile) comes back — by systemd on
/// its own (a private user manager started inside the test's network namespace), or with the
/// direct supervisor at the next command that touches the network — and `network get` tells
/// the truth meanwhile.
@Suite("spin network: a dead dnsmasq is found by its pidfile and brought back", .serialized)
struct NetworkDnsmasqCLITests {
    /// The live pid in the network's pidfile, if that process runs.
    static func pidFromFile(_ cli: CLI, _ network: String) -> Int32? {
        guard let text = try? String(contentsOfFile: cli.root + "/networks/\(network)/dnsmasq.pid", encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0, kill(pid, 0) == 0
        else { return nil }
        return pid
    }

    /// `network get NAME --format json`'s `dnsmasq` object.
    static func status(_ cli: CLI, _ network: String) throws -> [String: Any] {
        let record = try #require(try cli.json(["network", "get", network]) as? [String: Any])
        return try #require(record["dnsmasq"] as? [String: Any])
    }

    /// Kills `pid` with SIGKILL and waits until it is gone (reaped by whoever is its parent).
    static func killAndWait(_ pid: Int32) async {
        kill(pid, SIGKILL)
        _ = await Loopback.waitUntil(timeout: .seconds(10), every: .milliseconds(20)) {
            (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)).map { $0.contains(") Z ") } ?? true
        }
    }

    @Test("direct supervisor: after SIGKILL network get says not running; the next command that touches the network (vm create) starts it again and it answers DNS — with the bridge too when that is gone")
    func direct() async throws {
        guard getuid() == 0 else { return }
        try await NetworkNamespace.with { ns in
            try await CLI.with { base in
                var cli = NetworkCLITests.cli(base, ns)
                cli.environment = ["XDG_RUNTIME_DIR": ""]
                defer { NetworkCLITests.cleanUp(cli) }
                try cli.ok(["network", "create", "lan", "--subnet", "10.77.0.0/24"])
                let first = try #require(Self.pidFromFile(cli, "lan"))
                var status = try Self.status(cli, "lan")
                #expect(status["running"] as? Bool == true && (status["pid"] as? Int).map(Int32.init) == first && status["supervisor"] as? String == "direct")
                #expect(try cli.ok(["network", "get", "lan"]).contains("dnsmasq:  running (pid \(first), direct)"))

                await Self.killAndWait(first)
                status = try Self.status(cli, "lan")
                #expect(status["running"] as? Bool == false && status["pid"] == nil, "\(status)")
                #expect(try cli.ok(["network", "get", "lan"]).contains("dnsmasq:  not running (direct)"))
                #expect(try cli.ok(["network", "list"]).contains("not running"))
                // Read-only commands looked and started nothing.
                #expect(NetworkCLITests.dnsmasqs(root: cli.root).isEmpty)

                try cli.ok(["volume", "create", "vol"])
                try cli.ok(["vm", "create", "web", "vol", "-s", "1M", "--network", "lan"])
                let second = try #require(Self.pidFromFile(cli, "lan"))
                #expect(second != first && NetworkCLITests.dnsmasqs(root: cli.root) == [second])
                #expect(try Self.status(cli, "lan")["running"] as? Bool == true)
                #expect(try NetworkCLITests.lookUp("web", server: "10.77.0.1", in: ns) == "10.77.0.2")

                // After a host restart the bridge is gone as well: the next touch makes both.
                if let pid = Self.pidFromFile(cli, "lan") { await Self.killAndWait(pid) }
                try ns.ip(["link", "del", "spinbr0"])
                try cli.ok(["vm", "create", "db", "vol", "-s", "1M", "--network", "lan"])
                #expect(try ns.ip(["-4", "addr", "show", "dev", "spinbr0"]).contains("10.77.0.1/24"))
                #expect(try NetworkCLITests.lookUp("db", server: "10.77.0.1", in: ns) == "10.77.0.3")

                for vm in ["web", "db"] { try cli.ok(["vm", "delete", vm]) }
                try cli.ok(["network", "delete", "lan"])
                try NetworkCLITests.expectNothingLeft(cli, ns)
            }
        }
    }

    @Test("systemd supervisor (a private user manager inside the namespace): dnsmasq runs as spin-net-NAME.service; after SIGKILL systemd restarts it with no spin command, and status shows the new pid; delete removes the unit")
    func systemd() async throws {
        guard getuid() == 0 else { return }
        try await NetworkCLITests.withSystemd { cli, ns, manager in
            let unitFile = manager.unitDirectory + "/spin-net-lan.service"
            try cli.ok(["network", "create", "lan", "--subnet", "10.77.0.0/24", "--dns-domain", "lan.test"])
            let text = try String(contentsOfFile: unitFile, encoding: .utf8)
            #expect(text.contains("Restart=on-failure") && text.contains("--keep-in-foreground"))
            let first = try #require(Self.pidFromFile(cli, "lan"))
            var status = try Self.status(cli, "lan")
            #expect(status["running"] as? Bool == true && (status["pid"] as? Int).map(Int32.init) == first)
            #expect((status["supervisor"] as? String)?.hasPrefix("systemd spin-net-lan.service active/running") == true, "\(status)")
            // The unit's main process is the dnsmasq of the pidfile.
            let cgroup = try String(contentsOfFile: "/proc/\(first)/cgroup", encoding: .utf8)
            #expect(cgroup.contains("spin-net-lan.service"), "\(cgroup)")

            await Self.killAndWait(first)
            // No spin command in between: systemd alone brings it back (RestartSec=1s).
            var second: Int32?
            #expect(await Loopback.waitUntil(timeout: .seconds(15), every: .milliseconds(100)) {
                second = Self.pidFromFile(cli, "lan")
                return second != nil && second != first
            }, "systemd did not restart dnsmasq")
            status = try Self.status(cli, "lan")
            #expect(status["running"] as? Bool == true && (status["pid"] as? Int).map(Int32.init) == second, "\(status)")
            try cli.ok(["volume", "create", "vol"])
            try cli.ok(["vm", "create", "web", "vol", "-s", "1M", "--network", "lan"])
            #expect(try NetworkCLITests.lookUp("web.lan.test", server: "10.77.0.1", in: ns) == "10.77.0.2")
            #expect(NetworkCLITests.dnsmasqs(root: cli.root) == [second].compactMap { $0 }, "a command did not start a second dnsmasq")

            try cli.ok(["vm", "delete", "web"])
            try cli.ok(["network", "delete", "lan"])
            #expect(!FileManager.default.fileExists(atPath: unitFile))
            try NetworkCLITests.expectNothingLeft(cli, ns)
        }
    }
}
