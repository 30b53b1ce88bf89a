import Foundation
import SpinHarness
import SpinTestSupport
import Testing

/// spin as an ordinary user (`nobody`) putting a VM on a bridge an administrator made,
/// through a setuid copy of qemu-bridge-helper, inside a network and mount namespace the
/// test makes (``BridgeHelperSandbox``): real qemu (TCG), the busybox guest, traffic checked.
@Suite("spin as an ordinary user on an external bridge through qemu-bridge-helper", .serialized,
       .enabled(if: BridgeHelperSandbox.isAvailable, "needs root (to make the namespace and the setuid helper copy), setpriv, nsenter, qemu-bridge-helper and the test guests"))
struct NetworkBridgeHelperCLITests {
    @Test("a VM of nobody's joins the operator's bridge through the helper and serves HTTP on it; a bridge the ACL does not allow, a missing bridge or a helper that is not setuid is refused naming the fix with no qemu started; delete leaves the bridge", .timeLimit(.minutes(10)))
    func guestOnExternalBridge() async throws {
        let guests = try TestGuests.locate()
        try await BridgeHelperSandbox.with(acl: "# test\nallow brx0\ninclude /etc/qemu/missing.conf\ndeny brx2\nallow all\n") { box in
            let cli = box.cli
            try box.makeBridge("brx0", address: "10.55.0.1/24")
            try box.makeBridge("brx2", address: "10.56.0.1/24")
            #expect(try cli.ok(["network", "create", "office", "--external", "--bridge", "brx0"]).contains("external bridge brx0"))
            let net = try #require(try cli.json(["network", "get", "office"]) as? [String: Any])
            #expect(net["external"] as? Bool == true && net["subnet"] == nil && net["dnsmasq"] == nil)
            // Bad input, each naming the fix; nothing recorded.
            #expect(try cli.fails(["network", "create", "x", "--external", "--bridge", "nope0"], 5).contains("ip link add nope0 type bridge"))
            #expect(try cli.fails(["network", "create", "x", "--external", "--bridge", "brx0", "--subnet", "10.57.0.0/24"], 64).contains("leave out --subnet"))
            #expect(try cli.fails(["network", "create", "x", "--subnet", "10.57.0.0/24"], 5).contains("need root"))
            #expect((try cli.json(["network", "list"]) as? [Any])?.count == 1)

            try cli.ok(["volume", "create", "vol"])
            try cli.ok(["vm", "create", "g", "vol"] + guests.directBootOptions + ["--network", "office"])
            #expect(try cli.fails(["vm", "create", "h", "vol", "-s", "1M", "--network", "office:10.55.0.9"], 64).contains("reserves no addresses"))
            let record = try #require((try cli.json(["vm", "get", "g"]) as? [String: Any])?["vm"] as? [String: Any])
            let nic = try #require((record["networks"] as? [[String: Any]])?.first)
            let mac = try #require(nic["macAddress"] as? String)
            #expect(nic["network"] as? String == "office" && nic["address"] == nil)
            #expect(try cli.ok(["vm", "get", "g"]).contains("office mac \(mac) (external bridge"))

            let started = ContinuousClock.now
            try cli.ok(["start", "g"])
            print("NetworkBridgeHelperCLITests: start \(ContinuousClock.now - started)")
            let qemu = try #require(box.qemus().first)
            let owner = try String(contentsOfFile: "/proc/\(qemu)/status", encoding: .utf8).split(separator: "\n").first { $0.hasPrefix("Uid:") }
            #expect(owner?.split(separator: "\t").dropFirst().first == "65534", "qemu runs as nobody: \(owner ?? "-")")
            let cmdline = String(decoding: FileManager.default.contents(atPath: "/proc/\(qemu)/cmdline") ?? Data(), as: UTF8.self)
            #expect(cmdline.contains("bridge,id=br0,br=brx0,helper=\(box.helper)") && !cmdline.contains("-sandbox"))
            let tap = try #require(try box.ports(of: "brx0").first, "the helper's tap joined brx0")
            #expect(tap.hasPrefix("tap"))

            // Traffic: the guest's NIC (found by its MAC) gets an address on the bridge's subnet
            // through its serial console; the namespace then fetches the guest's page over it
            // (TCP through the helper's tap; this host has no ping).
            let ready = await Loopback.waitUntil(timeout: .seconds(120), every: .milliseconds(250)) {
                ((try? cli.run(["console", "g", "--log"]))?.stdout ?? "").contains(TestGuests.readyMarker)
            }
            try #require(ready, "the guest never printed its ready line")
            let console = try #require(BridgeHelperSandbox.serialSocket(qemu: qemu))
            let configure = "for i in /sys/class/net/*; do if [ \"$(cat $i/address)\" = \"\(mac)\" ]; then ip addr add 10.55.0.10/24 dev ${i##*/}; ip link set ${i##*/} up; fi; done"
            let fetch = "import urllib.request; print(urllib.request.urlopen('http://10.55.0.10/', timeout=3).read().decode())"
            var page = ""
            let deadline = ContinuousClock.now + .seconds(60)
            while !page.contains("spin test guest") && ContinuousClock.now < deadline {
                try box.serial(console, configure)
                page = try box.namespace.exec(["python3", "-c", fetch]).stdout
            }
            #expect(page.contains("spin test guest"), "the guest's page over the bridge: \(page)")
            // And the address came through the bridge: the namespace learnt the guest's MAC on it.
            #expect(try box.ip(["neigh", "show", "dev", "brx0"]).contains(mac))
            print("NetworkBridgeHelperCLITests: HTTP over the bridge \(ContinuousClock.now - started) after start")

            // The ACL refuses brx2 (deny wins over allow all): a clear error, no qemu started.
            try cli.ok(["network", "create", "denied", "--external", "--bridge", "brx2"])
            try cli.ok(["vm", "create", "d", "vol", "-c", "1", "-m", "128", "-s", "1M", "--kernel", guests.kernel, "--network", "denied"])
            let deniedStart = try cli.fails(["start", "d"], 5)
            #expect(deniedStart.contains("bridge \"brx2\" is denied by /etc/qemu/bridge.conf:4") && deniedStart.contains("removes that deny line"), "\(deniedStart)")
            #expect(box.qemus().count == 1)
            // A helper without the setuid bit: named, with the chmod that fixes it.
            let plain = try cli.run(["start", "d"], environment: ["SPIN_BRIDGE_HELPER": box.plainHelper])
            #expect(plain.status == 5 && plain.stderr.contains("chmod u+s \(box.plainHelper)"), "\(plain)")
            // The bridge gone (the operator removed it): named, with the command that makes it.
            try box.ip(["link", "del", "brx2"])
            #expect(try cli.fails(["start", "d"], 5).contains("ip link add brx2 type bridge"))
            #expect(box.qemus().count == 1)

            // A used network cannot be deleted; deleting it afterwards leaves the bridge alone.
            #expect(try cli.fails(["network", "delete", "office"], 5).contains("used by VM 1"))
            try cli.ok(["stop", "g"])
            #expect(box.qemus().isEmpty)
            #expect(try box.ports(of: "brx0").isEmpty, "qemu's tap went with it")
            try cli.ok(["vm", "delete", "g"])
            try cli.ok(["vm", "delete", "d"])
            try cli.ok(["network", "delete", "office"])
            try cli.ok(["network", "delete", "denied"])
            #expect(try box.ip(["-4", "addr", "show", "dev", "brx0"]).contains("10.55.0.1/24"), "the operator's bridge is untouched")
            #expect(try box.namespace.links().contains("brx0"))
        }
    }

    @Test("racing: several processes create one external network (one wins) and start one VM on it at once (one qemu); a start killed mid-way leaves a status that matches the real qemu, and the next start and stop finish cleanly with no tap left", .timeLimit(.minutes(10)))
    func racesAndKill() async throws {
        let guests = try TestGuests.locate()
        try await BridgeHelperSandbox.with(acl: "allow brx0\n") { box in
            let cli = box.cli
            try box.makeBridge("brx0", address: "10.55.0.1/24")
            let creates = try cli.concurrently(Array(repeating: ["network", "create", "office", "--external", "--bridge", "brx0"], count: 4), environment: [:])
            #expect(creates.filter { $0.status == 0 }.count == 1 && creates.filter { $0.status == 4 }.count == 3, "\(creates)")
            try cli.ok(["volume", "create", "vol"])
            try cli.ok(["vm", "create", "g", "vol"] + guests.directBootOptions + ["--network", "office"])

            let starts = try cli.concurrently(Array(repeating: ["start", "g"], count: 3), environment: [:])
            #expect(starts.allSatisfy { $0.status == 0 }, "\(starts)")
            #expect(try box.qemus().count == 1 && box.ports(of: "brx0").count == 1)
            try cli.ok(["stop", "g"])
            #expect(box.qemus().isEmpty)

            // SIGKILL a start part-way (after qemu may or may not have been spawned).
            for delay in [30, 90, 180] {
                let start = try cli.spawn(["start", "g"])
                try await Task.sleep(for: .milliseconds(delay))
                start.kill()
                _ = start.wait()
                try await Task.sleep(for: .milliseconds(300))
                let state = ((try cli.json(["vm", "get", "g"]) as? [String: Any])?["status"] as? [String: Any])?["state"] as? String
                let live = box.qemus()
                #expect(live.count <= 1)
                print("NetworkBridgeHelperCLITests: after a kill at \(delay) ms: status \(state ?? "-"), \(live.count) qemu")
                let claimsLive = ["running", "starting", "paused"].contains(state ?? "")
                #expect(claimsLive == !live.isEmpty, "after a kill at \(delay) ms: status \(state ?? "-"), qemus \(live)")
                try cli.ok(["start", "g"])
                #expect(try box.qemus().count == 1 && box.ports(of: "brx0").count == 1, "one qemu and one tap after the next start")
                try cli.ok(["stop", "g"])
                #expect(try box.qemus().isEmpty && box.ports(of: "brx0").isEmpty)
            }
            try cli.ok(["vm", "delete", "g"])
            try cli.ok(["network", "delete", "office"])
            #expect(try box.namespace.links().contains("brx0"))
        }
    }
}
