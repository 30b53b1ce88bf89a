import Foundation
import Synchronization
import Testing
@testable import SpinCore

@Suite("Storage: copy_image and move_image")
struct StorageCopyMoveTests {
    /// A 16 MiB raw source with data at two places, in `vol`.
    func source(_ sandbox: StorageSandbox) async throws -> String {
        let volume = try sandbox.volume()
        try await sandbox.makeImage(volume + "/src.raw", sizeBytes: 16 << 20)
        try writePattern(volume + "/src.raw", offset: 0, count: 65536, byte: 0xAB)
        try writePattern(volume + "/src.raw", offset: 8 << 20, count: 65536, byte: 0xCD)
        return volume
    }

    @Test("copy_image converts into another volume with progress up to 1, leaving a 0600 image and no temporaries")
    func copy() async throws {
        let sandbox = try StorageSandbox()
        let volume = try await source(sandbox)
        let target = try sandbox.volume("other")
        let seen = Mutex<[Double]>([])
        try await sandbox.agent.copyImage(
            .init(volumePath: volume, image: "src.raw", targetVolumePath: target, targetImage: "copy.qcow2", targetFormat: .qcow2),
            progress: { value in seen.withLock { $0.append(value) } })
        #expect(try await sandbox.info(target + "/copy.qcow2").format == "qcow2")
        #expect(try await imagesIdentical(volume + "/src.raw", target + "/copy.qcow2"))
        #expect(try Fingerprint(target + "/copy.qcow2").permissions == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: target) == ["copy.qcow2"])
        let values = seen.withLock { $0 }
        #expect(values.last == 1)
        #expect(values.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test("repeating copy_image, even with verify, changes nothing")
    func copyRepeat() async throws {
        let sandbox = try StorageSandbox()
        let volume = try await source(sandbox)
        var parameters = CopyImageAction.Parameters(volumePath: volume, image: "src.raw", targetVolumePath: volume, targetImage: "copy.raw")
        try await sandbox.agent.copyImage(parameters)
        let before = try Fingerprint(volume + "/copy.raw")
        try await sandbox.agent.copyImage(parameters)
        parameters.verify = true
        try await sandbox.agent.copyImage(parameters)
        #expect(try Fingerprint(volume + "/copy.raw") == before)
    }

    @Test("copy_image onto a different image fails: size or format by metadata, content with verify")
    func copyConflict() async throws {
        let sandbox = try StorageSandbox()
        let volume = try await source(sandbox)
        try await sandbox.makeImage(volume + "/small", sizeBytes: 1 << 20)
        var error = await spinError {
            try await sandbox.agent.copyImage(.init(volumePath: volume, image: "src.raw", targetVolumePath: volume, targetImage: "small"))
        }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("exists with size 1048576 bytes/format raw") == true)

        try await sandbox.makeImage(volume + "/blank", sizeBytes: 16 << 20)
        let parameters = CopyImageAction.Parameters(volumePath: volume, image: "src.raw", targetVolumePath: volume, targetImage: "blank", verify: true)
        error = await spinError { try await sandbox.agent.copyImage(parameters) }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("different content") == true)
    }

    @Test("copy_image renews the lease while copying, and stops, removing its temporary, when the lease is lost")
    func leaseLost() async throws {
        let agent = StorageAgent(scope: TestStorageScope(), leaseRenewalInterval: .milliseconds(1))
        let sandbox = try StorageSandbox(agent: agent)
        let volume = try sandbox.volume()
        // Enough real data that the copy outlasts the first renewal even on a fast disk.
        try await sandbox.makeImage(volume + "/src.raw", sizeBytes: 256 << 20)
        for offset in stride(from: 0, to: 256 << 20, by: 4 << 20) {
            try writePattern(volume + "/src.raw", offset: UInt64(offset), count: 1 << 20, byte: 0xAB)
        }
        let renewals = Mutex(0)
        let parameters = CopyImageAction.Parameters(volumePath: volume, image: "src.raw", targetVolumePath: volume, targetImage: "copy.raw")
        let error = await spinError {
            try await agent.copyImage(parameters, renewLease: {
                renewals.withLock { $0 += 1 }
                throw SpinError(.failedPrecondition, "lease lost")
            })
        }
        #expect(error?.message == "lease lost")
        #expect(renewals.withLock { $0 } == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: volume) == ["src.raw"])
    }

    @Test("copy_image of a missing source or onto itself fails")
    func copyBadRequests() async throws {
        let sandbox = try StorageSandbox()
        let volume = try await source(sandbox)
        var error = await spinError {
            try await sandbox.agent.copyImage(.init(volumePath: volume, image: "nope", targetVolumePath: volume, targetImage: "x"))
        }
        #expect(error?.code == .notFound)
        error = await spinError {
            try await sandbox.agent.copyImage(.init(volumePath: volume, image: "src.raw", targetVolumePath: volume, targetImage: "src.raw"))
        }
        #expect(error?.code == .invalidArgument)
    }

    @Test("move_image renames within a filesystem, keeping the inode; repeating succeeds")
    func move() async throws {
        let sandbox = try StorageSandbox()
        let volume = try await source(sandbox)
        let target = try sandbox.volume("other")
        let inode = try Fingerprint(volume + "/src.raw").inode
        let parameters = MoveImageAction.Parameters(volumePath: volume, image: "src.raw", targetVolumePath: target, targetImage: "moved.raw")
        try await sandbox.agent.moveImage(parameters)
        #expect(try Fingerprint(target + "/moved.raw").inode == inode)
        #expect(!FileManager.default.fileExists(atPath: volume + "/src.raw"))
        let before = try Fingerprint(target + "/moved.raw")
        try await sandbox.agent.moveImage(parameters)
        #expect(try Fingerprint(target + "/moved.raw") == before)
    }

    @Test("move_image finishes a move that died between copying and deleting the source")
    func moveAfterCrashedCopy() async throws {
        let sandbox = try StorageSandbox()
        let volume = try await source(sandbox)
        let target = try sandbox.volume("other")
        try await sandbox.agent.copyImage(.init(volumePath: volume, image: "src.raw", targetVolumePath: target, targetImage: "moved.raw"))
        try await sandbox.agent.moveImage(.init(volumePath: volume, image: "src.raw", targetVolumePath: target, targetImage: "moved.raw"))
        #expect(!FileManager.default.fileExists(atPath: volume + "/src.raw"))
        #expect(FileManager.default.fileExists(atPath: target + "/moved.raw"))
    }

    @Test("move_image refuses to replace a different image, and fails when neither exists")
    func moveConflicts() async throws {
        let sandbox = try StorageSandbox()
        let volume = try await source(sandbox)
        try await sandbox.makeImage(volume + "/other.raw", sizeBytes: 16 << 20)
        var error = await spinError {
            try await sandbox.agent.moveImage(.init(volumePath: volume, image: "src.raw", targetVolumePath: volume, targetImage: "other.raw"))
        }
        #expect(error?.code == .conflict)
        #expect(FileManager.default.fileExists(atPath: volume + "/src.raw"))
        error = await spinError {
            try await sandbox.agent.moveImage(.init(volumePath: volume, image: "a", targetVolumePath: volume, targetImage: "b"))
        }
        #expect(error?.code == .notFound)
    }

    @Test("move_image across filesystems copies then deletes the source", .enabled(if: StorageCopyMoveTests.shmIsOtherFilesystem()))
    func moveAcrossFilesystems() async throws {
        let sandbox = try StorageSandbox()
        let volume = try await source(sandbox)
        let other = "/dev/shm/spin-storage-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: other) }
        let original = volume + "/keep.raw"
        try FileManager.default.copyItem(atPath: volume + "/src.raw", toPath: original)
        let parameters = MoveImageAction.Parameters(volumePath: volume, image: "src.raw", targetVolumePath: other, targetImage: "moved.raw")
        try await sandbox.agent.moveImage(parameters)
        #expect(!FileManager.default.fileExists(atPath: volume + "/src.raw"))
        #expect(try await imagesIdentical(original, other + "/moved.raw"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: other) == ["moved.raw"])
        try await sandbox.agent.moveImage(parameters)
    }

    static func shmIsOtherFilesystem() -> Bool {
        var shm = stat(), tmp = stat()
        guard stat("/dev/shm", &shm) == 0, stat("/tmp", &tmp) == 0 else { return false }
        return shm.st_dev != tmp.st_dev
    }
}
