import Foundation
import SpinQemu
import SpinTestSupport
import Testing
@testable import SpinCore

@Suite("Storage: spin touches only files it made")
struct StorageOwnershipTests {
    @Test("create_image marks the image it makes; repeating it keeps the file and its mark")
    func createMarks() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        let parameters = CreateImageAction.Parameters(volumePath: volume, image: "web.qcow2", sizeBytes: 16 << 20, format: .qcow2)
        try await sandbox.agent.createImage(parameters)
        let mark = try #require(try spinMark(volume + "/web.qcow2"))
        #expect(mark.hasPrefix("spin-image-v1:"))
        let before = try Fingerprint(volume + "/web.qcow2")
        try await sandbox.agent.createImage(parameters)
        #expect(try Fingerprint(volume + "/web.qcow2") == before)
        #expect(try spinMark(volume + "/web.qcow2") == mark)
    }

    @Test("create_image over a foreign file is a conflict naming it; the file's bytes stay and no temporary is left")
    func createOverForeign() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        let bytes = try writeForeignFile(volume + "/web.qcow2")
        let error = await spinError {
            try await sandbox.agent.createImage(.init(volumePath: volume, image: "web.qcow2", sizeBytes: 1 << 20, format: .qcow2))
        }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains(volume + "/web.qcow2 exists and was not made by spin") == true)
        #expect(error?.message.contains("move it away or choose another name") == true)
        #expect(FileManager.default.contents(atPath: volume + "/web.qcow2") == bytes)
        #expect(try FileManager.default.contentsOfDirectory(atPath: volume) == ["web.qcow2"])
    }

    @Test("a real image someone else made, of the very size and format asked, is still not adopted")
    func createOverForeignImage() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        try await sandbox.makeImage(volume + "/disk.raw", sizeBytes: 1 << 20, marked: false)
        let before = try Fingerprint(volume + "/disk.raw")
        let error = await spinError { try await sandbox.agent.createImage(.init(volumePath: volume, image: "disk.raw", sizeBytes: 1 << 20, format: .raw)) }
        #expect(error?.code == .conflict)
        #expect(try Fingerprint(volume + "/disk.raw") == before)
        #expect(try spinMark(volume + "/disk.raw") == nil)
    }

    @Test("a file whose user.spin.image value is not a spin mark counts as foreign")
    func forgedMark() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        try await sandbox.makeImage(volume + "/x.raw", marked: false)
        let path = volume + "/x.raw"
        try setAttribute(path, ImageMark.attribute, "hello")
        let error = await spinError { try await sandbox.agent.deleteImage(.init(volumePath: volume, image: "x.raw")) }
        #expect(error?.code == .conflict)
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test("delete_image refuses a foreign file, naming it and the fix, and leaves it; a gone file deletes twice")
    func deleteForeign() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        let bytes = try writeForeignFile(volume + "/notes.txt")
        let error = await spinError { try await sandbox.agent.deleteImage(.init(volumePath: volume, image: "notes.txt")) }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains(volume + "/notes.txt exists and was not made by spin") == true)
        #expect(error?.message.contains("move or remove it yourself") == true)
        #expect(FileManager.default.contents(atPath: volume + "/notes.txt") == bytes)
        try await sandbox.agent.deleteImage(.init(volumePath: volume, image: "gone"))
        try await sandbox.agent.deleteImage(.init(volumePath: volume, image: "gone"))
    }

    @Test("resize_image refuses a foreign image and leaves it as it was")
    func resizeForeign() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        try await sandbox.makeImage(volume + "/x.raw", sizeBytes: 1 << 20, marked: false)
        let before = try Fingerprint(volume + "/x.raw")
        let error = await spinError { try await sandbox.agent.resizeImage(.init(volumePath: volume, image: "x.raw", sizeBytes: 2 << 20)) }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("spin resizes only files it made") == true)
        #expect(try Fingerprint(volume + "/x.raw") == before)
    }

    @Test("move_image refuses to move onto a foreign file or to move one; both files stay")
    func moveForeign() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        try await sandbox.makeImage(volume + "/mine.raw", sizeBytes: 1 << 20)
        try await sandbox.makeImage(volume + "/theirs.raw", sizeBytes: 1 << 20, marked: false)
        let mine = try Fingerprint(volume + "/mine.raw")
        let theirs = try Fingerprint(volume + "/theirs.raw")
        var error = await spinError {
            try await sandbox.agent.moveImage(.init(volumePath: volume, image: "mine.raw", targetVolumePath: volume, targetImage: "theirs.raw"))
        }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains(volume + "/theirs.raw exists and was not made by spin") == true)
        error = await spinError {
            try await sandbox.agent.moveImage(.init(volumePath: volume, image: "theirs.raw", targetVolumePath: volume, targetImage: "new.raw"))
        }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("spin moves only files it made") == true)
        #expect(try Fingerprint(volume + "/mine.raw") == mine)
        #expect(try Fingerprint(volume + "/theirs.raw") == theirs)
        #expect(try FileManager.default.contentsOfDirectory(atPath: volume).sorted() == ["mine.raw", "theirs.raw"])
    }

    @Test("a renamed image keeps its mark; a copy gets a fresh one; a copy onto a foreign file is refused")
    func marksTravel() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        try await sandbox.agent.createImage(.init(volumePath: volume, image: "a.raw", sizeBytes: 1 << 20, format: .raw))
        let mark = try #require(try spinMark(volume + "/a.raw"))
        try await sandbox.agent.moveImage(.init(volumePath: volume, image: "a.raw", targetVolumePath: volume, targetImage: "b.raw"))
        #expect(try spinMark(volume + "/b.raw") == mark)
        try await sandbox.agent.copyImage(.init(volumePath: volume, image: "b.raw", targetVolumePath: volume, targetImage: "c.qcow2", targetFormat: .qcow2))
        let copied = try #require(try spinMark(volume + "/c.qcow2"))
        #expect(copied != mark)
        let bytes = try writeForeignFile(volume + "/d.raw")
        let error = await spinError {
            try await sandbox.agent.copyImage(.init(volumePath: volume, image: "b.raw", targetVolumePath: volume, targetImage: "d.raw"))
        }
        #expect(error?.code == .conflict)
        #expect(FileManager.default.contents(atPath: volume + "/d.raw") == bytes)
        #expect(try FileManager.default.contentsOfDirectory(atPath: volume).sorted() == ["b.raw", "c.qcow2", "d.raw"])
    }

    @Test("a foreign image can be copied into a new, marked image (the way to bring one under spin)")
    func copyFromForeign() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        try await sandbox.makeImage(volume + "/old.raw", sizeBytes: 1 << 20, marked: false)
        try await sandbox.agent.copyImage(.init(volumePath: volume, image: "old.raw", targetVolumePath: volume, targetImage: "new.raw"))
        #expect(try spinMark(volume + "/new.raw") != nil)
        #expect(try spinMark(volume + "/old.raw") == nil)
    }

    @Test("remove_volume tells spin's images from foreign files it leaves in place")
    func removeVolumeNamesForeign() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        try await sandbox.agent.createImage(.init(volumePath: volume, image: "a.raw", sizeBytes: 1 << 20, format: .raw))
        try writeForeignFile(volume + "/b.txt")
        var error = await #expect(throws: SpinError.self) { try await sandbox.agent.removeVolume(.init(volumePath: volume)) }
        #expect(error?.message.contains("spin's images \"a.raw\"; delete its images first") == true)
        #expect(error?.message.contains("files spin did not make, which it leaves in place: \"b.txt\"") == true)
        try await sandbox.agent.deleteImage(.init(volumePath: volume, image: "a.raw"))
        error = await #expect(throws: SpinError.self) { try await sandbox.agent.removeVolume(.init(volumePath: volume)) }
        #expect(error?.message.contains("spin's images") == false)
        #expect(FileManager.default.fileExists(atPath: volume + "/b.txt"))
    }

    @Test("on a filesystem without user extended attributes create_image fails naming the volume directory and leaves nothing",
          .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")))
    func noExtendedAttributes() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        // A ramfs (no user.* attributes) mounted on the volume in a private mount namespace of
        // the child, so the mount ends with it.
        let result = try await ProcessRunner.run(
            "/usr/bin/unshare", ["--mount", "--propagation", "private", "--", try testkitPath(), "storage-create-on-ramfs", volume])
        let output = result.standardOutputText
        #expect(output.contains("failed failed_precondition the filesystem of volume directory \(volume) does not support extended attributes"), "\(output)")
        #expect(output.contains("left 0"), "\(output)")
        sandbox.keepAlive()
    }
}
