import Foundation
import SpinClient
import SpinCore
import SpinQemu
import SpinServer
import SpinTestSupport
import Testing

/// `spin-server unit` under a real systemd user manager: the unit it prints is the one
/// docs/operations.md describes, and systemd runs, stops and restarts the server with it.
@Suite("spin-server as a systemd service", .serialized)
struct ServerServiceTests {
    @Test("the printed unit runs the server; SIGTERM drains and exits clean; a restart keeps the data")
    func runsUnderSystemd() async throws {
        try await withPrivateSystemdManager { harness in
            let root = harness.root + "/spin"
            let unit = try await ProcessRunner.run(try BuiltExecutables.path("spin-server"), ["unit", "--user", "--root", root]).standardOutputText
            #expect(unit.contains("ExecStart=") && unit.contains("WantedBy=default.target"), "\(unit)")
            try FileManager.default.createDirectory(atPath: harness.unitDirectory, withIntermediateDirectories: true)
            try unit.write(toFile: harness.unitDirectory + "/" + ServerServiceUnit.name, atomically: true, encoding: .utf8)

            let systemd = try await SystemdManager.connect(scope: harness.scope)
            let remote = try SpinRemote(endpoint: .unix(path: root + "/spin.sock"))
            do {
                try await systemd.reload()
                _ = try await systemd.startUnit(ServerServiceUnit.name)
                try await Self.waitForHealth(remote, harness)
                let mode = try FileManager.default.attributesOfItem(atPath: root + "/spin.sock")[.posixPermissions] as? Int
                #expect(mode == 0o600)
                _ = try await remote.createVolume(name: "kept")

                _ = try await systemd.stopUnit(ServerServiceUnit.name)
                let stopped = try await systemd.status(of: ServerServiceUnit.name)
                #expect(stopped.activeState == "inactive", "\(stopped)\n\(harness.log)")
                #expect(stopped.result == "success", "SIGTERM should end the server cleanly: \(stopped)\n\(harness.log)")

                _ = try await systemd.startUnit(ServerServiceUnit.name)
                try await Self.waitForHealth(remote, harness)
                #expect(try await remote.listVolumes().map(\.name) == ["kept"])
                _ = try await systemd.stopUnit(ServerServiceUnit.name)
            } catch {
                _ = try? await systemd.stopUnit(ServerServiceUnit.name)
                try? await remote.close()
                await systemd.close()
                throw error
            }
            try? await remote.close()
            await systemd.close()
        }
    }

    @Test("the system unit defaults to /var/lib/spin and multi-user.target; bad values are refused")
    func systemUnit() throws {
        let text = try ServerServiceUnit(manager: .system, executable: "/usr/local/bin/spin-server", arguments: ["--listen", "127.0.0.1:8080"]).rendered()
        #expect(text.contains("ExecStart=/usr/local/bin/spin-server serve --root /var/lib/spin --listen 127.0.0.1:8080\n"))
        #expect(text.contains("Environment=SPIN_ROOT=/var/lib/spin\n"))
        #expect(text.contains("WantedBy=multi-user.target\n"))
        let spaced = try ServerServiceUnit(manager: .user, executable: "/opt/spin/bin/spin-server", root: "/srv/spin 100%").rendered()
        #expect(spaced.contains("--root \"/srv/spin 100%%\""), "\(spaced)")
        #expect(throws: SpinError.self) { try ServerServiceUnit(manager: .user, executable: "spin-server").rendered() }
    }

    private static func waitForHealth(_ remote: SpinRemote, _ harness: PrivateSystemdManager) async throws {
        for _ in 0..<200 {
            if (try? await remote.health()) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the service never answered on its socket:\n\(harness.log)")
        throw HarnessError("spin-server service did not start")
    }
}
