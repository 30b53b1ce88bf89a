import Foundation
import SpinCore
import SpinTestSupport
import Testing

/// Several `spin` processes at once on one base image, and `spin` SIGKILLed in the middle of an
/// import or a `vm create --from`: afterwards records and files agree — every image file has a
/// record, every record its file, every overlay its base.
@Suite("spin base images under races and kills", .serialized)
struct BaseImageRaceCLITests {
    @Test("creates and clones from one base at once all succeed; a base delete racing a create-from leaves one consistent outcome")
    func races() async throws {
        try await ConcurrentCLI.with(.direct) { harness in
            try harness.ok(["volume", "create", "vol"])
            let volume = harness.cli.root + "/images/vol"
            try HostTool.writeRaw(harness.cli.directory + "/base.img", size: 16 << 20)
            try harness.ok(["image", "import", "vol", "base", harness.cli.directory + "/base.img", "--base"])
            try harness.ok(["vm", "create", "src", "vol", "--from", "vol/base"])
            let results = try harness.concurrently([
                ["vm", "create", "a", "vol", "--from", "vol/base"], ["vm", "create", "b", "vol", "--from", "vol/base"],
                ["vm", "clone", "src", "c"], ["vm", "clone", "src", "d", "--full"],
            ])
            for result in results { #expect(result.status == 0, "\(result)") }
            try harness.checkInvariants("after creates and clones at once")
            try Self.checkOverlays(harness, "after creates and clones at once")
            for vm in ["a", "b", "c", "src"] {
                #expect(try HostTool.info("\(volume)/\(vm).qcow2", format: "qcow2")["backing-filename"] as? String == "base")
            }
            for vm in ["src", "a", "b", "c", "d"] { try harness.ok(["vm", "delete", vm]) }

            // The base is free now: a delete and a create-from race, three times over.
            for round in 0..<3 {
                let raced = try harness.concurrently([["image", "delete", "vol", "base"], ["vm", "create", "e", "vol", "--from", "vol/base"]])
                let context = "round \(round): delete \(raced[0]), create \(raced[1])"
                #expect(raced[0].status == 0 || raced[1].status == 0, "\(context)")
                #expect(!(raced[0].status == 0 && raced[1].status == 0), "both won: \(context)")
                try harness.checkInvariants(context)
                try Self.checkOverlays(harness, context)
                if raced[1].status == 0 {
                    #expect(raced[0].stderr.contains("e.qcow2"), "\(context)")
                    try harness.ok(["vm", "delete", "e"])
                    try harness.ok(["image", "delete", "vol", "base"])
                }
                #expect(HostTool.allFiles(volume).isEmpty, "\(context): \(HostTool.allFiles(volume))")
                try harness.ok(["image", "import", "vol", "base", harness.cli.directory + "/base.img", "--base"])
            }
        }
    }

    @Test("SIGKILL of spin image import and vm create --from at random points, then recovery: records and files agree")
    func kills() async throws {
        let seed = UInt64.random(in: 1...UInt64.max)
        var random = SplitMix64(seed: seed)
        try await ConcurrentCLI.with(.direct) { harness in
            try harness.ok(["volume", "create", "vol"])
            let volume = harness.cli.root + "/images/vol"
            let source = harness.cli.directory + "/source.img"
            try HostTool.run("dd", ["if=/dev/urandom", "of=\(source)", "bs=1M", "count=96", "status=none"])
            let digest = try HostTool.sha256(source)
            for step in 0..<4 {
                let importing = ["image", "import", "vol", "base\(step)", source, "--sha256", digest, "--base"]
                let creating = ["vm", "create", "vm\(step)", "vol", "--from", "vol/base\(step)"]
                for command in [importing, creating] {
                    let delay = Int(random.next() % 400)
                    let context = "seed \(seed) step \(step): spin \(command.prefix(3).joined(separator: " ")) killed after \(delay) ms"
                    let running = try harness.spawn(command)
                    try await Task.sleep(for: .milliseconds(delay))
                    running.kill()
                    _ = running.wait()
                    try KillCLITests().finishPackages(harness, context)
                    let again = try harness.run(command)
                    #expect(again.status == 0 || again.status == 4, "\(context); again: \(again)")
                    try harness.checkInvariants(context)
                    try Self.checkOverlays(harness, context)
                }
                #expect(try HostTool.sha256("\(volume)/base\(step)") == digest, "seed \(seed) step \(step)")
                #expect(try HostTool.info("\(volume)/vm\(step).qcow2", format: "qcow2")["backing-filename"] as? String == "base\(step)")
            }
        }
    }

    /// Every image record has its file, and every overlay's base is recorded and on disk.
    static func checkOverlays(_ harness: ConcurrentCLI, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try harness.run(["image", "list", "--format", "json"])
        let rows = (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]) ?? []
        let volumes = try harness.volumes()
        let names = Set(rows.compactMap { row in (row["volume"] as? String).flatMap { v in (row["name"] as? String).map { v + "/" + $0 } } })
        for row in rows {
            guard let volume = row["volume"] as? String, let name = row["name"] as? String, let path = volumes[volume] else { continue }
            #expect(FileManager.default.fileExists(atPath: path + "/" + name), "\(context): image \(volume)/\(name) has no file", sourceLocation: sourceLocation)
            if let base = row["backingImage"] as? String {
                #expect(names.contains(volume + "/" + base), "\(context): overlay \(name)'s base \(base) has no record", sourceLocation: sourceLocation)
                #expect(FileManager.default.fileExists(atPath: path + "/" + base), "\(context): overlay \(name)'s base \(base) has no file", sourceLocation: sourceLocation)
            }
        }
    }
}
