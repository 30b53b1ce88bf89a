import Foundation
import SpinCore
import SpinQemu
import SpinTestSupport
import Testing

/// The Debian 12 cloud guest (scripts/build-debian-guest) driven through the spin CLI under
/// TCG: one boot for cloud-init, SSH, the guest agent's addresses, exec (exit codes, output,
/// stdin, racing processes, a killed client) and a shutdown through the agent.
@Suite(
    "spin with a real Debian 12 guest: cloud-init, ssh, exec, the guest agent (TCG)",
    .serialized,
    .enabled(if: DebianTestGuest.isBuilt, "the Debian test guest is not built; run scripts/build-debian-guest")
)
struct DebianGuestCLITests {
    @Test("import a base, create --from it with shared folders, start, exec, ssh, shares both ways and read-only, addresses from the agent, exit codes, racing and killed clients, shutdown through the agent", .timeLimit(.minutes(25)))
    func cloudInitSSHAndAgent() async throws {
        let guest = try DebianTestGuest.locate()
        try await CLI.with { cli in
            defer { LifecycleCLITests.cleanUp(cli) }
            /// `spin ARGS` with `--root` before `--` (the words after it are the guest's).
            func spin(_ arguments: [String], stdin: String = "") throws -> CLI.Result {
                try cli.run(cli.rooted(arguments), stdin: stdin, root: false)
            }
            try cli.ok(["volume", "create", "vol"])
            let shares = cli.directory + "/shares"
            try FileManager.default.createDirectory(atPath: shares + "/rw", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: shares + "/ro", withIntermediateDirectories: true)
            try "from the host\n".write(toFile: shares + "/rw/host.txt", atomically: true, encoding: .utf8)
            try "read only\n".write(toFile: shares + "/ro/fixed.txt", atomically: true, encoding: .utf8)
            // The guest's root file system as a base; the VM's disk an overlay on it (--from
            // gives it a cloud-init seed, the root's key and an SSH forward).
            try cli.ok(["image", "import", "vol", "debian-12", guest.rootDisk, "--base"])
            try cli.ok(["vm", "create", "web", "--from", "vol/debian-12", "-c", "2", "-m", "1024", "--kernel", guest.kernel, "--initrd", guest.initrd,
                        "--append", DebianTestGuest.append, "--mount", shares + "/rw:/srv/rw", "--mount", shares + "/ro:/srv/ro:ro"])
            let record = try #require(try cli.json(["vm", "get", "web"]) as? [String: Any])
            let vm = try #require(record["vm"] as? [String: Any])
            let sshPort = try #require(((vm["ports"] as? [[String: Any]])?.first { $0["guestPort"] as? Int == 22 })?["hostPort"] as? Int)
            #expect((vm["cloudInit"] as? [String: Any])?["userName"] as? String == "spin")

            let clock = ContinuousClock()
            let started = clock.now
            try cli.ok(["start", "web"])
            var last: CLI.Result?
            let answered = await Loopback.waitUntil(timeout: .seconds(900), every: .seconds(2)) {
                last = try? spin(["exec", "web", "--", "true"])
                return last?.status == 0
            }
            try #require(answered, "spin exec web -- true never succeeded: \(last.map(String.init(describing:)) ?? "-")\n\(Self.serialTail(cli))")
            print("DebianGuestCLITests: spin exec answered \(started.duration(to: clock.now)) after spin start (ssh forward 127.0.0.1:\(sshPort))")

            // Shared folders: mounted by cloud-init at boot; the host's file is read in the
            // guest and the guest's in the host (rw); the read-only one refuses writes.
            #expect(try spin(["exec", "web", "--", "cat", "/srv/rw/host.txt"]).stdout == "from the host\n")
            let written = try spin(["exec", "web", "--", "sh", "-c", "echo from the guest > /srv/rw/guest.txt"])
            #expect(written.status == 0, "\(written)")
            #expect((try? String(contentsOfFile: shares + "/rw/guest.txt", encoding: .utf8)) == "from the guest\n")
            #expect(try spin(["exec", "web", "--", "cat", "/srv/ro/fixed.txt"]).stdout == "read only\n")
            let refused = try spin(["exec", "web", "--", "sh", "-c", "echo x > /srv/ro/new.txt"])
            #expect(refused.status != 0 && refused.stderr.contains("Read-only"), "\(refused)")
            #expect(!FileManager.default.fileExists(atPath: shares + "/ro/new.txt"))
            #expect(FileShareProcesses.count(root: cli.root) == 2, "one virtiofsd per share runs beside qemu")

            // cloud-init writes the key a little after the agent starts; sshd starts late too.
            var login: CLI.Result?
            let sshWorks = await Loopback.waitUntil(timeout: .seconds(600), every: .seconds(2)) {
                login = try? spin(["ssh", "web", "--", "uname", "-a"])
                return login?.status == 0
            }
            #expect(sshWorks, "spin ssh web -- uname -a: \(login.map(String.init(describing:)) ?? "-")\n\(Self.serialTail(cli))")
            #expect(login?.stdout.hasPrefix("Linux web ") == true, "\(login.map(String.init(describing:)) ?? "-")")
            print("DebianGuestCLITests: spin ssh worked \(started.duration(to: clock.now)) after spin start")
            #expect(try spin(["ssh", "web", "--", "sudo", "-n", "id", "-u"]).stdout == "0\n", "the default user has passwordless sudo")
            #expect(FileManager.default.fileExists(atPath: cli.root + "/vms/1/known_hosts"))

            var addresses: [String] = []
            let addressed = await Loopback.waitUntil(timeout: .seconds(300), every: .seconds(1)) {
                let got = (try? cli.json(["vm", "get", "web"])) as? [String: Any]
                let report = got?["guest"] as? [String: Any]
                addresses = (report?["addresses"] as? [[String: Any]])?.compactMap { $0["address"] as? String } ?? []
                return report?["agent"] as? String == "answering" && addresses.contains("10.0.2.15")
            }
            #expect(addressed, "vm get --format json shows no 10.0.2.15 from the agent: \(addresses)")
            // vm get gives the agent 300 ms; on a loaded host one answer may come late.
            var text = ""
            _ = await Loopback.waitUntil(timeout: .seconds(30), every: .milliseconds(500)) {
                text = (try? cli.ok(["vm", "get", "web"])) ?? ""
                return text.contains("agent:       answering")
            }
            #expect(text.contains("10.0.2.15 (enp0s3, agent)"), "\(text)")
            #expect(text.contains("hostname:") && text.contains("agent:       answering"), "\(text)")

            let failing = try spin(["exec", "web", "--", "sh", "-c", "echo out; echo err >&2; exit 7"])
            #expect(failing.status == 7 && failing.stdout == "out\n" && failing.stderr == "err\n", "\(failing)")
            #expect(try spin(["exec", "web", "--", "id", "-u"]).stdout == "0\n")
            #expect(try spin(["exec", "web", "--stdin", "--", "cat"], stdin: "through stdin\n").stdout == "through stdin\n")
            let json = try spin(["exec", "web", "--format", "json", "--", "hostname"])
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect(object?["exitCode"] as? Int == 0 && object?["stdout"] as? String == "web\n" && object?["encoding"] as? String == "text", "\(json)")
            let missing = try spin(["exec", "web", "--", "/no/such/program"])
            #expect(missing.status == SpinError.Code.actionFailed.exitCode, "\(missing)")

            // Several processes on one agent at once: each gets its own command's output.
            let racing = try (0..<4).map { index in
                try cli.spawn(["exec", "web", "--", "sh", "-c", "sleep 1; echo racer-\(index)"])
            }
            for (index, result) in racing.map({ $0.wait() }).enumerated() {
                #expect(result.status == 0 && result.stdout == "racer-\(index)\n", "racer \(index): \(result)")
            }

            // A client killed mid-call (its command keeps running in the guest), a vm get
            // killed mid-call: the next calls still work.
            let sleeper = try cli.spawn(["exec", "web", "--", "sleep", "20"])
            try await Task.sleep(for: .seconds(2))
            sleeper.kill()
            _ = sleeper.wait()
            for delay in [150, 300, 450] {
                let looker = try cli.spawn(["vm", "get", "web"])
                try await Task.sleep(for: .milliseconds(delay))
                looker.kill()
                _ = looker.wait()
            }
            let after = try spin(["exec", "web", "--", "echo", "still-here"])
            #expect(after.status == 0 && after.stdout == "still-here\n", "\(after)")
            #expect(((try cli.json(["vm", "get", "web"]) as? [String: Any])?["guest"] as? [String: Any])?["agent"] as? String == "answering")

            // A guest that ignores the ACPI button (logind, which handles it, told to ignore
            // it) still powers off on spin shutdown: through its guest agent.
            let ignore = "mkdir -p /etc/systemd/logind.conf.d && printf '[Login]\\nHandlePowerKey=ignore\\n' > /etc/systemd/logind.conf.d/ignore-power-key.conf && systemctl restart systemd-logind"
            let ignoring = try spin(["exec", "web", "--", "sh", "-c", ignore])
            #expect(ignoring.status == 0, "\(ignoring)")
            let down = try cli.run(["shutdown", "web", "--timeout", "180", "--format", "json"])
            #expect(down.status == 0, "spin shutdown web: \(down)\n\(Self.serialTail(cli))")
            let state = ((try cli.json(["vm", "get", "web"]) as? [String: Any])?["status"] as? [String: Any])?["state"] as? String
            #expect(state == "stopped")
            let ended = await Loopback.waitUntil(timeout: .seconds(10), every: .milliseconds(100)) { FileShareProcesses.count(root: cli.root) == 0 }
            #expect(ended, "the virtiofsd daemons end with their qemu")
            print("DebianGuestCLITests: the whole flow took \(started.duration(to: clock.now)) after spin start")
            try cli.ok(["vm", "delete", "web"])
            #expect(try HostTool.sha256(cli.root + "/images/vol/debian-12") == HostTool.sha256(guest.rootDisk), "the base is untouched")
        }
    }

    static func serialTail(_ cli: CLI) -> String {
        let text = (try? String(contentsOfFile: cli.root + "/vms/1/serial.log", encoding: .utf8)) ?? "(no serial log)"
        return "serial log, last lines:\n" + text.split(separator: "\n").suffix(30).joined(separator: "\n")
    }
}
