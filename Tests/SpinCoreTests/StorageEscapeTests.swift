import Foundation
import Testing
@testable import SpinCore

/// Every action, given a way out of its volume, refuses and touches nothing outside.
@Suite("Storage: escape attempts")
struct StorageEscapeTests {
    static let badNames = ["../x", "..", ".", "a/b", "/etc/passwd", "x\u{0}y", "", ".hidden", String(repeating: "y", count: 256)]

    @Test("every image action refuses escaping names and creates nothing", arguments: badNames)
    func badName(name: String) async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume("v/inner")
        try await sandbox.makeImage(volume + "/ok")
        let before = sandbox.allEntries()
        let agent = sandbox.agent
        let attempts: [() async throws -> Void] = [
            { try await agent.createImage(.init(volumePath: volume, image: name, sizeBytes: 1 << 20, format: .raw)) },
            { try await agent.deleteImage(.init(volumePath: volume, image: name)) },
            { try await agent.resizeImage(.init(volumePath: volume, image: name, sizeBytes: 2 << 20)) },
            { try await agent.copyImage(.init(volumePath: volume, image: "ok", targetVolumePath: volume, targetImage: name)) },
            { try await agent.copyImage(.init(volumePath: volume, image: name, targetVolumePath: volume, targetImage: "ok2")) },
            { try await agent.moveImage(.init(volumePath: volume, image: "ok", targetVolumePath: volume, targetImage: name)) },
        ]
        for attempt in attempts {
            let error = await spinError(attempt)
            #expect(error?.code == .invalidArgument)
        }
        #expect(sandbox.allEntries() == before)
    }

    @Test("unnormalized volume paths are refused by every action", arguments: ["/tmp/../etc", "relative", "/tmp/./x", "/tmp//x", "/"])
    func badVolume(path: String) async throws {
        let agent = StorageAgent(scope: TestStorageScope())
        #expect(await spinError { try await agent.addVolume(.init(volumePath: path)) }?.code == .invalidArgument)
        #expect(await spinError { try await agent.removeVolume(.init(volumePath: path)) }?.code == .invalidArgument)
        #expect(await spinError { try await agent.createImage(.init(volumePath: path, image: "x", sizeBytes: 1, format: .raw)) }?.code == .invalidArgument)
    }

    @Test("an image name that is a symlink to /etc or /etc/passwd is refused by every action")
    func symlinkImage() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        try await sandbox.makeImage(volume + "/ok")
        try FileManager.default.createSymbolicLink(atPath: volume + "/passwd", withDestinationPath: "/etc/passwd")
        try FileManager.default.createSymbolicLink(atPath: volume + "/etc", withDestinationPath: "/etc")
        try FileManager.default.createSymbolicLink(atPath: volume + "/dangling", withDestinationPath: sandbox.root + "/nowhere")
        let passwd = try Fingerprint("/etc/passwd")
        let agent = sandbox.agent
        for name in ["passwd", "etc", "dangling"] {
            let attempts: [() async throws -> Void] = [
                { try await agent.createImage(.init(volumePath: volume, image: name, sizeBytes: 1 << 20, format: .raw)) },
                { try await agent.deleteImage(.init(volumePath: volume, image: name)) },
                { try await agent.resizeImage(.init(volumePath: volume, image: name, sizeBytes: 1 << 30)) },
                { try await agent.copyImage(.init(volumePath: volume, image: "ok", targetVolumePath: volume, targetImage: name)) },
                { try await agent.copyImage(.init(volumePath: volume, image: name, targetVolumePath: volume, targetImage: "leak")) },
                { try await agent.moveImage(.init(volumePath: volume, image: name, targetVolumePath: volume, targetImage: "leak")) },
                { try await agent.moveImage(.init(volumePath: volume, image: "ok", targetVolumePath: volume, targetImage: name)) },
            ]
            for attempt in attempts {
                let error = await spinError(attempt)
                #expect(error?.code == .failedPrecondition, "\(name): \(String(describing: error))")
                #expect(error?.message.contains("symbolic link") == true)
            }
        }
        #expect(try Fingerprint("/etc/passwd") == passwd)
        #expect(!FileManager.default.fileExists(atPath: volume + "/leak"))
        #expect(!FileManager.default.fileExists(atPath: sandbox.root + "/nowhere"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: volume + "/passwd") == "/etc/passwd")
    }

    @Test("a volume whose directory is a symlink (to /etc, or to a subdirectory) is refused")
    func symlinkedVolume() async throws {
        let sandbox = try StorageSandbox()
        let real = try sandbox.volume("real")
        try FileManager.default.createSymbolicLink(atPath: real + "/sub", withDestinationPath: "/etc")
        try FileManager.default.createSymbolicLink(atPath: sandbox.root + "/alias", withDestinationPath: real)
        let agent = sandbox.agent
        for volume in [real + "/sub", sandbox.root + "/alias"] {
            let attempts: [() async throws -> Void] = [
                { try await agent.addVolume(.init(volumePath: volume)) },
                { try await agent.removeVolume(.init(volumePath: volume)) },
                { try await agent.createImage(.init(volumePath: volume, image: "spin-test-image", sizeBytes: 1 << 20, format: .raw)) },
                { try await agent.deleteImage(.init(volumePath: volume, image: "passwd")) },
                { try await agent.resizeImage(.init(volumePath: volume, image: "passwd", sizeBytes: 1 << 30)) },
                { try await agent.copyImage(.init(volumePath: volume, image: "passwd", targetVolumePath: real, targetImage: "leak")) },
            ]
            for attempt in attempts {
                let error = await spinError(attempt)
                #expect(error?.code == .failedPrecondition, "\(volume): \(String(describing: error))")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: "/etc/spin-test-image"))
        #expect(!FileManager.default.fileExists(atPath: real + "/leak"))
    }

    @Test("a temporary name squatted by a symlink is never followed")
    func squattedTemporary() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        let outside = sandbox.root + "/outside"
        // A link with a name in the temporaries' pattern is swept (unlinked), not followed.
        try FileManager.default.createSymbolicLink(atPath: volume + "/" + StagedImage.prefix(for: "x") + "1.part", withDestinationPath: outside)
        try await sandbox.agent.createImage(.init(volumePath: volume, image: "x", sizeBytes: 1 << 20, format: .raw))
        #expect(!FileManager.default.fileExists(atPath: outside))
        #expect(try FileManager.default.contentsOfDirectory(atPath: volume) == ["x"])
    }
}
