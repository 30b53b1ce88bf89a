import Foundation
import SpinCore
import SpinTestSupport
import Testing

/// Two Debian 12 guests on one managed network, everything inside a network namespace the test
/// makes: reserved addresses, each other by name, the host side reaching their SSH, no route
/// out without NAT, addresses kept across a restart, and nothing left after deleting it all.
@Suite(
    "spin network with two real Debian 12 guests in a test namespace (TCG)",
    .serialized,
    .enabled(if: DebianTestGuest.isBuilt && getuid() == 0, "needs root and the Debian test guest (scripts/build-debian-guest)")
)
struct NetworkGuestCLITests {
    @Test("two VMs get their reserved addresses, resolve and reach each other by name, the namespace reaches their SSH; NAT off = no default route via the bridge, NAT on = one with metric 200; restart keeps the address; a used network cannot be deleted; nothing is left after", .timeLimit(.minutes(30)))
    func twoGuests() async throws {
        let guest = try DebianTestGuest.locate()
        try await NetworkCLITests.withNamespacedCLI { cli, ns in
            func spin(_ arguments: [String]) throws -> CLI.Result { try cli.run(cli.rooted(arguments), root: false) }
            func exec(_ vm: String, _ command: String) throws -> CLI.Result { try spin(["exec", vm, "--", "sh", "-c", command]) }
            func state(_ vm: String) -> String? {
                (((try? cli.json(["vm", "get", vm])) as? [String: Any])?["status"] as? [String: Any])?["state"] as? String
            }
            /// Every VM answers exec; false at once when one is no longer running.
            func waitForExec(_ vms: [String]) async -> Bool {
                var gone = false
                let answered = await Loopback.waitUntil(timeout: .seconds(900), every: .seconds(2)) {
                    gone = vms.contains { state($0) != "running" }
                    return gone || vms.allSatisfy { (try? spin(["exec", $0, "--", "true"]))?.status == 0 }
                }
                return answered && !gone
            }
            try cli.ok(["network", "create", "lan", "--subnet", "10.77.0.0/24", "--dns-domain", "lan.test"])
            try cli.ok(["network", "create", "wan", "--subnet", "10.78.0.0/24", "--nat"])
            try cli.ok(["volume", "create", "vol"])
            try cli.ok(["image", "import", "vol", "debian-12", guest.rootDisk, "--base"])
            for name in ["alpha", "beta"] {
                // alpha also joins a NAT network: a default route through its bridge (metric 200).
                try cli.ok(["vm", "create", name, "--from", "vol/debian-12", "-m", "768", "--kernel", guest.kernel, "--initrd", guest.initrd,
                            "--append", DebianTestGuest.append, "--network", "lan"] + (name == "alpha" ? ["--network", "wan"] : []))
            }
            let clock = ContinuousClock()
            let started = clock.now
            let starts = try cli.concurrently([["start", "alpha"], ["start", "beta"]])
            try #require(starts.allSatisfy { $0.status == 0 }, "\(starts)")
            let links = try ns.links()
            #expect(Set(links).isSuperset(of: ["spinbr0", "spinbr1", "spt1n0", "spt1n1", "spt2n0"]), "\(links)")
            try #require(await waitForExec(["alpha", "beta"]), "the guests never answered spin exec (alpha \(state("alpha") ?? "-"), beta \(state("beta") ?? "-"))\n\(DebianGuestCLITests.serialTail(cli))")
            print("NetworkGuestCLITests: both guests answered exec \(started.duration(to: clock.now)) after start")

            // cloud-init applies network-config a little after the agent runs.
            let configured = await Loopback.waitUntil(timeout: .seconds(300), every: .seconds(2)) {
                ((try? exec("alpha", "ip -4 -o addr"))?.stdout.contains("10.77.0.2/24") ?? false)
                    && ((try? exec("beta", "ip -4 -o addr"))?.stdout.contains("10.77.0.3/24") ?? false)
            }
            #expect(configured, "alpha: \((try? exec("alpha", "ip -4 -o addr; cat /etc/network/interfaces.d/*"))?.description ?? "-")")
            print("NetworkGuestCLITests: addresses configured \(started.duration(to: clock.now)) after start")
            #expect(try cli.ok(["vm", "get", "alpha"]).contains("address 10.77.0.2"))

            // By name through the network's dnsmasq, and TCP to the other's sshd on its own address.
            var resolved: CLI.Result?
            let byName = await Loopback.waitUntil(timeout: .seconds(120), every: .seconds(2)) {
                resolved = try? exec("alpha", "getent hosts beta && getent hosts beta.lan.test")
                return resolved?.stdout.contains("10.77.0.3") == true
            }
            #expect(byName, "alpha resolving beta: \(resolved?.description ?? "-"); resolv.conf: \((try? exec("alpha", "cat /etc/resolv.conf"))?.stdout ?? "-")")
            // sshd starts a while after the guest agent under TCG.
            var reach: CLI.Result?
            let reached = await Loopback.waitUntil(timeout: .seconds(300), every: .seconds(2)) {
                reach = try? exec("alpha", "timeout 10 bash -c 'exec 3<>/dev/tcp/beta/22 && head -c 4 <&3'")
                return reach?.stdout.hasPrefix("SSH-") == true
            }
            #expect(reached, "alpha → beta:22 by name: \(reach?.description ?? "-")")
            print("NetworkGuestCLITests: alpha reached beta's sshd by name \(started.duration(to: clock.now)) after start")
            // cloud-init restarts sshd once late in the boot: allow for that window.
            var back: CLI.Result?
            let reachedBack = await Loopback.waitUntil(timeout: .seconds(60), every: .seconds(2)) {
                back = try? exec("beta", "timeout 10 bash -c 'exec 3<>/dev/tcp/10.77.0.2/22 && head -c 4 <&3'")
                return back?.stdout.hasPrefix("SSH-") == true
            }
            #expect(reachedBack, "beta → alpha:22: \(back?.description ?? "-")")
            for address in ["10.77.0.2", "10.77.0.3"] {
                // cloud-init restarts sshd once late in the boot: allow for that window.
                var host: (status: Int32, stdout: String)?
                _ = await Loopback.waitUntil(timeout: .seconds(60), every: .seconds(2)) {
                    host = try? ns.exec(["timeout", "10", "bash", "-c", "exec 3<>/dev/tcp/\(address)/22 && head -c 4 <&3"])
                    return host?.stdout.hasPrefix("SSH-") == true
                }
                #expect(host?.stdout.hasPrefix("SSH-") == true, "the namespace → \(address):22: \(String(describing: host))")
            }
            // NAT off: no default route through lan's bridge; wan (NAT) gives one, after the
            // user-mode NIC's.
            let routes = try exec("alpha", "ip -4 route").stdout
            #expect(!routes.contains("default via 10.77.0.1"), "\(routes)")
            #expect(routes.contains("default via 10.78.0.1") && routes.contains("metric 200"), "\(routes)")
            #expect(try exec("alpha", "ip -4 -o addr").stdout.contains("10.78.0.2/24"))
            let betaRoutes = try exec("beta", "ip -4 route").stdout
            #expect(!betaRoutes.contains("via 10.77.0.1") && !betaRoutes.contains("via 10.78.0.1"), "\(betaRoutes)")

            #expect(try cli.fails(["network", "delete", "lan"], 5).contains("used by"))
            try cli.ok(["restart", "beta"])
            try #require(await waitForExec(["beta"]))
            let again = await Loopback.waitUntil(timeout: .seconds(300), every: .seconds(2)) {
                (try? exec("beta", "ip -4 -o addr"))?.stdout.contains("10.77.0.3/24") ?? false
            }
            #expect(again, "beta after restart: \((try? exec("beta", "ip -4 -o addr"))?.description ?? "-")")

            for name in ["alpha", "beta"] { try cli.ok(["vm", "delete", name]) }
            try cli.ok(["network", "delete", "lan"])
            try cli.ok(["network", "delete", "wan"])
            try NetworkCLITests.expectNothingLeft(cli, ns)
            #expect(ns.pids().isEmpty, "processes left in the namespace: \(ns.processes())")
        }
    }
}
