import Foundation
import Testing
@testable import SpinCore

@Suite("Storage: add_volume and remove_volume")
struct StorageVolumeTests {
    @Test("add_volume creates the directory 0700 with its parents; repeating changes nothing")
    func addVolume() async throws {
        let sandbox = try StorageSandbox()
        let path = sandbox.root + "/deep/er/vol1"
        try await sandbox.agent.addVolume(.init(volumePath: path))
        let first = try Fingerprint(path)
        #expect(first.permissions == 0o700)
        #expect(first.mode & UInt32(S_IFMT) == UInt32(S_IFDIR))
        try await sandbox.agent.addVolume(.init(volumePath: path))
        #expect(try Fingerprint(path) == first)
    }

    @Test("add_volume accepts an existing directory as it is")
    func addExisting() async throws {
        let sandbox = try StorageSandbox()
        let path = try sandbox.volume()
        let before = try Fingerprint(path)
        try await sandbox.agent.addVolume(.init(volumePath: path))
        #expect(try Fingerprint(path) == before)
    }

    @Test("add_volume refuses a file, a symlink and a file in the way of a parent")
    func addConflicts() async throws {
        let sandbox = try StorageSandbox()
        let file = sandbox.root + "/file"
        #expect(FileManager.default.createFile(atPath: file, contents: Data()))
        var error = await #expect(throws: SpinError.self) { try await sandbox.agent.addVolume(.init(volumePath: file)) }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("is not a directory") == true)

        error = await #expect(throws: SpinError.self) { try await sandbox.agent.addVolume(.init(volumePath: file + "/sub")) }
        #expect(error?.code == .conflict)

        let link = sandbox.root + "/link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/etc")
        error = await #expect(throws: SpinError.self) { try await sandbox.agent.addVolume(.init(volumePath: link)) }
        #expect(error?.code == .failedPrecondition)
        #expect(error?.message.contains("symbolic link") == true)

        error = await #expect(throws: SpinError.self) { try await sandbox.agent.addVolume(.init(volumePath: "relative/vol")) }
        #expect(error?.code == .invalidArgument)
    }

    @Test("remove_volume removes an empty directory and succeeds when it is already gone")
    func removeVolume() async throws {
        let sandbox = try StorageSandbox()
        let path = try sandbox.volume()
        try await sandbox.agent.removeVolume(.init(volumePath: path))
        #expect(!FileManager.default.fileExists(atPath: path))
        try await sandbox.agent.removeVolume(.init(volumePath: path))
    }

    @Test("remove_volume refuses a non-empty directory, listing what remains (here files spin did not make)")
    func removeNonEmpty() async throws {
        let sandbox = try StorageSandbox()
        let path = try sandbox.volume()
        for name in ["b.qcow2", "a.raw"] {
            #expect(FileManager.default.createFile(atPath: path + "/" + name, contents: Data()))
        }
        let error = await #expect(throws: SpinError.self) { try await sandbox.agent.removeVolume(.init(volumePath: path)) }
        #expect(error?.code == .failedPrecondition)
        #expect(error?.message.contains("\"a.raw\", \"b.qcow2\"") == true)
        #expect(error?.message.contains("files spin did not make, which it leaves in place") == true)
        #expect(FileManager.default.fileExists(atPath: path + "/a.raw"))
    }

    @Test("remove_volume refuses a symlink and a file, leaving both")
    func removeOddThings() async throws {
        let sandbox = try StorageSandbox()
        let target = try sandbox.volume("real")
        let link = sandbox.root + "/link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        var error = await #expect(throws: SpinError.self) { try await sandbox.agent.removeVolume(.init(volumePath: link)) }
        #expect(error?.code == .failedPrecondition)
        let file = sandbox.root + "/file"
        #expect(FileManager.default.createFile(atPath: file, contents: Data()))
        error = await #expect(throws: SpinError.self) { try await sandbox.agent.removeVolume(.init(volumePath: file)) }
        #expect(error?.code == .conflict)
        #expect(FileManager.default.fileExists(atPath: target))
        #expect(FileManager.default.fileExists(atPath: file))
    }
}
