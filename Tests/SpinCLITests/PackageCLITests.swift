import Foundation
import Testing

@Suite("spin package")
struct PackageCLITests {
    @Test("spin serve refuses a package retention under a minute or one it cannot read, naming the option")
    func packageRetentionValidation() async throws {
        try await CLI.with { cli in
            let short = try cli.fails(["serve", "--package-retention", "30s"], 64)
            #expect(short.contains("--package-retention"))
            #expect(short.contains("at least 60s"))
            let unreadable = try cli.fails(["serve", "--package-retention", "soon"], 64)
            #expect(unreadable.contains("e.g. 7d"))
        }
    }

    @Test("a package built by hand runs once enqueued, and status --wait reports its commands")
    func buildAndRun() async throws {
        try await CLI.with { cli in
            let package = try cli.ok(["package", "new"]).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(UInt64(package) != nil)
            // Agents act only in registered volumes, for raw commands too: record one, remove its
            // directory, and have the raw command make it again.
            let volume = cli.directory + "/byhand"
            try cli.ok(["volume", "create", "byhand", volume])
            try FileManager.default.removeItem(atPath: volume)
            let command = try cli.ok(["package", "add", package, "storage", "add_volume", "volumePath=\(volume)"])
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(UUID(uuidString: command) != nil)
            let open = try #require(try cli.json(["package", "status", package]) as? [String: Any])
            #expect((open["package"] as? [String: Any])?["state"] as? String == "open")

            try cli.ok(["package", "enqueue", package])
            let done = try #require(try cli.json(["package", "status", package, "--wait", "--timeout", "60"]) as? [String: Any])
            #expect((done["package"] as? [String: Any])?["state"] as? String == "succeeded")
            let commands = try #require(done["commands"] as? [[String: Any]])
            #expect(commands.first?["state"] as? String == "succeeded")
            #expect(commands.first?["action"] as? String == "add_volume")
            #expect(FileManager.default.fileExists(atPath: volume))
            #expect(try cli.ok(["package", "status", package]).contains("package \(package): succeeded"))

            // Outside every registered volume the same raw command fails, creating nothing.
            let elsewhere = cli.directory + "/elsewhere"
            let refused = try cli.ok(["package", "new"]).trimmingCharacters(in: .whitespacesAndNewlines)
            try cli.ok(["package", "add", refused, "storage", "add_volume", "volumePath=\(elsewhere)"])
            try cli.ok(["package", "enqueue", refused])
            let waited = try cli.run(["package", "status", refused, "--wait", "--timeout", "60"])
            #expect(waited.status == 1, "\(waited)")
            let failed = try #require(try cli.json(["package", "status", refused]) as? [String: Any])
            let summary = try #require(failed["package"] as? [String: Any])
            #expect(summary["state"] as? String == "failed")
            #expect((summary["failure"] as? [String: Any])?["errorCode"] as? String == "forbidden")
            #expect(!FileManager.default.fileExists(atPath: elsewhere))
        }
    }

    @Test("parameters are checked against the action: unknown action, missing, extra or mistyped parameters exit 64")
    func validation() async throws {
        try await CLI.with { cli in
            let package = try cli.ok(["package", "new"]).trimmingCharacters(in: .whitespacesAndNewlines)
            let unknown = try cli.fails(["package", "add", package, "storage", "explode"], 64)
            #expect(unknown.contains("unknown action storage.explode"))
            try cli.fails(["package", "add", package, "storage", "create_image", "volumePath=/var/tmp/x"], 64)
            try cli.fails(["package", "add", package, "storage", "add_volume", "volumePath=/var/tmp/x", "colour=blue"], 64)
            try cli.fails(["package", "add", package, "emulation", "start", "vmID=\"one\""], 64)
            try cli.fails(["package", "add", package, "storage", "add_volume", "novalue"], 64)
            try cli.fails(["package", "add", "999", "storage", "add_volume", "volumePath=/var/tmp/x"], 3)
            try cli.fails(["package", "status", "999"], 3)
            try cli.fails(["package", "complete", "not-a-uuid", "true"], 64)
            try cli.fails(["package", "complete", UUID().uuidString, "true"], 3)
        }
    }

    @Test("complete records an outcome by hand: a failed command fails its package with the reason")
    func completeByHand() async throws {
        try await CLI.with { cli in
            let package = try cli.ok(["package", "new"]).trimmingCharacters(in: .whitespacesAndNewlines)
            let command = try cli.ok(["package", "add", package, "storage", "add_volume", "volumePath=\(cli.directory)/never"])
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try cli.ok(["package", "enqueue", package])
            let record = try #require(try cli.json(["package", "complete", command, "false", "disk full"]) as? [String: Any])
            #expect(record["state"] as? String == "failed")
            let status = try #require(try cli.json(["package", "status", package]) as? [String: Any])
            let summary = try #require(status["package"] as? [String: Any])
            #expect(summary["state"] as? String == "failed")
            #expect((summary["failure"] as? [String: Any])?["reason"] as? String == "disk full")
            let waited = try cli.run(["package", "status", package, "--wait"])
            #expect(waited.status == 1, "\(waited)")
        }
    }
}
