import Foundation
import SpinTestSupport
import Testing

@Suite("spin base images, vm create --from and vm clone")
struct BaseImageCLITests {
    @Test("an overlay is a qcow2 naming its base by a relative path with its format; the base is never attached, deleted, moved or resized while used")
    func overlayAndBaseRules() async throws {
        try await CLI.with { cli in
            try cli.ok(["volume", "create", "vol"])
            try cli.ok(["volume", "create", "other"])
            let volume = cli.root + "/images/vol"
            try cli.ok(["image", "create", "vol", "base.raw", "-s", "64M", "--image-format", "raw"])
            try cli.fails(["vm", "create", "web", "vol", "--from", "vol/base.raw"], 5)  // not a base yet
            try cli.ok(["image", "base", "vol", "base.raw"])
            try cli.ok(["image", "base", "vol", "base.raw"])  // again: nothing changes
            let id = try cli.ok(["vm", "create", "web", "vol", "--from", "vol/base.raw", "-p", "80:127.0.0.1:18080"]).trimmingCharacters(in: .whitespacesAndNewlines)

            let info = try HostTool.info(volume + "/web.qcow2", format: "qcow2")
            #expect(info["format"] as? String == "qcow2")
            #expect(info["backing-filename"] as? String == "base.raw", "the backing path is relative: \(info)")
            #expect(info["backing-filename-format"] as? String == "raw")
            #expect(info["virtual-size"] as? Int == 64 << 20, "as large as the base")
            #expect(HostTool.isMarked(volume + "/web.qcow2"))
            let record = try #require(try cli.json(["image", "get", "vol", "web.qcow2"]) as? [String: Any])
            #expect(record["backingImage"] as? String == "base.raw")
            #expect(record["attachedTo"] as? Int == Int(id))

            let attach = try cli.fails(["vm", "image", "attach", "web", "--volume", "vol", "--image", "base.raw"], 5)
            #expect(attach.contains("base image"), "\(attach)")
            let delete = try cli.fails(["image", "delete", "vol", "base.raw"], 5)
            #expect(delete.contains("web.qcow2") && delete.contains("VM \(id) (\"web\")"), "the refusal names the users: \(delete)")
            #expect(try cli.fails(["image", "move", "vol", "base.raw", "vol", "moved.raw"], 5).contains("web.qcow2"))
            #expect(try cli.fails(["image", "resize", "vol", "base.raw", "--size", "128M"], 5).contains("web.qcow2"))
            #expect(try cli.fails(["vm", "create", "bad", "other", "--from", "vol/base.raw"], 64).contains("vol as VOLUME"))
            try cli.fails(["vm", "create", "bad", "vol", "--from", "vol/missing"], 3)
            try cli.fails(["vm", "create", "bad", "vol", "--from", "vol"], 64)

            // A flattened copy of the overlay holds the base's data and stands alone.
            try cli.ok(["image", "copy", "vol", "web.qcow2", "other", "flat.qcow2"])
            #expect(try HostTool.info(cli.root + "/images/other/flat.qcow2", format: "qcow2")["backing-filename"] == nil)
            try cli.fails(["image", "move", "vol", "web.qcow2", "other", "web.qcow2"], 5)

            try cli.ok(["vm", "delete", "web"])
            #expect(FileManager.default.fileExists(atPath: volume + "/base.raw"), "deleting the VM leaves its base")
            try cli.ok(["image", "delete", "vol", "base.raw"])
            #expect(HostTool.allFiles(volume).isEmpty)
        }
    }

    @Test("vm create --from grows the overlay to --disk-size, refuses a smaller one, and costs the same for a 200 MB and a 2 GB base")
    func sizesAndCost() async throws {
        try await CLI.with { cli in
            try cli.ok(["volume", "create", "vol"])
            let volume = cli.root + "/images/vol"
            var timings: [String] = []
            for (name, megabytes) in [("small.raw", 200), ("big.raw", 2048)] {
                // Bases full of data (not sparse), written after spin made and marked them.
                try cli.ok(["image", "create", "vol", name, "-s", "\(megabytes)M", "--image-format", "raw"])
                try HostTool.run("dd", ["if=/dev/urandom", "of=\(volume)/\(name)", "bs=1M", "count=\(megabytes)", "conv=notrunc", "status=none"])
                try cli.ok(["image", "base", "vol", name])
                let vm = "from-" + name.replacingOccurrences(of: ".raw", with: "")
                let started = ContinuousClock.now
                try cli.ok(["vm", "create", vm, "vol", "--from", "vol/\(name)"])
                timings.append("\(megabytes) MB base: \(ContinuousClock.now - started)")
                // The cost shows in the file: a few hundred KiB of qcow2 metadata on top of the base.
                let info = try HostTool.info("\(volume)/\(vm).qcow2", format: "qcow2")
                #expect((info["actual-size"] as? Int ?? .max) < 1 << 20, "\(info)")
                #expect(info["backing-filename"] as? String == name)
            }
            print("vm create --from timings (whole spin process): " + timings.joined(separator: "; "))

            try cli.ok(["vm", "create", "grown", "vol", "--from", "vol/big.raw", "--disk-size", "3G"])
            #expect(try HostTool.info(volume + "/grown.qcow2", format: "qcow2")["virtual-size"] as? Int == 3 << 30)
            #expect((try cli.json(["vm", "get", "grown"]) as? [String: Any]).flatMap { ($0["vm"] as? [String: Any])?["macAddress"] as? String }?.hasPrefix("52:54:00:") == true)
            let smaller = try cli.fails(["vm", "create", "shrunk", "vol", "--from", "vol/small.raw", "--disk-size", "100M"], 5)
            #expect(smaller.contains("smaller than its base"), "\(smaller)")
            try cli.fails(["vm", "get", "shrunk"], 3)
            #expect(!FileManager.default.fileExists(atPath: volume + "/shrunk.qcow2"))
        }
    }

    @Test("vm clone: an overlay on the same base holding the source's data, or with --full a whole copy; a new MAC and instance id, only its own SSH forward")
    func clones() async throws {
        try await CLI.with { cli in
            try cli.ok(["volume", "create", "vol"])
            let volume = cli.root + "/images/vol"
            try HostTool.writeRaw(cli.directory + "/base.img", size: 32 << 20)
            try cli.ok(["image", "import", "vol", "base.raw", cli.directory + "/base.img", "--base"])
            try cli.ok(["vm", "create", "web", "vol", "--from", "vol/base.raw", "-p", "80:127.0.0.1:18081", "-c", "1", "-m", "300"])
            try HostTool.run("qemu-io", ["-f", "qcow2", "-c", "write -P 0xab 4M 256k", volume + "/web.qcow2"])

            try cli.ok(["vm", "clone", "web", "web2"])
            let overlay = try HostTool.info(volume + "/web2.qcow2", format: "qcow2")
            #expect(overlay["backing-filename"] as? String == "base.raw")
            #expect((overlay["actual-size"] as? Int ?? .max) < 2 << 20, "only the source's own data is copied: \(overlay)")
            try HostTool.run("qemu-img", ["compare", "-U", "-f", "qcow2", "-F", "qcow2", volume + "/web.qcow2", volume + "/web2.qcow2"])

            try cli.ok(["vm", "clone", "web", "web3", "--full"])
            #expect(try HostTool.info(volume + "/web3.qcow2", format: "qcow2")["backing-filename"] == nil)
            try HostTool.run("qemu-img", ["compare", "-U", "-f", "qcow2", "-F", "qcow2", volume + "/web.qcow2", volume + "/web3.qcow2"])

            let vms = try #require(try cli.json(["vm", "list"]) as? [[String: Any]]).compactMap { $0["vm"] as? [String: Any] }
            #expect(vms.map { $0["name"] as? String } == ["web", "web2", "web3"])
            let macs = Set(vms.compactMap { $0["macAddress"] as? String })
            #expect(macs.count == 3, "\(vms)")
            // --from gave web a cloud-init seed; each clone gets a new instance id and an SSH
            // forward of its own, but none of web's other forwards.
            var sshPorts: Set<Int> = []
            var instanceIDs: Set<String> = []
            for vm in vms {
                let ports = try #require(vm["ports"] as? [[String: Any]])
                let ssh = try #require(ports.first { $0["guestPort"] as? Int == 22 })
                sshPorts.insert(ssh["hostPort"] as? Int ?? 0)
                instanceIDs.insert(((vm["cloudInit"] as? [String: Any])?["instanceID"] as? String) ?? "")
                if vm["name"] as? String != "web" {
                    #expect(ports.count == 1, "\(ports)")
                    #expect(vm["cpus"] as? Int == 1 && vm["memoryMiB"] as? Int == 300)
                }
            }
            #expect(sshPorts.count == 3 && instanceIDs.count == 3 && !instanceIDs.contains(""), "\(vms)")
            try cli.fails(["vm", "clone", "web", "web2"], 4)
            try cli.fails(["vm", "clone", "nope", "x"], 3)
            #expect(try cli.fails(["image", "delete", "vol", "base.raw"], 5).contains("web2.qcow2"))
            for vm in ["web", "web2", "web3"] { try cli.ok(["vm", "delete", vm]) }
            try cli.ok(["image", "delete", "vol", "base.raw"])
            #expect(HostTool.allFiles(volume).isEmpty, "\(HostTool.allFiles(volume))")
        }
    }
}
