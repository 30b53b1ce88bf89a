import Foundation
import SpinQemu
import SpinStore
import Testing
@testable import SpinCore

@Suite("Storage: the agent acts only inside registered volumes, also for raw broker commands", .serialized)
struct StorageConfinementTests {
    /// A sandbox with a real LMDB registry and broker, volume `vol` registered (with the
    /// recorded, marked image `a.raw`), and `outside/` — a directory no volume names — holding
    /// the marked image `b.raw` and the empty directory `empty`.
    struct Host {
        let sandbox: StorageSandbox
        let registry: Registry
        let broker: Broker
        let volume: String
        let outside: String

        init() async throws {
            sandbox = try StorageSandbox()
            let store = try Store(path: sandbox.root + "/store")
            registry = try Registry(store: store)
            broker = try Broker(store: store, leasePath: sandbox.root + "/leases", catalog: .with(StorageAgent.actionTypes),
                                options: BrokerOptions(idleRecheck: .milliseconds(200)))
            volume = try sandbox.volume("vol")
            outside = try sandbox.volume("outside")
            try registry.createVolume(name: "vol", path: volume)
            try registry.createImage(ImageSpec(volume: "vol", name: "a.raw", sizeBytes: 1 << 20, format: .raw))
            try await sandbox.makeImage(volume + "/a.raw")
            try await sandbox.makeImage(outside + "/b.raw")
            _ = try sandbox.volume("outside/empty")
        }

        var agent: StorageAgent { StorageAgent(scope: RegisteredVolumes(registry: registry)) }

        /// Every entry under the sandbox except the store and lease files, with its fingerprint.
        func files() throws -> [String: Fingerprint] {
            var result: [String: Fingerprint] = [:]
            for entry in sandbox.allEntries() where !entry.hasPrefix("store") && !entry.hasPrefix("leases") {
                result[entry] = try Fingerprint(sandbox.root + "/" + entry)
            }
            return result
        }

        func records() throws -> ([Volume], [Image]) { (try registry.listVolumes(), try registry.listAllImages()) }
    }

    /// Each raw command on its own, as `POST /v1/commands` or `spin package add` would submit it.
    static func outsideCommands(_ host: Host) throws -> [(String, CommandDraft)] {
        let (volume, outside, root) = (host.volume, host.outside, host.sandbox.root)
        return [
            ("add_volume of an unregistered directory", try CommandDraft(AddVolumeAction.self, .init(volumePath: root + "/new"))),
            ("add_volume of a directory inside a volume", try CommandDraft(AddVolumeAction.self, .init(volumePath: volume + "/sub"))),
            ("remove_volume of an unregistered empty directory", try CommandDraft(RemoveVolumeAction.self, .init(volumePath: outside + "/empty"))),
            ("create_image outside", try CommandDraft(CreateImageAction.self, .init(volumePath: outside, image: "c.raw", sizeBytes: 1 << 20, format: .raw))),
            ("delete_image of spin's own image outside", try CommandDraft(DeleteImageAction.self, .init(volumePath: outside, image: "b.raw"))),
            ("resize_image outside", try CommandDraft(ResizeImageAction.self, .init(volumePath: outside, image: "b.raw", sizeBytes: 2 << 20, format: .raw))),
            ("copy_image out of a volume", try CommandDraft(CopyImageAction.self, .init(
                volumePath: volume, image: "a.raw", targetVolumePath: outside, targetImage: "copy.raw", format: .raw))),
            ("copy_image into a volume", try CommandDraft(CopyImageAction.self, .init(
                volumePath: outside, image: "b.raw", targetVolumePath: volume, targetImage: "stolen.raw", format: .raw))),
            ("move_image out of a volume", try CommandDraft(MoveImageAction.self, .init(
                volumePath: volume, image: "a.raw", targetVolumePath: outside, targetImage: "a.raw", format: .raw))),
            ("move_image into a volume", try CommandDraft(MoveImageAction.self, .init(
                volumePath: outside, image: "b.raw", targetVolumePath: volume, targetImage: "b.raw", format: .raw))),
        ]
    }

    @Test("raw storage commands naming directories outside every registered volume fail as forbidden and change no file and no record")
    func rawCommandsOutside() async throws {
        let host = try await Host()
        let runner = AgentRunner(broker: host.broker, agent: host.agent, leaseDuration: .seconds(30))
        let serving = Task { await runner.run() }
        defer { serving.cancel() }
        let filesBefore = try host.files()
        let recordsBefore = try host.records()
        for (what, command) in try Self.outsideCommands(host) {
            let package = try host.broker.submit([command])
            let status = try await host.broker.waitForPackage(package, timeout: .seconds(60))
            #expect(status.package.state == .failed, "\(what)")
            #expect(status.package.failure?.errorCode == "forbidden", "\(what): \(String(describing: status.package.failure))")
            #expect(status.package.failure?.reason.contains("spin volume create NAME") == true, "\(what)")
            #expect(try host.files() == filesBefore, "\(what) changed files")
        }
        #expect(try host.records() == recordsBefore)
        #expect(!FileManager.default.fileExists(atPath: host.sandbox.root + "/new"))
        #expect(FileManager.default.fileExists(atPath: host.outside + "/empty"))
    }

    @Test("the refusal names the directory and how to register it")
    func message() async throws {
        let host = try await Host()
        let error = await spinError { try await host.agent.deleteImage(.init(volumePath: host.outside, image: "b.raw")) }
        #expect(error?.code == .forbidden)
        #expect(error?.message == "\(host.outside) is not the directory of a registered volume; the storage agent acts only inside registered volumes, so register it first with spin volume create NAME \(host.outside)")
        #expect(FileManager.default.fileExists(atPath: host.outside + "/b.raw"))
    }

    @Test("inside a registered volume raw commands still act; a volume's directory is made only once the volume is recorded with that path")
    func rawCommandsInside() async throws {
        let host = try await Host()
        let agent = host.agent
        try await agent.createImage(.init(volumePath: host.volume, image: "c.raw", sizeBytes: 1 << 20, format: .raw))
        #expect(FileManager.default.fileExists(atPath: host.volume + "/c.raw"))
        let later = host.sandbox.root + "/later"
        #expect(await spinError { try await agent.addVolume(.init(volumePath: later)) }?.code == .forbidden)
        #expect(!FileManager.default.fileExists(atPath: later))
        try host.registry.createVolume(name: "later", path: later)
        try await agent.addVolume(.init(volumePath: later))
        #expect(FileManager.default.fileExists(atPath: later))
        // Forgotten, the volume's directory is no longer the agent's to remove.
        try host.registry.deleteVolume("later")
        #expect(await spinError { try await agent.removeVolume(.init(volumePath: later)) }?.code == .forbidden)
        #expect(FileManager.default.fileExists(atPath: later))
    }

    @Test("a recorded format wins over the command's: a raw image is never resized as the qcow2 a raw command claims")
    func recordedFormatWins() async throws {
        let host = try await Host()
        try await host.agent.resizeImage(.init(volumePath: host.volume, image: "a.raw", sizeBytes: 2 << 20, format: .qcow2))
        let info = try await host.sandbox.info(host.volume + "/a.raw")
        #expect(info.format == "raw")
        #expect(info.virtualSize == 2 << 20)
    }

    @Test("without a record or a format in the command, an agent refuses rather than let qemu-img guess")
    func noFormatRefused() async throws {
        let host = try await Host()
        let roots = StorageAgent(scope: AllowedRoots([host.sandbox.root]))
        let error = await spinError { try await roots.resizeImage(.init(volumePath: host.outside, image: "b.raw", sizeBytes: 2 << 20)) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("never lets qemu-img guess") == true)
        #expect(try await host.sandbox.info(host.outside + "/b.raw").virtualSize == 1 << 20)
    }

    @Test("a remote agent's roots are resolved: a link inside the allowed root that points out of it is outside")
    func rootsResolveLinks() async throws {
        let host = try await Host()
        let allowed = try host.sandbox.volume("allowed")
        try FileManager.default.createSymbolicLink(atPath: allowed + "/link", withDestinationPath: host.outside)
        let agent = StorageAgent(scope: AllowedRoots([allowed]))
        let before = try host.files()
        let error = await spinError { try await agent.deleteImage(.init(volumePath: allowed + "/link", image: "b.raw")) }
        #expect(error?.code == .forbidden)
        #expect(error?.message.contains("spin-server agent --allow-path DIR") == true)
        #expect(await spinError { try await agent.addVolume(.init(volumePath: allowed + "/link/new")) }?.code == .forbidden)
        #expect(try host.files() == before)
        try await agent.addVolume(.init(volumePath: allowed + "/vol"))
        #expect(FileManager.default.fileExists(atPath: allowed + "/vol"))
    }

    @Test("a remote agent imports only files inside its roots, by their real path; a link is refused, not followed")
    func remoteImportConfined() async throws {
        let host = try await Host()
        let allowed = try host.sandbox.volume("allowed")
        let volume = try host.sandbox.volume("allowed/vol")
        let agent = StorageAgent(scope: AllowedRoots([allowed]))
        try Data(repeating: 3, count: 4096).write(to: URL(fileURLWithPath: allowed + "/disk.img"))
        try FileManager.default.createSymbolicLink(atPath: allowed + "/link.img", withDestinationPath: allowed + "/disk.img")
        let outside = await spinError {
            try await agent.importImage(.init(sourcePath: host.outside + "/b.raw", volumePath: volume, image: "x", format: .raw, sizeBytes: 1 << 20))
        }
        #expect(outside?.code == .forbidden && outside?.message.contains("file to import") == true, "\(outside?.message ?? "")")
        let link = await spinError {
            try await agent.importImage(.init(sourcePath: allowed + "/link.img", volumePath: volume, image: "x", format: .raw, sizeBytes: 4096))
        }
        #expect(link?.code == .forbidden && link?.message.contains("link") == true, "\(link?.message ?? "")")
        #expect(try FileManager.default.contentsOfDirectory(atPath: volume).isEmpty)
        try await agent.importImage(.init(sourcePath: allowed + "/disk.img", volumePath: volume, image: "x", format: .raw, sizeBytes: 4096))
        #expect(FileManager.default.contents(atPath: volume + "/x") == Data(repeating: 3, count: 4096))
    }

    @Test("the registry check costs little next to the action it guards")
    func checkCost() async throws {
        let host = try await Host()
        let scope = RegisteredVolumes(registry: host.registry)
        let volume = try VolumePath(host.volume)
        let image = try volume.image("a.raw")
        let rounds = 2000
        let start = ContinuousClock.now
        for _ in 0..<rounds {
            try await scope.checkVolume(volume)
            _ = try await scope.recordedFormat(of: image)
        }
        let each = (ContinuousClock.now - start) / rounds
        print("RegisteredVolumes: checkVolume + recordedFormat take \(each) per action")
        #expect(each < .milliseconds(1))
    }
}
