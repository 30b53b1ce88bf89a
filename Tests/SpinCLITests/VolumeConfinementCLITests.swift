import Foundation
import Testing

/// Volumes across processes: every `spin` process's storage agent acts only in registered
/// volumes, so a volume recorded by one process must be served by the agents of another, and
/// `volume delete` must remove the directory before it forgets the volume — a killed delete
/// may never leave a directory no agent is allowed to remove any more.
@Suite("spin volumes across processes, racing and killed", .serialized)
struct VolumeConfinementCLITests {
    @Test("spin processes racing to create and delete volumes and images serve each other's commands in registered volumes only")
    func racing() async throws {
        try await CLI.with { cli in
            let base = cli.directory + "/volumes"
            let names = (0..<6).map { "race\($0)" }
            let created = try cli.concurrently(names.map { ["volume", "create", $0, base + "/" + $0] })
            for (name, result) in zip(names, created) { #expect(result.status == 0, "\(name): \(result)") }
            for name in names { #expect(FileManager.default.fileExists(atPath: base + "/" + name)) }

            let deleted = Array(names.prefix(3))
            let kept = Array(names.suffix(3))
            let results = try cli.concurrently(
                deleted.map { ["volume", "delete", $0, "--force"] }
                    + kept.map { ["image", "create", $0, "a.raw", "--size", "1M", "--image-format", "raw"] })
            for result in results { #expect(result.status == 0, "\(result)") }
            let volumes = try #require(try cli.json(["volume", "list"]) as? [[String: Any]]).compactMap { $0["name"] as? String }
            #expect(volumes.sorted() == kept)
            for name in deleted { #expect(!FileManager.default.fileExists(atPath: base + "/" + name), "\(name)") }
            for name in kept { #expect(FileManager.default.fileExists(atPath: base + "/" + name + "/a.raw"), "\(name)") }
        }
    }

    @Test("SIGKILL of spin volume delete --force at random points, then running it again, leaves neither the record nor the directory")
    func killedDelete() async throws {
        let seed = UInt64.random(in: 1...UInt64.max)
        var random = SplitMix64(seed: seed)
        try await CLI.with { cli in
            for step in 0..<5 {
                let name = "vol\(step)"
                let path = cli.directory + "/volumes/" + name
                try cli.ok(["volume", "create", name, path])
                try cli.ok(["image", "create", name, "a.raw", "--size", "1M", "--image-format", "raw"])
                let delay = Int(random.next() % 300)
                let context = "seed \(seed) step \(step): spin volume delete killed after \(delay) ms"
                let running = try cli.spawn(["volume", "delete", name, "--force"])
                try await Task.sleep(for: .milliseconds(delay))
                running.kill()
                _ = running.wait()

                // Recovery: run it again, as a user would (3: the killed one had finished).
                let again = try cli.run(["volume", "delete", name, "--force"])
                #expect(again.status == 0 || again.status == 3, "\(context); again: \(again)")
                let volumes = try #require(try cli.json(["volume", "list"]) as? [[String: Any]]).compactMap { $0["name"] as? String }
                #expect(!volumes.contains(name), "\(context): \(volumes)")
                #expect(!FileManager.default.fileExists(atPath: path), "\(context): the directory stayed")
            }
        }
    }
}
