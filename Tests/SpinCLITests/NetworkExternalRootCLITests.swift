import Foundation
import SpinCore
import SpinTestSupport
import Testing

/// spin as root on an external network: a tap of its own on the operator's bridge (no
/// helper), inside a namespace the test makes.
@Suite("spin as root on an external bridge: its own tap, the bridge untouched", .serialized,
       .enabled(if: getuid() == 0 && (try? TestGuests.locate()) != nil, "needs root and the test guests"))
struct NetworkExternalRootCLITests {
    @Test("as root a VM on an external network gets a tap spt<id>n0 on the operator's bridge while it runs; stop removes the tap, delete of the network leaves the bridge and its address", .timeLimit(.minutes(5)))
    func rootTap() async throws {
        let guests = try TestGuests.locate()
        try await NetworkCLITests.withNamespacedCLI { cli, ns in
            try ns.ip(["link", "add", "brx0", "type", "bridge"])
            try ns.ip(["addr", "add", "10.55.0.1/24", "dev", "brx0"])
            try ns.ip(["link", "set", "brx0", "up"])
            try cli.ok(["network", "create", "office", "--external", "--bridge", "brx0"])
            #expect(try cli.fails(["network", "create", "again", "--external", "--bridge", "brx0"], 4).contains("already belongs to network \"office\""))
            try cli.ok(["volume", "create", "vol"])
            try cli.ok(["vm", "create", "g", "vol"] + guests.directBootOptions + ["--network", "office"])
            try cli.ok(["start", "g"])
            let ports = try ns.ip(["-j", "link", "show", "master", "brx0"])
            #expect(ports.contains("\"spt1n0\""), "ports of brx0: \(ports)")
            let launch = try String(contentsOfFile: cli.root + "/vms/1/launch.json", encoding: .utf8)
            #expect(launch.contains("ifname=spt1n0") && !launch.contains("-netdev\",\"bridge"))
            try cli.ok(["stop", "g"])
            #expect(!(try ns.links()).contains("spt1n0"))
            try cli.ok(["vm", "delete", "g"])
            try cli.ok(["network", "delete", "office"])
            #expect(try ns.ip(["-4", "addr", "show", "dev", "brx0"]).contains("10.55.0.1/24"))
            try NetworkCLITests.expectNothingLeft(cli, ns, keep: ["brx0"])
        }
    }
}
