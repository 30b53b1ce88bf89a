import Foundation
import SpinCore
import Testing

/// The cloud-init, ssh and exec commands without a guest: what is recorded, and the errors.
@Suite("spin vm create --cloud-init, spin ssh and spin exec without a guest")
struct GuestCLITests {
    @Test("--seed records the settings, the root's key (0600) and an SSH forward; --ssh-key and --cloud-init FILE add theirs; vm get shows them")
    func createWithCloudInit() async throws {
        try await CLI.with { cli in
            try cli.ok(["volume", "create", "vol"])
            let key = cli.directory + "/me.pub"
            try "# mine\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOwn me@laptop\n".write(toFile: key, atomically: true, encoding: .utf8)
            let data = cli.directory + "/user-data"
            try "#cloud-config\nruncmd: [touch, /tmp/x]\n".write(toFile: data, atomically: true, encoding: .utf8)
            try cli.ok(["vm", "create", "web", "vol", "-s", "64M", "--ssh-key", key, "--cloud-init", data, "--user", "ops"])
            let record = try #require(try cli.json(["vm", "get", "web"]) as? [String: Any])
            let vm = try #require(record["vm"] as? [String: Any])
            let settings = try #require(vm["cloudInit"] as? [String: Any])
            let keys = try #require(settings["authorizedKeys"] as? [String])
            let own = try String(contentsOfFile: cli.root + "/ssh/id_ed25519.pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(keys == [own, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOwn me@laptop"])
            #expect(settings["userName"] as? String == "ops" && (settings["userData"] as? String)?.hasPrefix("#cloud-config") == true)
            #expect((try FileManager.default.attributesOfItem(atPath: cli.root + "/ssh/id_ed25519")[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            let forward = try #require((vm["ports"] as? [[String: Any]])?.first)
            #expect(forward["guestPort"] as? Int == 22 && forward["hostAddress"] as? String == "127.0.0.1")
            #expect(FileManager.default.fileExists(atPath: cli.root + "/vms/1/seed.iso"))
            let text = try cli.ok(["vm", "get", "web"])
            #expect(text.contains("cloud-init:  user ops, 2 SSH keys, own user-data"), "\(text)")
            #expect(text.contains("ssh:         spin ssh web (127.0.0.1:\(forward["hostPort"] as? Int ?? 0))"), "\(text)")

            // A second VM gets another port and the same root key; a VM without the options has neither.
            try cli.ok(["vm", "create", "db", "vol", "-s", "64M", "--seed"])
            let db = try #require((try cli.json(["vm", "get", "db"]) as? [String: Any])?["vm"] as? [String: Any])
            #expect((db["ports"] as? [[String: Any]])?.first?["hostPort"] as? Int != forward["hostPort"] as? Int)
            #expect(((db["cloudInit"] as? [String: Any])?["authorizedKeys"] as? [String]) == [own])
            try cli.ok(["vm", "create", "plain", "vol", "-s", "64M"])
            let plain = try #require((try cli.json(["vm", "get", "plain"]) as? [String: Any])?["vm"] as? [String: Any])
            #expect(plain["cloudInit"] == nil && (plain["ports"] as? [Any])?.isEmpty == true)
            #expect(!FileManager.default.fileExists(atPath: cli.root + "/vms/3/seed.iso"))
        }
    }

    @Test("a private key, an unreadable key file and a bad user name are refused before anything is recorded")
    func badInput() async throws {
        try await CLI.with { cli in
            try cli.ok(["volume", "create", "vol"])
            let secret = cli.directory + "/id_ed25519"
            try "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n".write(toFile: secret, atomically: true, encoding: .utf8)
            #expect(try cli.fails(["vm", "create", "web", "vol", "--ssh-key", secret], 64).contains("private key"))
            #expect(try cli.fails(["vm", "create", "web", "vol", "--ssh-key", cli.directory + "/none.pub"], 64).contains("none.pub"))
            #expect(try cli.fails(["vm", "create", "web", "vol", "--user", "Root"], 64).contains("userName"))
            #expect((try cli.json(["vm", "list"]) as? [Any])?.isEmpty == true)
        }
    }

    @Test("spin exec and spin ssh: a stopped VM is exit 5 naming spin start; ssh without a forward, and ssh through a server, name the fix")
    func errors() async throws {
        try await CLI.with { cli in
            try cli.ok(["volume", "create", "vol"])
            try cli.ok(["vm", "create", "web", "vol", "-s", "64M", "--seed"])
            try cli.ok(["vm", "create", "plain", "vol", "-s", "64M"])
            let exec = try cli.run(cli.rooted(["exec", "web", "--", "true"]), root: false)
            #expect(exec.status == 5 && exec.stderr.contains("spin start"), "\(exec)")
            let ssh = try cli.run(cli.rooted(["ssh", "web", "--", "true"]), root: false)
            #expect(ssh.status == 5 && ssh.stderr.contains("spin start"), "\(ssh)")
            let noForward = try cli.run(cli.rooted(["ssh", "plain"]), root: false)
            #expect(noForward.status == 5 && noForward.stderr.contains("--seed"), "\(noForward)")
            let remote = try cli.run(cli.rooted(["ssh", "web", "--host", cli.directory + "/none.sock"]), root: false)
            #expect(remote.status == 69 && remote.stderr.contains("run spin ssh web there"), "\(remote)")
            #expect(try cli.fails(["exec", "web"], 64).contains("after --"))
        }
    }

    @Test("spin ssh waits for the guest's SSH server: a running VM with no sshd (nothing boots from its empty disk) times out after --wait with exit 6 and the fix")
    func sshWaitsForTheServer() async throws {
        try await CLI.with { cli in
            defer { LifecycleCLITests.cleanUp(cli) }
            try cli.ok(["volume", "create", "vol"])
            try cli.ok(["vm", "create", "web", "vol", "-s", "16M", "-m", "128", "--seed"])
            try cli.ok(["start", "web"])
            let clock = ContinuousClock()
            let started = clock.now
            let ssh = try cli.run(cli.rooted(["ssh", "web", "--wait", "2", "--", "true"]), root: false)
            #expect(ssh.status == 6 && ssh.stderr.contains("did not answer") && ssh.stderr.contains("spin console web --log"), "\(ssh)")
            #expect(started.duration(to: clock.now) >= .seconds(2), "it waited")
            try cli.ok(["stop", "web", "--timeout", "1"])
        }
    }
}
