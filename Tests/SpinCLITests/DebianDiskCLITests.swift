import Foundation
import SpinCore
import SpinTestSupport
import Testing

/// The Debian 12 guest's bootable disk (scripts/build-debian-disk: GPT, grub for BIOS and
/// UEFI) imported as a base and booted from its own disk under TCG: UEFI with user-data of the
/// user's own, then a clone and a BIOS VM side by side.
@Suite(
    "spin with the Debian guest's bootable disk: UEFI and BIOS, own user-data, clones (TCG)",
    .serialized,
    .enabled(if: DebianTestGuest.isBuilt, "the Debian test guest is not built; run scripts/build-debian-guest")
)
struct DebianDiskCLITests {
    @Test("UEFI boot from an imported base runs --cloud-init's runcmd; a clone boots with its own host name and instance id; BIOS boots the same base; the base stays untouched", .timeLimit(.minutes(30)))
    func firmwareUserDataAndClones() async throws {
        let guest = try DebianTestGuest.locate()
        try await CLI.with { cli in
            defer { LifecycleCLITests.cleanUp(cli) }
            func exec(_ vm: String, _ command: [String]) -> CLI.Result? {
                try? cli.run(cli.rooted(["exec", vm, "--"] + command), root: false)
            }
            /// Waits until `command` in `vm` prints `output` (the guest boots meanwhile).
            func waitFor(_ vm: String, _ command: [String], prints output: String) async -> CLI.Result? {
                var last: CLI.Result?
                _ = await Loopback.waitUntil(timeout: .seconds(900), every: .seconds(2)) {
                    last = exec(vm, command)
                    return last?.status == 0 && last?.stdout == output
                }
                return last
            }
            try cli.ok(["volume", "create", "vol"])
            try cli.ok(["image", "import", "vol", "debian-12", guest.disk, "--base"])
            let userData = cli.directory + "/user-data"
            try "#cloud-config\nruncmd:\n  - [\"sh\", \"-c\", \"echo ran > /var/tmp/spin-runcmd\"]\n".write(toFile: userData, atomically: true, encoding: .utf8)
            try cli.ok(["vm", "create", "web", "--from", "vol/debian-12", "--firmware", "uefi", "-c", "2", "-m", "1024", "--cloud-init", userData])
            let clock = ContinuousClock()
            let started = clock.now
            try cli.ok(["start", "web"])
            let ran = await waitFor("web", ["cat", "/var/tmp/spin-runcmd"], prints: "ran\n")
            try #require(ran?.stdout == "ran\n", "the user-data's runcmd never ran: \(ran.map(String.init(describing:)) ?? "-")\n\(Self.serialTail(cli, vm: 1))")
            print("DebianDiskCLITests: UEFI boot to runcmd in \(started.duration(to: clock.now))")
            #expect(exec("web", ["test", "-d", "/sys/firmware/efi"])?.status == 0, "booted through UEFI")
            #expect(exec("web", ["hostname"])?.stdout == "web\n")
            #expect(exec("web", ["findmnt", "-n", "-o", "SOURCE", "/"])?.stdout == "/dev/vda3\n", "root from the disk's own partition")
            #expect(FileManager.default.fileExists(atPath: cli.root + "/vms/1/efivars.qcow2"))
            try cli.ok(["stop", "web", "--timeout", "120"])

            // An overlay uses the base: it cannot go.
            #expect(try cli.fails(["image", "delete", "vol", "debian-12"], 5).contains("web.qcow2"))

            // A clone (same firmware, a new instance id) and a BIOS VM of the same base.
            try cli.ok(["vm", "clone", "web", "web2"])
            try cli.ok(["vm", "create", "legacy", "--from", "vol/debian-12", "-c", "1", "-m", "768"])
            func instanceID(_ vm: String) throws -> String? {
                let record = try #require(try cli.json(["vm", "get", vm]) as? [String: Any])
                return ((record["vm"] as? [String: Any])?["cloudInit"] as? [String: Any])?["instanceID"] as? String
            }
            let (webID, cloneID) = (try instanceID("web"), try instanceID("web2"))
            #expect(webID != nil && cloneID != nil && webID != cloneID)
            let bothStarted = clock.now
            try cli.ok(["start", "web2"])
            try cli.ok(["start", "legacy"])
            let cloneName = await waitFor("web2", ["hostname"], prints: "web2\n")
            #expect(cloneName?.stdout == "web2\n", "\(cloneName.map(String.init(describing:)) ?? "-")\n\(Self.serialTail(cli, vm: 2))")
            #expect(exec("web2", ["cat", "/var/lib/cloud/data/instance-id"])?.stdout == (cloneID ?? "") + "\n")
            let legacyName = await waitFor("legacy", ["hostname"], prints: "legacy\n")
            #expect(legacyName?.stdout == "legacy\n", "\(legacyName.map(String.init(describing:)) ?? "-")\n\(Self.serialTail(cli, vm: 3))")
            #expect(exec("legacy", ["test", "-d", "/sys/firmware/efi"])?.status == 1, "booted through BIOS")
            var login: CLI.Result?
            let sshWorks = await Loopback.waitUntil(timeout: .seconds(600), every: .seconds(2)) {
                login = try? cli.run(cli.rooted(["ssh", "legacy", "--", "cat", "/etc/hostname"]), root: false)
                return login?.status == 0
            }
            #expect(sshWorks && login?.stdout == "legacy\n", "\(login.map(String.init(describing:)) ?? "-")")
            print("DebianDiskCLITests: a clone and a BIOS VM booted side by side in \(bothStarted.duration(to: clock.now))")

            for vm in ["web2", "legacy"] { try cli.ok(["stop", vm, "--timeout", "120"]) }
            for vm in ["web", "web2", "legacy"] { try cli.ok(["vm", "delete", vm]) }
            #expect(try HostTool.sha256(cli.root + "/images/vol/debian-12") == HostTool.sha256(guest.disk), "the base is untouched")
            try cli.ok(["image", "delete", "vol", "debian-12"])
            #expect(HostTool.allFiles(cli.root + "/images/vol").isEmpty)
        }
    }

    static func serialTail(_ cli: CLI, vm: Int) -> String {
        let text = (try? String(contentsOfFile: cli.root + "/vms/\(vm)/serial.log", encoding: .utf8)) ?? "(no serial log)"
        return "serial log of VM \(vm), last lines:\n" + text.split(separator: "\n").suffix(30).joined(separator: "\n")
    }
}
