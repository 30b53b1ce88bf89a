import Foundation
import Testing
@testable import SpinCore

@Suite("SDK: a foreign file in a volume survives the facade")
struct FacadeOwnershipTests {
    /// Runs `body` with a `Spin` on a fresh root holding volume `vol1`; closes it after.
    static func withSpin(_ body: (Spin, String) async throws -> Void) async throws {
        let sandbox = try StorageSandbox()
        let spin = try await Spin.open(root: SpinRoot(explicit: sandbox.root + "/root"), options: SpinOptions(supervisor: .direct))
        do {
            let volume = try await spin.createVolume(name: "vol1")
            try await body(spin, volume.path)
        } catch {
            await spin.close()
            throw error
        }
        await spin.close()
        sandbox.keepAlive()
    }

    @Test("createImage over a foreign file is a conflict naming it; the bytes stay and nothing is recorded")
    func create() async throws {
        try await Self.withSpin { spin, volume in
            let bytes = try writeForeignFile(volume + "/web.qcow2")
            let error = await spinError { try await spin.createImage(ImageSpec(volume: "vol1", name: "web.qcow2", sizeBytes: 1 << 20)) }
            #expect(error?.code == .conflict)
            #expect(error?.message.contains(volume + "/web.qcow2 exists and was not made by spin") == true)
            #expect(FileManager.default.contents(atPath: volume + "/web.qcow2") == bytes)
            await #expect(try spin.listImages(volume: "vol1").isEmpty)
        }
    }

    @Test("deleteImage of a record whose file is foreign is refused and keeps both; once the file is moved away it forgets the image")
    func delete() async throws {
        try await Self.withSpin { spin, volume in
            try await spin.createImage(ImageSpec(volume: "vol1", name: "web.qcow2", sizeBytes: 1 << 20))
            // Someone replaces spin's file with one of their own.
            try FileManager.default.removeItem(atPath: volume + "/web.qcow2")
            let bytes = try writeForeignFile(volume + "/web.qcow2")
            let error = await spinError { try await spin.deleteImage(volume: "vol1", name: "web.qcow2") }
            #expect(error?.code == .conflict)
            #expect(error?.message.contains("spin deletes only files it made") == true)
            #expect(FileManager.default.contents(atPath: volume + "/web.qcow2") == bytes)
            await #expect(try spin.listImages(volume: "vol1").map(\.name) == ["web.qcow2"])
            try FileManager.default.moveItem(atPath: volume + "/web.qcow2", toPath: volume + "/../web.qcow2.theirs")
            try await spin.deleteImage(volume: "vol1", name: "web.qcow2")
            await #expect(try spin.listImages(volume: "vol1").isEmpty)
        }
    }

    @Test("moveImage onto a foreign file is refused; both files and the source record stay, no target record")
    func move() async throws {
        try await Self.withSpin { spin, volume in
            try await spin.createImage(ImageSpec(volume: "vol1", name: "a.qcow2", sizeBytes: 1 << 20))
            let bytes = try writeForeignFile(volume + "/b.qcow2")
            let error = await spinError { try await spin.moveImage(volume: "vol1", name: "a.qcow2", toVolume: "vol1", toName: "b.qcow2") }
            #expect(error?.code == .conflict)
            #expect(FileManager.default.contents(atPath: volume + "/b.qcow2") == bytes)
            #expect(try spinMark(volume + "/a.qcow2") != nil)
            await #expect(try spin.listImages(volume: "vol1").map(\.name) == ["a.qcow2"])
        }
    }

    @Test("deleteVolume --force deletes spin's images only and says the directory stayed because of the foreign file")
    func deleteVolume() async throws {
        try await Self.withSpin { spin, volume in
            try await spin.createImage(ImageSpec(volume: "vol1", name: "a.qcow2", sizeBytes: 1 << 20))
            let bytes = try writeForeignFile(volume + "/keep.iso")
            let deletion = try await spin.deleteVolume("vol1", force: true)
            #expect(!deletion.directoryRemoved)
            #expect(deletion.note?.contains("files spin did not make, which it leaves in place: \"keep.iso\"") == true)
            #expect(FileManager.default.contents(atPath: volume + "/keep.iso") == bytes)
            #expect(try FileManager.default.contentsOfDirectory(atPath: volume) == ["keep.iso"])
            await #expect(try spin.listVolumes().isEmpty)
        }
    }

    @Test("deleteVolume --force of a volume holding only spin's images removes the directory")
    func deleteVolumeClean() async throws {
        try await Self.withSpin { spin, volume in
            try await spin.createImage(ImageSpec(volume: "vol1", name: "a.qcow2", sizeBytes: 1 << 20))
            let deletion = try await spin.deleteVolume("vol1", force: true)
            #expect(deletion.directoryRemoved && deletion.note == nil)
            #expect(!FileManager.default.fileExists(atPath: volume))
        }
    }

    @Test("createVM whose new disk's name holds a foreign file fails with a conflict; its rollback leaves the file")
    func createVM() async throws {
        try await Self.withSpin { spin, volume in
            let bytes = try writeForeignFile(volume + "/web.raw")
            let spec = VMSpec(name: "web", cpus: 1, memoryMiB: 128, storage: [.disk(volume: "vol1", image: "web.raw")],
                              newImages: [ImageSpec(volume: "vol1", name: "web.raw", sizeBytes: 1 << 20, format: .raw)])
            let error = await spinError { try await spin.createVM(spec) }
            #expect(error?.code == .conflict)
            #expect(error?.message.contains(volume + "/web.raw exists and was not made by spin") == true)
            #expect(FileManager.default.contents(atPath: volume + "/web.raw") == bytes)
            await #expect(try spin.listVMs().isEmpty)
            await #expect(try spin.listImages(volume: "vol1").isEmpty)
        }
    }
}
