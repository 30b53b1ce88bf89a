import Foundation
import SpinQemu
import Testing
@testable import SpinCore

@Suite("Storage: images from guests are data — read as their recorded format, backing files outside the volume refused", .serialized)
struct StorageGuestDataTests {
    /// Runs `body` with a `Spin` on a fresh root holding volumes `vol1` and `vol2`, and the
    /// directory `outside` that no volume names.
    static func withSpin(_ body: (Spin, _ vol1: String, _ vol2: String, _ outside: String) async throws -> Void) async throws {
        let sandbox = try StorageSandbox()
        let spin = try await Spin.open(root: SpinRoot(explicit: sandbox.root + "/root"), options: SpinOptions(supervisor: .direct))
        do {
            let vol1 = try await spin.createVolume(name: "vol1")
            let vol2 = try await spin.createVolume(name: "vol2")
            try await body(spin, vol1.path, vol2.path, try sandbox.volume("outside"))
        } catch {
            await spin.close()
            throw error
        }
        await spin.close()
        sandbox.keepAlive()
    }

    /// The bytes of a real qcow2 image whose backing file is `backing` — what a guest may
    /// write into the start of its raw disk.
    static func qcow2Header(backing: String, scratch: String) async throws -> Data {
        try await QemuImg().create(path: scratch, format: .qcow2, sizeBytes: 1 << 20, backingFile: backing, backingFormat: .raw)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        return try Data(contentsOf: URL(fileURLWithPath: scratch))
    }

    @Test("a raw image whose first bytes are a valid qcow2 header is copied and moved byte for byte and stays raw")
    func rawWithQcow2Header() async throws {
        try await Self.withSpin { spin, vol1, vol2, outside in
            let secret = outside + "/secret"
            try Data(repeating: 0x77, count: 1 << 20).write(to: URL(fileURLWithPath: secret))
            try await spin.createImage(ImageSpec(volume: "vol1", name: "disk.raw", sizeBytes: 4 << 20, format: .raw))
            // The guest writes a qcow2 image naming a host file as its backing into its raw disk.
            try writeBytes(vol1 + "/disk.raw", try await Self.qcow2Header(backing: secret, scratch: outside + "/h.qcow2"))
            try writePattern(vol1 + "/disk.raw", offset: 2 << 20, count: 4096, byte: 0xC3)
            let disk = try Data(contentsOf: URL(fileURLWithPath: vol1 + "/disk.raw"))
            #expect(try await detectedInfo(vol1 + "/disk.raw")?.format == "qcow2", "qemu-img would take it for qcow2 if asked to guess")

            let copy = try await spin.copyImage(volume: "vol1", name: "disk.raw", toVolume: "vol2", toName: "copy.raw")
            #expect(copy.format == .raw)
            await #expect(try spin.image(volume: "vol2", name: "copy.raw").format == .raw)
            #expect(try Data(contentsOf: URL(fileURLWithPath: vol2 + "/copy.raw")) == disk)

            // Converting to qcow2 keeps the guest's bytes as data too.
            try await spin.copyImage(volume: "vol1", name: "disk.raw", toVolume: "vol2", toName: "copy.qcow2", format: .qcow2)
            #expect(try await QemuImg().compare(vol1 + "/disk.raw", format: .raw, vol2 + "/copy.qcow2", format: .qcow2))

            let resized = try await spin.resizeImage(volume: "vol1", name: "disk.raw", sizeBytes: 8 << 20)
            #expect(resized.format == .raw)
            #expect(try Data(contentsOf: URL(fileURLWithPath: vol1 + "/disk.raw")).prefix(disk.count) == disk)
            #expect(try FileManager.default.attributesOfItem(atPath: vol1 + "/disk.raw")[.size] as? Int == 8 << 20)

            let moved = try await spin.moveImage(volume: "vol1", name: "disk.raw", toVolume: "vol2", toName: "moved.raw")
            #expect(moved.format == .raw)
            #expect(try Data(contentsOf: URL(fileURLWithPath: vol2 + "/moved.raw")).prefix(disk.count) == disk)
            #expect(try Data(contentsOf: URL(fileURLWithPath: secret)) == Data(repeating: 0x77, count: 1 << 20))
        }
    }

    @Test("an image whose backing file lies outside its volume is refused on inspect, copy and move; nothing is made or recorded")
    func backingOutsideRefused() async throws {
        try await Self.withSpin { spin, vol1, vol2, outside in
            try await QemuImg().create(path: outside + "/base.raw", format: .raw, sizeBytes: 1 << 20)
            // A qcow2 image spin made, whose header someone rewrote to name a host file.
            try await spin.createImage(ImageSpec(volume: "vol1", name: "top.qcow2", sizeBytes: 1 << 20, format: .qcow2))
            try writeBytes(vol1 + "/top.qcow2", try await Self.qcow2Header(backing: outside + "/base.raw", scratch: outside + "/h.qcow2"))
            let before = try Fingerprint(vol1 + "/top.qcow2")

            let copy = await spinError { try await spin.copyImage(volume: "vol1", name: "top.qcow2", toVolume: "vol2", toName: "copy.qcow2") }
            #expect(copy?.code == .forbidden)
            #expect(copy?.message.contains("backing file") == true)
            #expect(copy?.message.contains("outside its volume \(vol1)") == true)
            let move = await spinError { try await spin.moveImage(volume: "vol1", name: "top.qcow2", toVolume: "vol2", toName: "top.qcow2") }
            #expect(move?.code == .forbidden)
            let resize = await spinError { try await spin.resizeImage(volume: "vol1", name: "top.qcow2", sizeBytes: 2 << 20) }
            #expect(resize?.code == .forbidden)
            // Inspecting it (what every action does first) refuses it the same way.
            let location = try VolumePath(vol1).image("top.qcow2")
            let inspect = await spinError { _ = try await ImageInspector(qemuImg: QemuImg()).state(of: location, format: .qcow2) }
            #expect(inspect?.code == .forbidden)

            #expect(try FileManager.default.contentsOfDirectory(atPath: vol2).isEmpty)
            await #expect(try spin.listImages(volume: "vol2").isEmpty)
            await #expect(try spin.image(volume: "vol1", name: "top.qcow2").sizeBytes == 1 << 20)
            #expect(try Fingerprint(vol1 + "/top.qcow2") == before)
        }
    }

    @Test("a backing file inside the volume is accepted only as an overlay's base spin made; a relative one escaping with .. counts as outside")
    func backingInsideRefused() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume("vol")
        let inspector = ImageInspector(qemuImg: QemuImg())
        try await sandbox.makeImage(volume + "/base.raw")
        try await QemuImgForTests.overlay(volume + "/inside.qcow2", backing: "base.raw")
        let overlay = try await inspector.state(of: try VolumePath(volume).image("inside.qcow2"), format: .qcow2)
        #expect(overlay?.backing == ImageBacking(name: "base.raw", format: .raw))
        // A base spin did not make, a path instead of a bare name, or an overlay as a base: refused.
        try await sandbox.makeImage(volume + "/foreign.raw", marked: false)
        try await QemuImgForTests.overlay(volume + "/on-foreign.qcow2", backing: "foreign.raw")
        try await QemuImgForTests.overlay(volume + "/absolute.qcow2", backing: volume + "/base.raw")
        try await QemuImgForTests.overlay(volume + "/chain.qcow2", backing: "inside.qcow2")
        for name in ["on-foreign.qcow2", "absolute.qcow2"] {
            let inside = await spinError { _ = try await inspector.state(of: try VolumePath(volume).image(name), format: .qcow2) }
            #expect(inside?.code == .failedPrecondition, "\(name)")
            #expect(inside?.message.contains("standalone") == true, "\(name)")
        }
        // chain.qcow2 names inside.qcow2 as raw: read as raw it is plain data, so the chain ends there.
        #expect(try await inspector.state(of: try VolumePath(volume).image("chain.qcow2"), format: .qcow2)?.backing?.name == "inside.qcow2")
        _ = try sandbox.volume("other")
        try await sandbox.makeImage(sandbox.root + "/other/base.raw")
        try await QemuImgForTests.overlay(volume + "/escape.qcow2", backing: "../other/base.raw")
        let escape = await spinError { _ = try await inspector.state(of: try VolumePath(volume).image("escape.qcow2"), format: .qcow2) }
        #expect(escape?.code == .forbidden)
        // Read as raw, as its record would say of a guest's disk, the same file is plain data.
        #expect(try await inspector.state(of: try VolumePath(volume).image("escape.qcow2"), format: .raw)?.format == .raw)
    }
}

/// Overwrites the start of an existing file with `bytes`, keeping its length and attributes.
func writeBytes(_ path: String, _ bytes: Data) throws {
    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    try handle.write(contentsOf: bytes)
}
