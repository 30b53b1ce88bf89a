import Foundation
import SpinTestSupport
import Testing

/// `spin snapshot` on stopped VMs with real qemu-img on real files: every disk or none,
/// refusals, racing creates and a create killed midway.
@Suite("spin snapshot on stopped VMs (real qemu-img)")
struct SnapshotCLITests {
    /// The names of the snapshots `path` holds (`qemu-img snapshot -l -U`, read as qcow2).
    static func held(_ path: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/qemu-img")
        process.arguments = ["snapshot", "-l", "-U", "--image-opts", "driver=qcow2,file.driver=file,file.filename=\(path)"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // "ID  TAG  VM SIZE  DATE  VM CLOCK  ICOUNT" rows after two header lines.
        return String(decoding: data, as: UTF8.self).split(separator: "\n").dropFirst(2).compactMap { line in
            let words = line.split(separator: " ")
            return words.count > 1 ? String(words[1]) : nil
        }
    }

    /// Runs `/usr/bin/<tool> ARGS`; returns its exit status and combined output.
    @discardableResult
    static func tool(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/" + tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A stopped VM `web` with two qcow2 disks (`web.qcow2`, `data.qcow2`) in volume `vol`,
    /// UEFI when asked; returns the files a snapshot covers.
    static func makeVM(_ cli: CLI, uefi: Bool = false) throws -> [String] {
        try cli.ok(["volume", "create", "vol"])
        try cli.ok(["vm", "create", "web", "vol", "-s", "64M"] + (uefi ? ["--firmware", "uefi"] : []))
        try cli.ok(["vm", "image", "attach", "web", "--volume", "vol", "--image", "data.qcow2", "--size", "32M"])
        let directory = cli.root + "/images/vol/"
        let disks = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".qcow2") }.sorted()
        var files = disks.map { directory + $0 }
        if uefi { files.append(cli.root + "/vms/1/efivars.qcow2") }
        return files
    }

    @Test("create puts the snapshot on both disks and the UEFI variables, revert brings data back, list checks the disks, delete removes it from all")
    func createRevertDelete() async throws {
        try await CLI.with { cli in
            let files = try Self.makeVM(cli, uefi: true)
            #expect(files.count == 3, "\(files)")
            let data = try #require(files.first { $0.hasSuffix("/data.qcow2") })
            #expect(try Self.tool("qemu-io", ["-f", "qcow2", "-c", "write -P 0xaa 0 64k", data]).status == 0)

            let created = try #require(try cli.json(["snapshot", "create", "web", "s1"]) as? [String: Any])
            #expect(created["state"] as? String == "ready")
            #expect(created["memory"] as? Bool == false)
            let disks = try #require(created["disks"] as? [[String: Any]])
            #expect(Set(disks.compactMap { $0["name"] as? String }) == ["vol/web.qcow2", "vol/data.qcow2", "efivars"])
            for file in files { #expect(try Self.held(file) == ["s1"], "\(file)") }

            #expect(try Self.tool("qemu-io", ["-f", "qcow2", "-c", "write -P 0xbb 0 64k", data]).status == 0)
            try cli.ok(["snapshot", "revert", "web", "s1"])
            let read = try Self.tool("qemu-io", ["-f", "qcow2", "-c", "read -P 0xaa 0 64k", data])
            #expect(read.status == 0 && !read.output.contains("verification failed"), "\(read.output)")

            let listed = try #require(try cli.json(["snapshot", "list", "web"]) as? [[String: Any]])
            #expect(listed.count == 1 && listed.first?["name"] as? String == "s1" && listed.first?["missingDisks"] == nil, "\(listed)")
            #expect(try cli.ok(["snapshot", "list", "web"]).contains("s1"))

            // Refusals leave the store as it was.
            #expect(try cli.fails(["snapshot", "create", "web", "s1"], 4).contains("already has a snapshot"))
            #expect(try cli.fails(["snapshot", "create", "web", "1st"], 64).contains("must start with a letter"))
            #expect(try cli.fails(["snapshot", "create", "web", "s2", "--memory"], 5).contains("start it with spin start web"))
            try cli.fails(["snapshot", "revert", "web", "nope"], 3)
            try cli.fails(["snapshot", "create", "nope", "s2"], 3)
            #expect((try cli.json(["snapshot", "list", "web"]) as? [Any])?.count == 1)

            try cli.ok(["snapshot", "delete", "web", "s1"])
            for file in files { #expect(try Self.held(file).isEmpty, "\(file)") }
            #expect((try cli.json(["snapshot", "list", "web"]) as? [Any])?.isEmpty == true)
            try cli.fails(["snapshot", "delete", "web", "s1"], 3)

            // Deleting the VM deletes its snapshot records.
            try cli.ok(["snapshot", "create", "web", "s3"])
            try cli.ok(["vm", "delete", "web"])
            try cli.fails(["snapshot", "list", "web"], 3)
            let check = try cli.run(["store", "check"])
            #expect(check.status == 0, "\(check)")
        }
    }

    @Test("a failure on the second disk leaves the snapshot on none, and no record")
    func failureOnSecondDisk() async throws {
        try await CLI.with { cli in
            let files = try Self.makeVM(cli)
            let data = try #require(files.first { $0.hasSuffix("/data.qcow2") })
            // An immutable file cannot be opened for writing, even by root.
            try #require(try Self.tool("chattr", ["+i", data]).status == 0, "chattr +i needs a file system with attributes")
            defer { _ = try? Self.tool("chattr", ["-i", data]) }
            let failed = try cli.run(["snapshot", "create", "web", "s1"])
            #expect(failed.status != 0 && failed.stderr.contains("data.qcow2"), "\(failed)")
            _ = try Self.tool("chattr", ["-i", data])
            for file in files { #expect(try Self.held(file).isEmpty, "\(file)") }
            #expect((try cli.json(["snapshot", "list", "web"]) as? [Any])?.isEmpty == true)
            try cli.ok(["snapshot", "create", "web", "s1"])
            for file in files { #expect(try Self.held(file) == ["s1"], "\(file)") }
        }
    }

    @Test("a raw disk is refused with the way to convert it, and nothing is recorded")
    func rawDiskRefused() async throws {
        try await CLI.with { cli in
            _ = try Self.makeVM(cli)
            try cli.ok(["image", "create", "vol", "plain.raw", "-s", "16M", "--image-format", "raw"])
            try cli.ok(["vm", "image", "attach", "web", "--volume", "vol", "--image", "plain.raw"])
            let refused = try cli.fails(["snapshot", "create", "web", "s1"], 5)
            #expect(refused.contains("spin image copy -f qcow2") && refused.contains("vol/plain.raw"), "\(refused)")
            #expect((try cli.json(["snapshot", "list", "web"]) as? [Any])?.isEmpty == true)
            #expect(try Self.held(cli.root + "/images/vol/web.qcow2").isEmpty)
        }
    }

    @Test("two processes creating one name at once: one wins, the other gets a clear conflict, each disk holds it once")
    func racingCreates() async throws {
        try await CLI.with { cli in
            let files = try Self.makeVM(cli)
            for round in 0..<3 {
                let name = "race\(round)"
                let results = try cli.concurrently([["snapshot", "create", "web", name], ["snapshot", "create", "web", name]])
                #expect(results.filter { $0.status == 0 }.count == 1, "\(results)")
                let loser = try #require(results.first { $0.status != 0 })
                #expect(loser.status == 4 && loser.stderr.contains("already has a snapshot"), "\(loser)")
                for file in files { #expect(try Self.held(file).filter { $0 == name }.count == 1, "\(file)") }
            }
        }
    }

    @Test("SIGKILL of spin snapshot create at random points, then recovery: each disk agrees with the records")
    func killedCreate() async throws {
        try await CLI.with { cli in
            let files = try Self.makeVM(cli)
            var random = SystemRandomNumberGenerator()
            for round in 0..<6 {
                let name = "k\(round)"
                let delay = Int.random(in: 0...250, using: &random)
                let running = try cli.spawn(["snapshot", "create", "web", name])
                try await Task.sleep(for: .milliseconds(delay))
                running.kill()
                _ = running.wait()
                // Recovery: wait for every unfinished package (this runs the agents).
                var id = 1
                while let status = try? cli.run(["package", "status", String(id), "--wait", "--timeout", "60", "--format", "json"]), status.status != 3 {
                    id += 1
                }
                let records = try #require(try cli.json(["snapshot", "list", "web"]) as? [[String: Any]])
                let record = records.first { $0["name"] as? String == name }
                for file in files {
                    let count = try Self.held(file).filter { $0 == name }.count
                    if let record {
                        #expect(record["state"] as? String == "ready" && count == 1, "killed after \(delay) ms: \(record), \(file) holds it \(count)×")
                    } else {
                        #expect(count == 0, "killed after \(delay) ms: no record, but \(file) holds it \(count)×")
                    }
                }
            }
        }
    }

    @Test("SIGKILL of spin snapshot revert at random points, then recovery: every disk is back at the snapshot")
    func killedRevert() async throws {
        try await CLI.with { cli in
            let files = try Self.makeVM(cli)
            for file in files { #expect(try Self.tool("qemu-io", ["-f", "qcow2", "-c", "write -P 0xaa 0 1M", file]).status == 0) }
            try cli.ok(["snapshot", "create", "web", "base"])
            var random = SystemRandomNumberGenerator()
            for round in 0..<5 {
                for file in files { #expect(try Self.tool("qemu-io", ["-f", "qcow2", "-c", "write -P 0xbb 0 1M", file]).status == 0) }
                let delay = Int.random(in: 0...200, using: &random)
                var last = 0
                while try cli.run(["package", "status", String(last + 1)]).status == 0 { last += 1 }
                let running = try cli.spawn(["snapshot", "revert", "web", "base"])
                try await Task.sleep(for: .milliseconds(delay))
                running.kill()
                _ = running.wait()
                var id = last + 1
                while let status = try? cli.run(["package", "status", String(id), "--wait", "--timeout", "60", "--format", "json"]), status.status != 3 {
                    id += 1
                }
                // Recorded: the wait above finished it on every disk. Never recorded: no disk
                // was touched.
                let recorded = id > last + 1
                let pattern = recorded ? "0xaa" : "0xbb"
                for file in files {
                    let read = try Self.tool("qemu-io", ["-f", "qcow2", "-c", "read -P \(pattern) 0 1M", file])
                    #expect(read.status == 0 && !read.output.contains("verification failed"), "round \(round), killed after \(delay) ms, package recorded: \(recorded): \(file): \(read.output)")
                }
                if !recorded { try cli.ok(["snapshot", "revert", "web", "base"]) }
            }
        }
    }
}
