import Foundation
import SpinCore
import SpinTestSupport
import Testing

/// The rules that bound a request live in the SDK (`ServiceLimits`, `HostChecks`), so the CLI
/// embedded and the CLI with `--host` (through the server) answer the same: the same exit
/// code and byte-identical stderr for a bad timeout, the same host checks under the same names.
@Suite("spin embedded and --host follow the same rules", .serialized)
struct ServiceRulesCLITests {
    @Test("timeout bounds: the same error both ways, and --timeout 0 forces a stop both ways")
    func timeoutBounds() async throws {
        let guests = try TestGuests.locate()
        try await CLI.with { cli in
            let socket = cli.root + "/spin.sock"
            let server = try await ChildProcess.server(cli, host: socket)
            defer { server.stop() }
            defer { LifecycleCLITests.cleanUp(cli) }
            let host = ["--host", socket]
            try cli.ok(["volume", "create", "vol"])
            try cli.ok(["vm", "create", "web", "vol"] + guests.directBootOptions)

            let refused = [
                ["stop", "web", "--timeout", "3601"],
                ["stop", "web", "--timeout=-1"],
                ["restart", "web", "--timeout", "99999"],
                ["shutdown", "web", "--timeout", "0"],
                ["shutdown", "web", "--timeout", "3601"],
            ]
            for arguments in refused {
                let embedded = try cli.run(arguments)
                let remote = try cli.run(arguments + host)
                #expect(embedded.status == 64, "\(arguments): \(embedded)")
                #expect(remote.status == embedded.status, "\(arguments) remote: \(remote) embedded: \(embedded)")
                #expect(remote.stderr == embedded.stderr, "\(arguments) remote: \(remote.stderr) embedded: \(embedded.stderr)")
                #expect(embedded.stderr.contains("out of range"), "\(arguments): \(embedded.stderr)")
            }

            // 0 forces at once: a running VM is killed without waiting for its guest.
            for extra in [[], host] {
                let started = try #require(try cli.json(["start", "web"] + extra) as? [String: Any])
                #expect((started["status"] as? [String: Any])?["state"] as? String == "running")
                let stopped = try #require(try cli.json(["stop", "web", "--timeout", "0"] + extra) as? [String: Any])
                #expect((stopped["status"] as? [String: Any])?["state"] as? String == "stopped", "\(extra): \(stopped)")
                let runtime = RuntimePaths(root: SpinRoot(explicit: cli.root), vmID: 1).runtimeDirectory
                #expect(QemuProcesses.pids(runtimeDirectory: runtime).isEmpty, "a qemu is left after stop --timeout 0 \(extra)")
            }
        }
    }

    @Test("host checks: doctor embedded and through the server list the same checks under the same names")
    func hostChecks() async throws {
        try await CLI.with { cli in
            let socket = cli.root + "/spin.sock"
            let server = try await ChildProcess.server(cli, host: socket)
            defer { server.stop() }
            let embedded = try cli.run(["doctor", "--format", "json"])
            let remote = try cli.run(["doctor", "--format", "json", "--host", socket])
            let local = try Self.checks(embedded.stdout)
            let served = try Self.checks(remote.stdout)
            #expect(served.first?.name == "server")
            #expect(served.dropFirst().map(\.name) == local.map(\.name), "remote: \(served) embedded: \(local)")
            #expect(served.dropFirst().map(\.ok) == local.map(\.ok), "remote: \(served) embedded: \(local)")
            #expect(local.map(\.name) == ["qemu", "qemu-img", "accelerator", "supervisor", "store", "runtime", "qemu-user"])
            #expect(remote.status == embedded.status)
        }
    }

    private struct Check: Decodable { var name: String; var ok: Bool }
    private struct Report: Decodable { var checks: [Check] }

    private static func checks(_ json: String) throws -> [Check] {
        try JSONDecoder().decode(Report.self, from: Data(json.utf8)).checks
    }
}
