import Foundation
import Testing

@Suite("spin touches only files it made (CLI)")
struct OwnershipCLITests {
    @Test("a foreign file survives image create (exit 4 naming it), image delete, image move onto it and volume delete --force")
    func foreignFileSurvives() async throws {
        try await CLI.with { cli in
            let volume = cli.directory + "/v1"
            try cli.ok(["volume", "create", "vol1", volume])
            let foreign = volume + "/web.qcow2"
            let bytes = Data("not spin's\n".utf8)
            #expect(FileManager.default.createFile(atPath: foreign, contents: bytes))

            let create = try cli.fails(["image", "create", "vol1", "web.qcow2", "--size", "1M"], 4)
            #expect(create.contains(foreign + " exists and was not made by spin"))
            #expect(create.contains("move it away or choose another name"))
            #expect((try cli.json(["image", "list", "vol1"]) as? [Any])?.isEmpty == true)

            try cli.ok(["image", "create", "vol1", "a.qcow2", "--size", "1M"])
            let move = try cli.fails(["image", "move", "vol1", "a.qcow2", "vol1", "web.qcow2"], 4)
            #expect(move.contains(foreign + " exists and was not made by spin"))
            #expect(FileManager.default.fileExists(atPath: volume + "/a.qcow2"))

            // A record whose file was replaced by someone else's: delete is refused, both stay.
            try FileManager.default.removeItem(atPath: volume + "/a.qcow2")
            #expect(FileManager.default.createFile(atPath: volume + "/a.qcow2", contents: bytes))
            let delete = try cli.fails(["image", "delete", "vol1", "a.qcow2"], 4)
            #expect(delete.contains("spin deletes only files it made"))
            #expect(FileManager.default.contents(atPath: volume + "/a.qcow2") == bytes)
            try FileManager.default.removeItem(atPath: volume + "/a.qcow2")

            try cli.ok(["image", "create", "vol1", "b.qcow2", "--size", "1M"])
            let deleted = try cli.ok(["volume", "delete", "vol1", "--force"])
            #expect(deleted.contains("deleted volume vol1"))
            #expect(deleted.contains("files spin did not make, which it leaves in place: \"web.qcow2\""))
            #expect(FileManager.default.contents(atPath: foreign) == bytes)
            #expect(try FileManager.default.contentsOfDirectory(atPath: volume) == ["web.qcow2"])
            #expect((try cli.json(["volume", "list"]) as? [Any])?.isEmpty == true)
        }
    }

    @Test("volume delete --format json reports whether the directory was removed")
    func volumeDeleteJSON() async throws {
        try await CLI.with { cli in
            try cli.ok(["volume", "create", "vol1"])
            try cli.ok(["image", "create", "vol1", "a.qcow2", "--size", "1M"])
            let report = try #require(try cli.json(["volume", "delete", "vol1", "--force"]) as? [String: Any])
            #expect(report["deleted"] as? String == "vol1")
            #expect(report["directoryRemoved"] as? Bool == true)
            #expect(!FileManager.default.fileExists(atPath: cli.root + "/images/vol1"))
        }
    }
}
