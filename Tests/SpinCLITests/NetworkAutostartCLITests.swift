import Foundation
import SpinCore
import SpinTestSupport
import Testing

/// An autostart VM with a NIC on a managed network, started by systemd itself after a "host
/// restart" (a private user manager inside the test's namespace crashes; its VM, dnsmasq,
/// taps and bridge go, as they would with the host; a new manager starts).
@Suite("spin network: an autostart VM that systemd starts by itself gets its network and tap", .serialized)
struct NetworkAutostartCLITests {
    @Test("after a host restart systemd starts the enabled VM unit; its ExecStartPre (spin network taps) remakes the bridge, dnsmasq and the tap owned by the qemu user, and qemu runs on it")
    func autostartAfterRestart() async throws {
        guard getuid() == 0 else { return }
        try await NetworkCLITests.withSystemd { cli, ns, manager in
            let runtime = RuntimePaths(root: SpinRoot(explicit: cli.root), vmID: 1, environment: cli.environment).runtimeDirectory
            defer { for pid in QemuProcesses.pids(runtimeDirectory: runtime) { kill(pid, SIGKILL) } }
            func tap() throws -> [String: Any]? {
                let objects = try JSONSerialization.jsonObject(with: Data(try ns.ip(["-j", "-d", "link", "show"]).utf8)) as? [[String: Any]] ?? []
                return objects.first { $0["ifname"] as? String == "spt1n0" }
            }
            func tapMaster() throws -> String? { try tap()?["master"] as? String }
            try cli.ok(["network", "create", "lan", "--subnet", "10.77.0.0/24"])
            try cli.ok(["volume", "create", "vol"])
            try cli.ok(["vm", "create", "web", "vol", "-s", "1M", "-m", "64", "--network", "lan", "--autostart"])
            let unit = try String(contentsOfFile: manager.unitDirectory + "/spin-1.service", encoding: .utf8)
            #expect(unit.contains("network taps 1 --root"), "\(unit)")
            let started = try cli.run(["start", "web"])
            #expect(started.status == 0, "\(started)\n\((try? String(contentsOfFile: cli.root + "/vms/1/qemu.log", encoding: .utf8)) ?? "")")
            #expect(try tapMaster() == "spinbr0")

            // The host goes down: the manager and everything it ran, the tap and the bridge.
            manager.crash()
            for pid in QemuProcesses.pids(runtimeDirectory: runtime) + NetworkCLITests.dnsmasqs(root: cli.root) { kill(pid, SIGKILL) }
            #expect(await Loopback.waitUntil(timeout: .seconds(10), every: .milliseconds(50)) {
                QemuProcesses.pids(runtimeDirectory: runtime).isEmpty && NetworkCLITests.dnsmasqs(root: cli.root).isEmpty
            })
            try ns.ip(["link", "del", "spt1n0"])
            try ns.ip(["link", "del", "spinbr0"])
            #expect(try tapMaster() == nil)

            // The next boot: the manager starts what default.target wants, with no spin command.
            try await manager.startAgain()
            let qemuUp = await Loopback.waitUntil(timeout: .seconds(60), every: .milliseconds(100)) {
                !QemuProcesses.pids(runtimeDirectory: runtime).isEmpty
            }
            #expect(qemuUp, "qemu did not come up; \(cli.root)/vms/1: \((try? String(contentsOfFile: cli.root + "/vms/1/qemu.log", encoding: .utf8)) ?? "")")
            #expect(try tapMaster() == "spinbr0")
            let owner = ((try tap()?["linkinfo"] as? [String: Any])?["info_data"] as? [String: Any])?["user"]
            #expect("\(owner ?? "-")" == "spin-qemu" || "\(owner ?? "-")" == String(QemuUser.lookup(name: "spin-qemu")?.uid ?? 0), "tap owner \(owner ?? "-")")
            #expect(NetworkDnsmasqCLITests.pidFromFile(cli, "lan") != nil, "dnsmasq is back")
            #expect(try ns.ip(["-4", "addr", "show", "dev", "spinbr0"]).contains("10.77.0.1/24"))
            let status = try #require(try cli.json(["vm", "get", "web"]) as? [String: Any])
            #expect((status["status"] as? [String: Any])?["state"] as? String == "running", "\(status)")

            try cli.ok(["stop", "web", "--timeout", "1"])
            try cli.ok(["vm", "delete", "web"])
            try cli.ok(["network", "delete", "lan"])
            try NetworkCLITests.expectNothingLeft(cli, ns)
        }
    }
}
