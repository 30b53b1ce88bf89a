import Foundation
import SpinTestSupport
import Testing

@Suite("spin image import")
struct ImageImportCLITests {
    @Test("raw and qcow2 files are imported byte for byte with their format read from the header, marked, the digest checked")
    func importRawAndQcow2() async throws {
        try await CLI.with { cli in
            try cli.ok(["volume", "create", "vol"])
            let volume = cli.root + "/images/vol"
            let raw = cli.directory + "/disk.img"
            try HostTool.writeRaw(raw, size: (3 << 20) + 100)
            let digest = try HostTool.sha256(raw)
            let image = try #require(try cli.json(["image", "import", "vol", "disk.raw", raw, "--sha256", digest.uppercased()]) as? [String: Any])
            #expect(image["format"] as? String == "raw")
            #expect(image["sizeBytes"] as? Int == (3 << 20) + 512, "raw sizes round up to 512 bytes, as qemu reads them")
            #expect(image["base"] == nil)
            #expect(try HostTool.sha256(volume + "/disk.raw") == digest)
            #expect(HostTool.isMarked(volume + "/disk.raw"))

            let qcow2 = cli.directory + "/cloud.qcow2"
            try HostTool.run("qemu-img", ["create", "-q", "-f", "qcow2", qcow2, "48M"])
            try HostTool.run("qemu-io", ["-f", "qcow2", "-c", "write -P 0x5a 1M 64k", qcow2])
            let imported = try #require(try cli.json(["image", "import", "vol", "cloud", qcow2, "--base"]) as? [String: Any])
            #expect(imported["format"] as? String == "qcow2")
            #expect(imported["sizeBytes"] as? Int == 48 << 20)
            #expect(imported["base"] as? Bool == true)
            #expect(try HostTool.sha256(volume + "/cloud") == HostTool.sha256(qcow2))
            #expect(try HostTool.info(volume + "/cloud", format: "qcow2")["virtual-size"] as? Int == 48 << 20)
            #expect(try cli.ok(["image", "list"]).contains("yes"))

            // A relative path is taken from the working directory; a link is followed to its file.
            try FileManager.default.createSymbolicLink(atPath: cli.directory + "/link.img", withDestinationPath: raw)
            try cli.ok(["image", "import", "vol", "linked.raw", cli.directory + "/link.img"])
            #expect(try HostTool.sha256(volume + "/linked.raw") == digest)
            try cli.fails(["image", "import", "vol", "disk.raw", raw], 4)
            #expect(HostTool.allFiles(volume) == ["cloud", "disk.raw", "linked.raw"])
        }
    }

    @Test("a wrong digest, a qcow2 with a backing file and other formats are refused and leave nothing behind")
    func refusals() async throws {
        try await CLI.with { cli in
            try cli.ok(["volume", "create", "vol"])
            let volume = cli.root + "/images/vol"
            let raw = cli.directory + "/disk.img"
            try HostTool.writeRaw(raw, size: 2 << 20)
            let mismatch = try cli.fails(["image", "import", "vol", "disk.raw", raw, "--sha256", String(repeating: "0", count: 64)], 4)
            #expect(mismatch.contains("SHA-256") && mismatch.contains("nothing was imported"), "\(mismatch)")
            try cli.fails(["image", "import", "vol", "disk.raw", raw, "--sha256", "abc"], 64)

            let base = cli.directory + "/base.raw"
            try HostTool.writeRaw(base, size: 1 << 20)
            let overlay = cli.directory + "/overlay.qcow2"
            try HostTool.run("qemu-img", ["create", "-q", "-f", "qcow2", "-b", base, "-F", "raw", overlay, "1M"])
            let backing = try cli.fails(["image", "import", "vol", "overlay", overlay], 5)
            #expect(backing.contains("backing file") && backing.contains(base) && backing.contains("qemu-img convert"), "\(backing)")

            let vmdk = cli.directory + "/disk.vmdk"
            try HostTool.run("qemu-img", ["create", "-q", "-f", "vmdk", vmdk, "1M"])
            #expect(try cli.fails(["image", "import", "vol", "disk.vmdk", vmdk], 5).contains("vmdk"))
            try cli.fails(["image", "import", "vol", "nofile", cli.directory + "/missing.img"], 3)
            try cli.fails(["image", "import", "vol", "dir", cli.directory], 3)
            try cli.fails(["image", "import", "novol", "x", raw], 3)

            // Nothing recorded, nothing in the volume, not even a temporary.
            #expect((try cli.json(["image", "list"]) as? [Any])?.isEmpty == true)
            #expect(HostTool.allFiles(volume).isEmpty, "\(HostTool.allFiles(volume))")
        }
    }
}
