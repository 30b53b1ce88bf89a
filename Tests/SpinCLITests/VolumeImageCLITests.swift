import Foundation
import Testing

@Suite("spin volume and spin image")
struct VolumeImageCLITests {
    @Test("volumes are created, listed as JSON and deleted; names, duplicates and unknown volumes fail with their exit codes")
    func volumes() async throws {
        try await CLI.with { cli in
            let created = try #require(try cli.json(["volume", "create", "vol1", cli.directory + "/v1"]) as? [String: Any])
            #expect(created["name"] as? String == "vol1")
            #expect(created["path"] as? String == cli.directory + "/v1")
            #expect(FileManager.default.fileExists(atPath: cli.directory + "/v1"))
            try cli.ok(["volume", "create", "vol2"])
            #expect(FileManager.default.fileExists(atPath: cli.root + "/images/vol2"))

            let listed = try #require(try cli.json(["volume", "list"]) as? [[String: Any]])
            #expect(listed.compactMap { $0["name"] as? String } == ["vol1", "vol2"])
            let table = try cli.ok(["volume", "list"])
            #expect(table.hasPrefix("NAME  PATH"))

            let duplicate = try cli.fails(["volume", "create", "vol1", cli.directory + "/other"], 4)
            #expect(duplicate.contains("already exists"))
            try cli.fails(["volume", "create", "1bad"], 64)
            try cli.fails(["volume", "delete", "nope"], 3)

            try cli.ok(["image", "create", "vol1", "a.qcow2", "--size", "16M"])
            let busy = try cli.fails(["volume", "delete", "vol1"], 5)
            #expect(busy.contains("--force"))
            try cli.ok(["volume", "delete", "vol1", "--force"])
            try cli.ok(["volume", "delete", "vol2"])
            #expect(try cli.json(["volume", "list"]) as? [Any] != nil)
            #expect((try cli.json(["volume", "list"]) as? [Any])?.isEmpty == true)
        }
    }

    @Test("images are created, inspected, resized, copied, moved and deleted; bad sizes and missing volumes fail")
    func images() async throws {
        try await CLI.with { cli in
            try cli.ok(["volume", "create", "vol1"])
            try cli.ok(["volume", "create", "vol2"])
            try cli.ok(["image", "create", "vol1", "a.raw", "-s", "16M", "--image-format", "raw"])
            let image = try #require(try cli.json(["image", "get", "vol1", "a.raw"]) as? [String: Any])
            #expect(image["sizeBytes"] as? Int == 16 << 20)
            #expect(image["format"] as? String == "raw")
            #expect(image["attachedTo"] == nil)

            try cli.ok(["image", "resize", "vol1", "a.raw", "--size", "32M"])
            #expect((try cli.json(["image", "get", "vol1", "a.raw"]) as? [String: Any])?["sizeBytes"] as? Int == 32 << 20)
            try cli.fails(["image", "resize", "vol1", "a.raw", "--size", "1M"], 5)

            try cli.ok(["image", "copy", "vol1", "a.raw", "vol2", "b.qcow2", "--image-format", "qcow2"])
            try cli.ok(["image", "move", "vol2", "b.qcow2", "vol1", "c.qcow2"])
            let all = try #require(try cli.json(["image", "list"]) as? [[String: Any]])
            #expect(Set(all.compactMap { $0["name"] as? String }) == ["a.raw", "c.qcow2"])
            #expect(FileManager.default.fileExists(atPath: cli.root + "/images/vol1/c.qcow2"))
            #expect(try cli.ok(["image", "list", "vol1"]).contains("c.qcow2"))

            try cli.fails(["image", "create", "vol1", "d.qcow2", "--size", "ten"], 64)
            try cli.fails(["image", "create", "vol1", "d.qcow2", "--size", "0"], 64)
            try cli.fails(["image", "create", "nope", "d.qcow2", "--size", "1"], 3)
            try cli.fails(["image", "create", "vol1", "a.raw", "--size", "1"], 4)
            try cli.fails(["image", "create", "vol1", "../x", "--size", "1"], 64)
            try cli.fails(["image", "get", "vol1", "missing.qcow2"], 3)

            try cli.ok(["image", "delete", "vol1", "a.raw"])
            #expect(!FileManager.default.fileExists(atPath: cli.root + "/images/vol1/a.raw"))
            try cli.fails(["image", "delete", "vol1", "a.raw"], 3)
        }
    }
}
