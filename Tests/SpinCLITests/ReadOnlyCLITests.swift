import Foundation
import SpinTestSupport
import Testing

/// Commands that only look open the store read-only and do nothing else: no file, no agent,
/// no spawned process; and the host facts they may need come from the root's cache.
@Suite("read-only commands and the host-fact cache", .serialized)
struct ReadOnlyCLITests {
    /// Every command that only looks, against a root holding a volume, a VM with a disk and
    /// the package that made them.
    static let looks: [[String]] = [
        ["vm", "list"], ["vm", "list", "--format", "json"], ["vm", "get", "web"], ["vm", "get", "1", "--format", "json"],
        ["vm", "image", "list", "web"], ["volume", "list"], ["image", "list", "vol1"], ["image", "get", "vol1", "web.qcow2"],
        ["package", "status", "1"],
    ]

    /// A root with one volume and one VM, made by ordinary (writing) commands.
    static func populated(_ cli: CLI) throws -> String {
        let volume = cli.directory + "/vol1"
        try cli.ok(["volume", "create", "vol1", volume])
        try cli.ok(["vm", "create", "web", "vol1", "--cpus", "1", "--memory", "128", "-s", "64M"])
        return volume
    }

    @Test("a read-only command on a root creates no file, changes none and spawns nothing")
    func looksChangeNothing() async throws {
        try await CLI.with { cli in
            let volume = try Self.populated(cli)
            let wrappers = try ProbeWrappers.make(in: cli.directory)
            let before = (TreeSnapshot(cli.root), TreeSnapshot(volume))
            for command in Self.looks {
                let result = try cli.run(command, environment: wrappers.environment)
                #expect(result.status == 0, "spin \(command.joined(separator: " ")): \(result)")
            }
            // A VM that never ran has no log yet: a clear error, and still nothing touched.
            let log = try cli.run(["console", "web", "--log"], environment: wrappers.environment)
            #expect(log.status == 3 && log.stderr.contains("spin start web"), "\(log)")
            #expect(wrappers.spawns() == [], "read-only commands spawned: \(wrappers.spawns())")
            #expect(TreeSnapshot(cli.root) == before.0, "the root changed:\n\(TreeSnapshot(cli.root))\nwas:\n\(before.0)")
            #expect(TreeSnapshot(volume) == before.1)
            #expect(!FileManager.default.fileExists(atPath: cli.root + "/leases.lmdb") || before.0.entries["leases.lmdb"] != nil)
            #expect(QemuProcesses.pids(runtimeDirectory: cli.root).isEmpty)
        }
    }

    @Test("looking at a root that does not exist prints nothing found and creates nothing")
    func looksAtMissingRoot() async throws {
        try await CLI.with { cli in
            let missing = cli.directory + "/nothing-here"
            let temporary = cli.directory + "/tmp"
            try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            let environment = ["SPIN_ROOT": missing, "TMPDIR": temporary]
            let list = try cli.run(["vm", "list", "--format", "json"], environment: environment, root: false)
            #expect(list.status == 0, "\(list)")
            #expect((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any])?.isEmpty == true)
            let get = try cli.run(["vm", "get", "web"], environment: environment, root: false)
            #expect(get.status == 3, "\(get)")
            #expect(get.stderr.contains("web"))
            #expect(try cli.run(["volume", "list"], environment: environment, root: false).status == 0)
            #expect(!FileManager.default.fileExists(atPath: missing))
            #expect(try FileManager.default.contentsOfDirectory(atPath: temporary) == [])
        }
    }

    @Test("reads answer while other processes write, and a SIGKILLed reader leaves the root as it was")
    func looksRaceWritersAndDie() async throws {
        try await CLI.with { cli in
            _ = try Self.populated(cli)
            // Readers and writers at once: every reader succeeds and sees a consistent list.
            let writers = (0..<3).map { index in ["vm", "create", "w\(index)", "vol1", "--cpus", "1", "--memory", "64", "-s", "16M"] }
            let readers = Array(repeating: ["vm", "list", "--format", "json"], count: 8)
            let results = try cli.concurrently(writers + readers)
            for (command, result) in zip(writers + readers, results) {
                #expect(result.status == 0, "spin \(command.joined(separator: " ")): \(result)")
            }
            for result in results.suffix(readers.count) {
                let vms = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
                #expect((vms?.count ?? 0) >= 1 && (vms?.count ?? 0) <= 4)
            }
            // Readers killed at random moments change nothing and leave no process.
            let before = TreeSnapshot(cli.root)
            for attempt in 0..<12 {
                let process = try cli.process(["vm", "list", "--root", cli.root], environment: [:])
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                usleep(UInt32(attempt * 2_500))
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            #expect(TreeSnapshot(cli.root) == before)
            let check = try cli.run(["store", "check"])
            #expect(check.status == 0, "\(check)")
            #expect(try (cli.json(["vm", "list"]) as? [Any])?.count == 4)
        }
    }

    @Test("host facts are probed once per qemu binary and again when the binary changes")
    func hostFactsCache() async throws {
        try await CLI.with { cli in
            let wrappers = try ProbeWrappers.make(in: cli.directory)
            func versionProbes() -> Int { wrappers.spawns().filter { $0.hasPrefix("qemu-system-x86_64 -version") }.count }
            // Several first runs at once: each may probe; the file they leave is whole.
            let first = try cli.concurrently(Array(repeating: ["doctor", "--format", "json"], count: 4), environment: wrappers.environment)
            #expect(first.allSatisfy { $0.status == 0 }, "\(first)")
            let facts = try #require(FileManager.default.contents(atPath: cli.root + "/host-facts.json"))
            let decoded = try #require(try JSONSerialization.jsonObject(with: facts) as? [String: Any])
            #expect((decoded["qemuVersion"] as? String)?.isEmpty == false)
            let afterRace = versionProbes()
            #expect(afterRace >= 1 && afterRace <= 4)
            // Cached: more runs probe nothing.
            for _ in 0..<3 { #expect(try cli.run(["doctor"], environment: wrappers.environment).status == 0) }
            #expect(versionProbes() == afterRace)
            // The binary changes (an upgrade, here a touch): probed again, once.
            wrappers.touchEmulator()
            #expect(try cli.run(["doctor"], environment: wrappers.environment).status == 0)
            #expect(try cli.run(["doctor"], environment: wrappers.environment).status == 0)
            #expect(versionProbes() == afterRace + 1)
            // A torn file is only a reason to probe again.
            try Data("{\"key\": ".utf8).write(to: URL(fileURLWithPath: cli.root + "/host-facts.json"))
            #expect(try cli.run(["doctor"], environment: wrappers.environment).status == 0)
            #expect(versionProbes() == afterRace + 2)
            #expect(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cli.root + "/host-facts.json"))) is [String: Any])
        }
    }
}
