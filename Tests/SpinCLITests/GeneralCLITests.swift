import Foundation
import Testing

@Suite("spin as a whole")
struct GeneralCLITests {
    @Test("errors in --format json are one JSON object on stderr with the code name")
    func jsonErrors() async throws {
        try await CLI.with { cli in
            let result = try cli.run(["vm", "get", "ghost", "--format", "json"])
            #expect(result.status == 3)
            let body = try #require(try JSONSerialization.jsonObject(with: Data(result.stderr.utf8)) as? [String: Any])
            let error = try #require(body["error"] as? [String: Any])
            #expect(error["code"] as? String == "not_found")
            #expect((error["message"] as? String)?.contains("ghost") == true)
            let usage = try cli.run(["vm", "create", "--format", "json"])
            #expect(usage.status == 64)
            #expect(usage.stderr.contains("\"invalid_argument\""))
        }
    }

    @Test("--version prints the version and every command's help has an example")
    func helpAndVersion() async throws {
        try await CLI.with { cli in
            let version = try cli.run(["--version"], root: false)
            #expect(version.status == 0)
            #expect(!version.stdout.isEmpty)
            for path in try CommandTree.paths(cli) {
                let help = try cli.run(path + ["--help"], root: false)
                #expect(help.status == 0)
                #expect(help.stdout.contains("Example:"), "spin \(path.joined(separator: " ")) --help has no example")
            }
        }
    }

    @Test("doctor reports every check, OK on this machine, also as JSON")
    func doctor() async throws {
        try await CLI.with { cli in
            let text = try cli.ok(["doctor"])
            #expect(text.contains("OK   qemu "))
            let report = try #require(try cli.json(["doctor"]) as? [String: Any])
            #expect(report["ok"] as? Bool == true)
            let names = (report["checks"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(names == ["qemu", "qemu-img", "accelerator", "supervisor", "store", "runtime", "qemu-user"])
        }
    }

    @Test("qmp shutdown of a VM that is not running succeeds at once; qmp raw says how to start it")
    func qmpWithoutVM() async throws {
        try await CLI.with { cli in
            try cli.ok(["qmp", "shutdown", "7", "--timeout", "1"])
            let raw = try cli.fails(["qmp", "raw", "7"], 5)
            #expect(raw.contains("spin start 7"))
        }
    }
}
