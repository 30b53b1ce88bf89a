import Foundation
import Testing
@testable import SpinCore

@Suite("Storage: create_image, delete_image, resize_image")
struct StorageImageTests {
    @Test("create_image makes a 0600 image of the asked format and size, leaving no temporaries", arguments: [QemuFormatCase.raw, .qcow2])
    func create(format: QemuFormatCase) async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        try await sandbox.agent.createImage(.init(volumePath: volume, image: "disk", sizeBytes: 64 << 20, format: format.value))
        let info = try await sandbox.info(volume + "/disk")
        #expect(info.format == format.value.rawValue)
        #expect(info.virtualSize == 64 << 20)
        #expect(try Fingerprint(volume + "/disk").permissions == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: volume) == ["disk"])
    }

    @Test("repeating create_image is a no-op: same inode, mtime and ctime")
    func createRepeat() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        let parameters = CreateImageAction.Parameters(volumePath: volume, image: "web.qcow2", sizeBytes: 16 << 20, format: .qcow2)
        try await sandbox.agent.createImage(parameters)
        let before = try Fingerprint(volume + "/web.qcow2")
        try await sandbox.agent.createImage(parameters)
        #expect(try Fingerprint(volume + "/web.qcow2") == before)
    }

    @Test("create_image over an image of another size or format fails naming both")
    func createConflict() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        try await sandbox.agent.createImage(.init(volumePath: volume, image: "x", sizeBytes: 16 << 20, format: .qcow2))
        let before = try Fingerprint(volume + "/x")
        var error = await spinError { try await sandbox.agent.createImage(.init(volumePath: volume, image: "x", sizeBytes: 32 << 20, format: .qcow2)) }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("exists with size 16777216 bytes/format qcow2") == true)
        #expect(error?.message.contains("delete it or choose another name") == true)
        error = await spinError { try await sandbox.agent.createImage(.init(volumePath: volume, image: "x", sizeBytes: 16 << 20, format: .raw)) }
        #expect(error?.code == .conflict)
        #expect(try Fingerprint(volume + "/x") == before)
    }

    @Test("create_image in a missing volume fails with not_found and creates nothing")
    func createMissingVolume() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume("absent", create: false)
        let error = await spinError { try await sandbox.agent.createImage(.init(volumePath: volume, image: "x", sizeBytes: 1 << 20, format: .raw)) }
        #expect(error?.code == .notFound)
        #expect(error?.message.contains("add the volume first") == true)
        #expect(sandbox.allEntries().isEmpty)
    }

    @Test("delete_image in a volume whose directory is gone succeeds and creates nothing")
    func deleteInRemovedVolume() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume("gone", create: false)
        try await sandbox.agent.deleteImage(.init(volumePath: volume, image: "x"))
        #expect(sandbox.allEntries().isEmpty)
    }

    @Test("create_image sweeps temporaries a dead attempt left behind")
    func createSweeps() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        let stale = volume + "/" + StagedImage.prefix(for: "x") + "dead.part"
        #expect(FileManager.default.createFile(atPath: stale, contents: Data(repeating: 1, count: 4096)))
        try await sandbox.agent.createImage(.init(volumePath: volume, image: "x", sizeBytes: 1 << 20, format: .raw))
        #expect(try FileManager.default.contentsOfDirectory(atPath: volume) == ["x"])
    }

    @Test("delete_image removes the image and succeeds when it is already gone")
    func delete() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        try await sandbox.makeImage(volume + "/x")
        try await sandbox.agent.deleteImage(.init(volumePath: volume, image: "x"))
        #expect(!FileManager.default.fileExists(atPath: volume + "/x"))
        try await sandbox.agent.deleteImage(.init(volumePath: volume, image: "x"))
    }

    @Test("delete_image refuses a directory under the image's name")
    func deleteDirectory() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        try FileManager.default.createDirectory(atPath: volume + "/x", withIntermediateDirectories: false)
        let error = await spinError { try await sandbox.agent.deleteImage(.init(volumePath: volume, image: "x")) }
        #expect(error?.code == .conflict)
        #expect(FileManager.default.fileExists(atPath: volume + "/x"))
    }

    @Test("resize_image grows; the same size again changes nothing")
    func grow() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        try await sandbox.makeImage(volume + "/x", format: .qcow2, sizeBytes: 16 << 20)
        let parameters = ResizeImageAction.Parameters(volumePath: volume, image: "x", sizeBytes: 32 << 20)
        try await sandbox.agent.resizeImage(parameters)
        #expect(try await sandbox.info(volume + "/x").virtualSize == 32 << 20)
        let before = try Fingerprint(volume + "/x")
        try await sandbox.agent.resizeImage(parameters)
        #expect(try Fingerprint(volume + "/x") == before)
    }

    @Test("resize_image refuses to shrink unless forced")
    func shrink() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        try await sandbox.makeImage(volume + "/x", format: .raw, sizeBytes: 16 << 20)
        let error = await spinError { try await sandbox.agent.resizeImage(.init(volumePath: volume, image: "x", sizeBytes: 8 << 20)) }
        #expect(error?.code == .failedPrecondition)
        #expect(error?.message.contains("pass force") == true)
        #expect(try await sandbox.info(volume + "/x").virtualSize == 16 << 20)
        try await sandbox.agent.resizeImage(.init(volumePath: volume, image: "x", sizeBytes: 8 << 20, force: true))
        #expect(try await sandbox.info(volume + "/x").virtualSize == 8 << 20)
    }

    @Test("resize_image of a missing image fails with not_found")
    func resizeMissing() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        let error = await spinError { try await sandbox.agent.resizeImage(.init(volumePath: volume, image: "x", sizeBytes: 8 << 20)) }
        #expect(error?.code == .notFound)
    }

    @Test("images with a backing file are refused, so qemu-img never reads outside the volume")
    func backingFileRefused() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        let outside = try sandbox.volume("outside") + "/base.raw"
        try await sandbox.makeImage(outside)
        try await QemuImgForTests.overlay(volume + "/top", backing: outside)
        let error = await spinError { try await sandbox.agent.resizeImage(.init(volumePath: volume, image: "top", sizeBytes: 8 << 20)) }
        #expect(error?.code == .forbidden)
        #expect(error?.message.contains("backing file") == true)
        #expect(error?.message.contains("outside its volume") == true)
    }
}
