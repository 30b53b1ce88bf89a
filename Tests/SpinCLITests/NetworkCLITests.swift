import Foundation
import SpinCore
import SpinTestSupport
import Testing

/// Managed networks through the CLI, every command run inside a network namespace the test
/// makes (`ip netns exec`), so the bridge, dnsmasq and nftables table live there only.
@Suite("spin network: bridge, dnsmasq and NAT made and removed inside a test namespace", .serialized)
struct NetworkCLITests {
    /// A CLI whose every command runs in `namespace`.
    static func cli(_ base: CLI, _ namespace: NetworkNamespace) -> CLI {
        var cli = base
        cli.wrapper = namespace.wrapper
        return cli
    }

    /// The pids of dnsmasq processes serving `root`'s networks (by their --conf-file).
    static func dnsmasqs(root: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = Int32(entry), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let args = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return args.contains { $0.hasPrefix("--conf-file=" + root + "/networks/") } ? pid : nil
        }
    }

    /// Kills what the test's root started (by pid), whatever happened.
    /// Runs `body` with a `spin` CLI whose commands run inside a new network namespace, and
    /// ends every qemu and dnsmasq of its root afterwards, whatever happened.
    static func withNamespacedCLI(_ body: (CLI, NetworkNamespace) async throws -> Void) async throws {
        try await NetworkNamespace.with { ns in
            try await CLI.with { base in
                let cli = Self.cli(base, ns)
                defer { Self.cleanUp(cli) }
                try await body(cli, ns)
            }
        }
    }

    static func cleanUp(_ cli: CLI) {
        LifecycleCLITests.cleanUp(cli)
        for pid in dnsmasqs(root: cli.root) { kill(pid, SIGKILL) }
    }

    /// Whether nothing of spin's is left in the namespace: only loopback (and `keep`), no
    /// dnsmasq of the root, an empty ruleset.
    static func expectNothingLeft(_ cli: CLI, _ ns: NetworkNamespace, keep: Set<String> = [], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let links = try ns.links(), ruleset = try ns.ruleset()
        #expect(Set(links) == Set(["lo"]).union(keep), "links: \(links)", sourceLocation: sourceLocation)
        #expect(dnsmasqs(root: cli.root).isEmpty, "dnsmasq: \(ns.processes())", sourceLocation: sourceLocation)
        #expect(!ruleset.contains("table"), "ruleset: \(ruleset)", sourceLocation: sourceLocation)
    }

    /// The A record dnsmasq on `server` gives for `name`, asked from inside the namespace
    /// (a one-packet DNS query in Python: the test needs no DNS tools).
    static func lookUp(_ name: String, server: String, in ns: NetworkNamespace) throws -> String {
        let script = """
            import socket, struct, sys
            q = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + b"".join(bytes([len(p)]) + p.encode() for p in sys.argv[1].split(".")) + b"\\0" + struct.pack(">HH", 1, 1)
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3); s.sendto(q, (sys.argv[2], 53))
            r = s.recv(512); n = struct.unpack(">H", r[6:8])[0]
            print(socket.inet_ntoa(r[-4:]) if n else "rcode%d" % (r[3] & 15))
            """
        return try ns.exec(["python3", "-c", script, name, server]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("create makes a marked bridge with the gateway, a dnsmasq found by its pidfile and a NAT table; bad input is refused naming the fix with nothing recorded; addresses are reserved uniquely; delete is refused while used and then leaves nothing")
    func lifecycleAndBadInput() async throws {
        guard getuid() == 0 else { return }
        try await Self.withNamespacedCLI { cli, ns in
            let started = ContinuousClock.now
            try cli.ok(["network", "create", "lan", "--subnet", "10.77.0.0/24", "--nat", "--dns-domain", "lan.test"])
            print("network create: \(ContinuousClock.now - started)")
            let net = try #require(try cli.json(["network", "get", "lan"]) as? [String: Any])
            #expect(net["bridge"] as? String == "spinbr0" && net["gateway"] as? String == "10.77.0.1" && net["nat"] as? Bool == true)
            #expect(try ns.ip(["-4", "addr", "show", "dev", "spinbr0"]).contains("10.77.0.1/24"))
            #expect(try ns.exec(["cat", "/sys/class/net/spinbr0/ifalias"]).stdout.contains(":lan"))
            let pidText = try String(contentsOfFile: cli.root + "/networks/lan/dnsmasq.pid", encoding: .utf8)
            #expect(Self.dnsmasqs(root: cli.root).map(String.init) == [pidText.trimmingCharacters(in: .whitespacesAndNewlines)])
            #expect(try ns.ruleset().contains("masquerade"))
            #expect(try ns.exec(["cat", "/proc/sys/net/ipv4/ip_forward"]).stdout.hasPrefix("1"))
            // Idempotent: the host side is unchanged by a second look.
            #expect(try cli.run(["network", "create", "lan", "--subnet", "10.77.0.0/24"]).status == 4)

            // Bad input: each refused with the fix named, nothing recorded.
            #expect(try cli.fails(["network", "create", "b", "--subnet", "10.77.0.128/25"], 4).contains("overlaps network \"lan\""))
            // A host route of the namespace's own (a veth pair: this kernel has no dummy links).
            try ns.ip(["link", "add", "dummy0", "type", "veth", "peer", "name", "dummy1"])
            try ns.ip(["addr", "add", "10.99.0.1/16", "dev", "dummy0"])
            try ns.ip(["link", "set", "dummy0", "up"])
            #expect(try cli.fails(["network", "create", "c", "--subnet", "10.99.4.0/24"], 4).contains("host route"))
            #expect(try cli.fails(["network", "create", "d", "--subnet", "10.88.0.0/24", "--bridge", "dummy0"], 4).contains("already exists"))
            #expect(try cli.fails(["network", "create", "e", "--subnet", "10.88.0.1/24"], 64).contains("10.88.0.0/24"))
            #expect(try cli.fails(["network", "create", "f", "--subnet", "10.88.0.0/31"], 64).contains("prefix"))
            #expect(try cli.fails(["network", "create", "g", "--subnet", "10.88.0.0/24", "--bridge", "a-very-long-bridge-name"], 64).contains("15"))
            #expect((try cli.json(["network", "list"]) as? [Any])?.count == 1)

            try cli.ok(["volume", "create", "vol"])
            #expect(try cli.fails(["vm", "create", "x", "vol", "-s", "1M", "--network", "nope"], 3).contains("spin network create"))
            #expect(try cli.fails(["vm", "create", "x", "vol", "-s", "1M", "--network", "lan:10.78.0.5"], 64).contains("outside"))
            #expect(try cli.fails(["vm", "create", "x", "vol", "-s", "1M", "--network", "lan:10.77.0.1"], 64).contains("outside"))
            #expect((try cli.json(["vm", "list"]) as? [Any])?.isEmpty == true)
            #expect((try cli.json(["image", "list"]) as? [Any])?.isEmpty == true)

            try cli.ok(["vm", "create", "web", "vol", "-s", "1M", "--network", "lan"])
            try cli.ok(["vm", "create", "db", "vol", "-s", "1M", "--network", "lan"])
            try cli.ok(["vm", "create", "fixed", "vol", "-s", "1M", "--network", "lan:10.77.0.9"])
            #expect(try cli.fails(["vm", "create", "dup", "vol", "-s", "1M", "--network", "lan:10.77.0.2"], 4).contains("reserved for VM 1"))
            func nic(_ vm: String) throws -> [String: Any] {
                let record = (try cli.json(["vm", "get", vm]) as? [String: Any])?["vm"] as? [String: Any]
                return try #require((record?["networks"] as? [[String: Any]])?.first)
            }
            #expect(try nic("web")["address"] as? String == "10.77.0.2")
            #expect(try nic("db")["address"] as? String == "10.77.0.3")
            #expect(try nic("fixed")["address"] as? String == "10.77.0.9")
            let mac = try #require(try nic("web")["macAddress"] as? String)
            #expect(mac.hasPrefix("52:54:01:"))
            #expect(try cli.ok(["vm", "get", "web"]).contains("lan mac \(mac) address 10.77.0.2"))
            let hosts = try String(contentsOfFile: cli.root + "/networks/lan/dhcp-hosts", encoding: .utf8)
            #expect(hosts.contains("\(mac),10.77.0.2,web") && hosts.contains(",10.77.0.3,db") && hosts.contains(",10.77.0.9,fixed"))
            // dnsmasq (running as nobody) re-read the names on SIGHUP: with and without the domain.
            #expect(try Self.lookUp("db", server: "10.77.0.1", in: ns) == "10.77.0.3")
            #expect(try Self.lookUp("fixed.lan.test", server: "10.77.0.1", in: ns) == "10.77.0.9")

            #expect(try cli.fails(["network", "delete", "lan"], 5).contains("used by VM 1 (\"web\")"))
            #expect(try ns.links().contains("spinbr0"))
            try cli.ok(["vm", "delete", "web"])
            #expect(!(try String(contentsOfFile: cli.root + "/networks/lan/dhcp-hosts", encoding: .utf8)).contains(mac))
            // The freed address is handed out again.
            try cli.ok(["vm", "create", "web2", "vol", "-s", "1M", "--network", "lan"])
            #expect(try nic("web2")["address"] as? String == "10.77.0.2")
            // vm update: a NIC kept keeps its address; removed ones free theirs; names follow.
            try cli.ok(["vm", "update", "fixed", "--network", "lan"])
            #expect(try nic("fixed")["address"] as? String == "10.77.0.9")
            try cli.ok(["vm", "update", "db", "--no-networks"])
            #expect(!(try String(contentsOfFile: cli.root + "/networks/lan/dhcp-hosts", encoding: .utf8)).contains(",db"))
            #expect(try Self.lookUp("db", server: "10.77.0.1", in: ns) != "10.77.0.3")
            try cli.ok(["vm", "update", "db", "--network", "lan:10.77.0.40"])
            #expect(try nic("db")["address"] as? String == "10.77.0.40")
            #expect(try Self.lookUp("db", server: "10.77.0.1", in: ns) == "10.77.0.40")
            #expect(try cli.fails(["vm", "update", "db", "--network", "lan:10.77.0.9"], 4).contains("reserved for"))
            #expect(try nic("db")["address"] as? String == "10.77.0.40")
            for vm in ["web2", "db", "fixed"] { try cli.ok(["vm", "delete", vm]) }
            try cli.ok(["network", "delete", "lan"])
            #expect(try cli.fails(["network", "get", "lan"], 3).contains("does not exist"))
            try Self.expectNothingLeft(cli, ns, keep: ["dummy0", "dummy1"])
            #expect(!FileManager.default.fileExists(atPath: cli.root + "/networks/lan"))

            // Without NAT: no table, and dnsmasq hands out no router.
            try cli.ok(["network", "create", "iso", "--subnet", "10.66.0.0/24"])
            #expect(!(try ns.ruleset()).contains("table"))
            let config = try String(contentsOfFile: cli.root + "/networks/iso/dnsmasq.conf", encoding: .utf8)
            #expect(config.contains("dhcp-option=option:router\n") && !config.contains("option:router,"))
            try cli.ok(["network", "delete", "iso"])
            try Self.expectNothingLeft(cli, ns, keep: ["dummy0", "dummy1"])
        }
    }

    @Test("racing creates of one network from several processes: one wins, the others are refused, one bridge and one dnsmasq")
    func racingCreates() async throws {
        guard getuid() == 0 else { return }
        try await Self.withNamespacedCLI { cli, ns in
            try cli.ok(["volume", "create", "vol"])
            let results = try cli.concurrently(Array(repeating: ["network", "create", "lan", "--subnet", "10.77.0.0/24", "--nat"], count: 4))
            #expect(results.filter { $0.status == 0 }.count == 1, "\(results)")
            #expect(results.filter { $0.status == 4 }.count == 3, "\(results)")
            #expect(try ns.links().filter { $0.hasPrefix("spinbr") } == ["spinbr0"])
            #expect(Self.dnsmasqs(root: cli.root).count == 1)
            // Different names racing for automatic bridge names each get their own.
            let others = try cli.concurrently((1...3).map { ["network", "create", "n\($0)", "--subnet", "10.8\($0).0.0/24"] })
            #expect(others.allSatisfy { $0.status == 0 }, "\(others)")
            #expect(Set(try ns.links().filter { $0.hasPrefix("spinbr") }).count == 4)
            #expect(Self.dnsmasqs(root: cli.root).count == 4)
            for name in ["lan", "n1", "n2", "n3"] { try cli.ok(["network", "delete", name]) }
            try Self.expectNothingLeft(cli, ns)
        }
    }

    @Test("spin killed (SIGKILL) at any instant of network create: the next command finishes or undoes it, and delete leaves nothing")
    func killedCreate() async throws {
        guard getuid() == 0 else { return }
        try await Self.withNamespacedCLI { cli, ns in
            try cli.ok(["volume", "create", "vol"])
            var outcomes: [String] = []
            for delay in [5, 20, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 90, 100, 130, 170, 250, 400] {
                let creator = try cli.spawn(["network", "create", "lan", "--subnet", "10.77.0.0/24", "--nat", "--dns-domain", "lan.test"])
                try await Task.sleep(for: .milliseconds(delay))
                creator.kill()
                _ = creator.wait()
                let recorded = try cli.run(["network", "get", "lan"]).status == 0
                let links = try ns.links(), running = Self.dnsmasqs(root: cli.root).count
                outcomes.append("\(delay) ms: \(recorded ? "recorded" : "not recorded"), links \(links.joined(separator: ",")), \(running) dnsmasq")
                if recorded && delay % 2 == 1 {
                    // Another command's agents take the killed create first (the oldest ready
                    // command; its holder is dead) and finish it.
                    try cli.ok(["network", "create", "other", "--subnet", "10.88.0.0/24"])
                    #expect(Self.dnsmasqs(root: cli.root).count == 2, "killed after \(delay) ms, then another create")
                    #expect(try ns.ruleset().contains("spin_spinbr0"), "killed after \(delay) ms: the NAT table was made on redelivery")
                    try cli.ok(["network", "delete", "other"])
                }
                if recorded {
                    // Recorded: the create command is redelivered (its holder is dead) before
                    // the delete; the delete then removes all of it.
                    let deletion = try cli.run(["network", "delete", "lan"])
                    #expect(deletion.status == 0, "killed after \(delay) ms: \(deletion)")
                }
                try Self.expectNothingLeft(cli, ns)
                let left = (try? FileManager.default.contentsOfDirectory(atPath: cli.root + "/networks/lan")) ?? []
                #expect(!FileManager.default.fileExists(atPath: cli.root + "/networks/lan"), "killed after \(delay) ms, left: \(left)")
            }
            print("NetworkCLITests killed create:\n" + outcomes.joined(separator: "\n"))
        }
    }

    @Test("a VM's NIC is a tap owned by the qemu user on the bridge while it runs; stop removes it; a stale tap (crash, or left by hand) is replaced at the next start; delete removes it")
    func taps() async throws {
        guard getuid() == 0 else { return }
        try await Self.withNamespacedCLI { cli, ns in
            try cli.ok(["network", "create", "lan", "--subnet", "10.77.0.0/24"])
            try cli.ok(["volume", "create", "vol"])
            try cli.ok(["vm", "create", "web", "vol", "-s", "1M", "-m", "64", "--network", "lan"])
            func tap() throws -> [String: Any]? {
                let objects = try JSONSerialization.jsonObject(with: Data(try ns.ip(["-j", "-d", "link", "show"]).utf8)) as? [[String: Any]] ?? []
                return objects.first { $0["ifname"] as? String == "spt1n0" }
            }
            try cli.ok(["start", "web"])
            let running = try #require(try tap())
            #expect(running["master"] as? String == "spinbr0")
            let owner = ((running["linkinfo"] as? [String: Any])?["info_data"] as? [String: Any])?["user"]
            #expect("\(owner ?? "-")" == "spin-qemu" || "\(owner ?? "-")" == String(QemuUser.lookup(name: "spin-qemu")?.uid ?? 0), "tap owner: \(running)")
            let argv = try #require(try String(contentsOfFile: cli.root + "/vms/1/launch.json", encoding: .utf8))
            #expect(argv.contains("tap,id=tap0,ifname=spt1n0,script=no,downscript=no"))
            try cli.ok(["stop", "web", "--timeout", "1"])
            #expect(try tap() == nil, "stop removes the tap")

            // A stale tap of the same name (made by hand, owned by root) is replaced.
            try ns.ip(["tuntap", "add", "dev", "spt1n0", "mode", "tap"])
            try cli.ok(["start", "web"])
            #expect(try tap()?["master"] as? String == "spinbr0")
            // qemu killed: the tap stays until the next start, which makes it anew.
            let runtime = RuntimePaths(root: SpinRoot(explicit: cli.root), vmID: 1).runtimeDirectory
            for pid in QemuProcesses.pids(runtimeDirectory: runtime) { kill(pid, SIGKILL) }
            _ = await Loopback.waitUntil(timeout: .seconds(10), every: .milliseconds(50)) { QemuProcesses.pids(runtimeDirectory: runtime).isEmpty }
            try cli.ok(["start", "web"])
            #expect(try tap()?["master"] as? String == "spinbr0")
            try cli.ok(["vm", "delete", "web"])
            #expect(try tap() == nil, "delete removes the tap")
            try cli.ok(["network", "delete", "lan"])
            try Self.expectNothingLeft(cli, ns)
        }
    }

    @Test("through spin-server (--host, the generated client): create, list, get, a VM's NIC, refused delete, delete; without --allow-networks create is 403")
    func remote() async throws {
        guard getuid() == 0 else { return }
        try await Self.withNamespacedCLI { cli, ns in
            func serve(_ extra: [String]) throws -> Process {
                let server = try cli.process(["serve", "--root", cli.root, "--supervisor", "direct"] + extra, environment: [:])
                server.standardOutput = FileHandle.nullDevice
                server.standardError = FileHandle.nullDevice
                try server.run()
                return server
            }
            func stop(_ server: Process) {
                kill(server.processIdentifier, SIGTERM)
                server.waitUntilExit()
            }
            let host = ["--host", cli.root + "/spin.sock"]
            var server = try serve(["--allow-networks"])
            defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
            #expect(await Loopback.waitUntil(timeout: .seconds(30), every: .milliseconds(100)) { (try? cli.run(["volume", "list"] + host, root: false))?.status == 0 })
            try cli.ok(["network", "create", "lan", "--subnet", "10.77.0.0/24", "--dns-domain", "lan.test"] + host)
            let listed = try #require(try cli.json(["network", "list"] + host) as? [[String: Any]])
            #expect(listed.map { $0["name"] as? String } == ["lan"] && listed.first?["dnsDomain"] as? String == "lan.test")
            #expect(try cli.fails(["network", "create", "x", "--subnet", "10.77.0.0/25"] + host, 4).contains("overlaps"))
            #expect(try cli.fails(["network", "get", "nope"] + host, 3).contains("spin network create"))
            try cli.ok(["volume", "create", "vol"] + host)
            try cli.ok(["vm", "create", "web", "vol", "-s", "1M", "--network", "lan"] + host)
            #expect(try cli.ok(["vm", "get", "web"] + host).contains("lan mac 52:54:01:"))
            #expect(try cli.fails(["network", "delete", "lan"] + host, 5).contains("used by"))
            try cli.ok(["vm", "delete", "web"] + host)
            try cli.ok(["network", "delete", "lan"] + host)
            stop(server)
            try Self.expectNothingLeft(cli, ns)

            server = try serve([])
            #expect(await Loopback.waitUntil(timeout: .seconds(30), every: .milliseconds(100)) { (try? cli.run(["volume", "list"] + host, root: false))?.status == 0 })
            #expect(try cli.fails(["network", "create", "lan", "--subnet", "10.77.0.0/24"] + host, 77).contains("--allow-networks"))
            stop(server)
            try Self.expectNothingLeft(cli, ns)
        }
    }
}
