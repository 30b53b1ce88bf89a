import Foundation
import SpinTestSupport
import Testing

@Suite("spin vm")
struct VMCLITests {
    @Test("vm create prints the id; list, get, update and the drive commands show and change the record; delete forgets it")
    func happyPath() async throws {
        try await CLI.with { cli in
            let guests = try TestGuests.locate()
            try cli.ok(["volume", "create", "vol1"])
            let id = try cli.ok(["vm", "create", "web", "vol1", "-c", "1", "-m", "256", "-s", "64M", "-p", "80:127.0.0.1:18081", "-d", guests.iso])
            #expect(id == "1\n")
            #expect(FileManager.default.fileExists(atPath: cli.root + "/images/vol1/web.qcow2"))

            let list = try #require(try cli.json(["vm", "list"]) as? [[String: Any]])
            let first = try #require(list.first?["vm"] as? [String: Any])
            #expect(first["name"] as? String == "web")
            #expect((list.first?["status"] as? [String: Any])?["state"] as? String == "stopped")
            let table = try cli.ok(["vm", "list"])
            #expect(table.contains("ID  NAME  STATE    CPUS  MEMORY   PORTS"))
            #expect(table.contains("80:127.0.0.1:18081"))

            let got = try #require(try cli.json(["vm", "get", "web"]) as? [String: Any])
            let vm = try #require(got["vm"] as? [String: Any])
            #expect(vm["id"] as? Int == 1)
            #expect(vm["cpus"] as? Int == 1)
            #expect(vm["memoryMiB"] as? Int == 256)
            let status = try #require(got["status"] as? [String: Any])
            #expect(status["state"] as? String == "stopped")
            #expect(status["vmID"] as? Int == 1)

            try cli.ok(["vm", "update", "1", "--cpus", "2", "--memory", "512", "-p", "80:127.0.0.1:18082"])
            let updated = try #require((try cli.json(["vm", "get", "1"]) as? [String: Any])?["vm"] as? [String: Any])
            #expect(updated["cpus"] as? Int == 2)
            #expect(updated["memoryMiB"] as? Int == 512)
            #expect((updated["ports"] as? [[String: Any]])?.first?["hostPort"] as? Int == 18082)

            let drives = try cli.ok(["vm", "image", "list", "web"])
            #expect(drives.contains("INDEX  PATH"))
            #expect(drives.contains("web.qcow2  no"))
            let index = try cli.ok(["vm", "image", "attach", "web", "--volume", "vol1", "--image", "data.qcow2", "--size", "16M"])
            #expect(index == "2\n")
            let rows = try #require(try cli.json(["vm", "image", "list", "web"]) as? [[String: Any]])
            #expect(rows.map { $0["cdrom"] as? Bool } == [false, true, false])
            try cli.ok(["vm", "image", "detach", "web", "2"])
            try cli.fails(["vm", "image", "detach", "web", "7"], 3)
            try cli.ok(["vm", "image", "attach", "web", "--cdrom", guests.iso])
            try cli.fails(["vm", "image", "attach", "web", "--cdrom", guests.iso, "--volume", "vol1"], 64)

            try cli.ok(["vm", "delete", "web"])
            #expect((try cli.json(["vm", "list"]) as? [Any])?.isEmpty == true)
            #expect(!FileManager.default.fileExists(atPath: cli.root + "/images/vol1/web.qcow2"))
            try cli.fails(["vm", "get", "web"], 3)
        }
    }

    @Test("a failed vm create reports the fix, exits with its code and leaves no VM or image behind")
    func failures() async throws {
        try await CLI.with { cli in
            try cli.ok(["volume", "create", "vol1"])
            let missing = try cli.fails(["vm", "create", "web", "nope"], 3)
            #expect(missing.contains("spin volume create nope"))
            try cli.fails(["vm", "create", "9web", "vol1"], 64)
            try cli.fails(["vm", "create", "web", "vol1", "-p", "80:8080"], 64)
            try cli.fails(["vm", "create", "web", "vol1", "-p", "80:localhost:8080"], 64)
            try cli.fails(["vm", "create", "web", "vol1", "--memory", "lots"], 64)
            try cli.fails(["vm", "create", "web", "vol1", "--image-size", "big"], 64)
            try cli.fails(["vm", "create", "web", "vol1", "--cdrom", cli.directory + "/none.iso"], 3)
            #expect((try cli.json(["vm", "list"]) as? [Any])?.isEmpty == true)
            #expect((try cli.json(["image", "list"]) as? [Any])?.isEmpty == true)

            try cli.ok(["vm", "create", "web", "vol1", "-s", "16M", "-p", "80:127.0.0.1:18083"])
            let clash = try cli.fails(["vm", "create", "db", "vol1", "-s", "16M", "-p", "22:127.0.0.1:18083"], 4)
            #expect(clash.contains("18083"))
            try cli.fails(["vm", "create", "web", "vol1", "-s", "16M"], 4)
            #expect((try cli.json(["vm", "list"]) as? [Any])?.count == 1)
            #expect((try cli.json(["image", "list"]) as? [Any])?.count == 1)

            try cli.fails(["vm", "get", "42"], 3)
            try cli.fails(["start", "nope"], 3)
            try cli.fails(["vm", "update", "web"], 64)
            try cli.fails(["vm", "update", "web", "--cpus", "0"], 64)
            try cli.fails(["console", "web"], 5)
        }
    }
}
