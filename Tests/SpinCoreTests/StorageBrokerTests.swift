import Foundation
import SpinTestSupport
import SpinQemu
import SpinStore
import Testing
@testable import SpinCore

@Suite("Storage: through a real broker", .serialized)
struct StorageBrokerTests {
    func broker(_ sandbox: StorageSandbox) throws -> Broker {
        let store = try Store(path: sandbox.root + "/store")
        return try Broker(store: store, leasePath: sandbox.root + "/leases", catalog: .with(StorageAgent.actionTypes),
                          options: BrokerOptions(idleRecheck: .milliseconds(200)))
    }

    @Test("the catalog lists the eight storage actions and refuses bad parameters")
    func catalog() throws {
        let catalog = ActionCatalog.with(StorageAgent.actionTypes)
        #expect(catalog.actionNames == [
            "storage.add_volume", "storage.copy_image", "storage.create_image", "storage.delete_image",
            "storage.import_image", "storage.move_image", "storage.remove_volume", "storage.resize_image",
        ])
        let error = #expect(throws: SpinError.self) {
            try catalog.validate(resource: "storage", action: "create_image",
                                 parameters: .object(["volumePath": .string("/v"), "image": .string("x"), "sizeBytes": .number(1), "format": .string("vmdk")]))
        }
        #expect(error?.message.contains("format") == true)
    }

    @Test("a package of every action runs end to end through Broker and AgentRunner; a conflict fails its package with the reason")
    func endToEnd() async throws {
        let sandbox = try StorageSandbox()
        let broker = try broker(sandbox)
        let volume = sandbox.root + "/volumes/one"
        let other = sandbox.root + "/volumes/two"
        let add1 = try CommandDraft(AddVolumeAction.self, .init(volumePath: volume))
        let add2 = try CommandDraft(AddVolumeAction.self, .init(volumePath: other))
        let create = try CommandDraft(CreateImageAction.self, .init(volumePath: volume, image: "base.raw", sizeBytes: 8 << 20, format: .raw),
                                      dependencies: [add1.id])
        let resize = try CommandDraft(ResizeImageAction.self, .init(volumePath: volume, image: "base.raw", sizeBytes: 16 << 20), dependencies: [create.id])
        let copy = try CommandDraft(CopyImageAction.self, .init(volumePath: volume, image: "base.raw", targetVolumePath: other,
                                                               targetImage: "web.qcow2", targetFormat: .qcow2), dependencies: [resize.id, add2.id])
        let move = try CommandDraft(MoveImageAction.self, .init(volumePath: other, image: "web.qcow2", targetVolumePath: volume, targetImage: "web.qcow2"),
                                    dependencies: [copy.id])
        let delete = try CommandDraft(DeleteImageAction.self, .init(volumePath: volume, image: "base.raw"), dependencies: [move.id])
        let remove = try CommandDraft(RemoveVolumeAction.self, .init(volumePath: other), dependencies: [move.id])

        let runner = AgentRunner(broker: broker, agent: StorageAgent(scope: TestStorageScope()), leaseDuration: .seconds(5))
        let serving = Task { await runner.run() }
        defer { serving.cancel() }

        let package = try broker.submit([add1, add2, create, resize, copy, move, delete, remove])
        let status = try await broker.waitForPackage(package, timeout: .seconds(60))
        #expect(status.package.state == .succeeded, "\(String(describing: status.package.failure))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: volume) == ["web.qcow2"])
        #expect(!FileManager.default.fileExists(atPath: other))
        let info = try await sandbox.info(volume + "/web.qcow2")
        #expect(info.format == "qcow2")
        #expect(info.virtualSize == 16 << 20)

        // The same package again: every action is already done.
        let again = try broker.submit([add1, create].map { draft in
            CommandDraft(resource: draft.resource, action: draft.action, parameters: draft.parameters)
        })
        #expect(try await broker.waitForPackage(again, timeout: .seconds(60)).package.state == .succeeded)

        let clash = try CommandDraft(CreateImageAction.self, .init(volumePath: volume, image: "web.qcow2", sizeBytes: 1 << 20, format: .raw))
        let failing = try broker.submit([clash])
        let failed = try await broker.waitForPackage(failing, timeout: .seconds(60))
        #expect(failed.package.state == .failed)
        #expect(failed.package.failure?.action == "storage.create_image")
        #expect(failed.package.failure?.reason.contains("delete it or choose another name") == true)
    }

    @Test("a copy killed mid-way (agent process SIGKILLed) is redone whole after the lease runs out, leaving no temporaries")
    func copyAfterCrash() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume("source")
        let target = try sandbox.volume("target")
        let source = volume + "/big.raw"
        try await sandbox.makeImage(source, sizeBytes: 512 << 20)
        for index in 0..<12 {
            try writePattern(source, offset: UInt64(index) * (40 << 20), count: 16 << 20, byte: UInt8(0x10 + index))
        }
        let broker = try broker(sandbox)
        let copy = try CommandDraft(CopyImageAction.self, .init(volumePath: volume, image: "big.raw", targetVolumePath: target,
                                                               targetImage: "big.qcow2", targetFormat: .qcow2, format: .raw))
        let package = try broker.submit([copy])

        let log = sandbox.root + "/testkit.log"
        // The child stops itself and its qemu-img once the copy passes 2%, so the kill lands
        // mid-copy however long this process takes to notice (the copy takes about a second).
        let pid = try ProcessRunner.spawnDetached(
            try testkitPath(), ["storage-serve", sandbox.root + "/store", sandbox.root + "/leases", "1000", "30000", "0.02"],
            logPath: log)
        let killedAt = try await Self.waitForPause(log, pid: pid)
        kill(-pid, SIGKILL)  // the agent and its qemu-img: a crash of the whole session
        _ = try await ProcessRunner.waitForExit(pid: pid)
        #expect(killedAt > 0 && killedAt < 1)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: target)
        #expect(!leftovers.contains("big.qcow2"), "the copy finished before the kill")
        #expect(leftovers.contains { $0.hasPrefix(".spin-") }, "a temporary should be left by the killed copy: \(leftovers)")

        // Redelivery after the 1 s lease runs out, to an agent in this process.
        let runner = AgentRunner(broker: broker, agent: StorageAgent(scope: TestStorageScope()), leaseDuration: .seconds(5))
        let ran = try await runner.runOnce(wait: .seconds(20))
        #expect(ran?.id == copy.id)
        let status = try await broker.waitForPackage(package, timeout: .seconds(5))
        #expect(status.package.state == .succeeded, "\(String(describing: status.package.failure))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: target) == ["big.qcow2"])
        #expect(try await imagesIdentical(source, target + "/big.qcow2"))
        #expect(try await sandbox.info(target + "/big.qcow2").virtualSize == 512 << 20)
    }

    /// Waits until the child reports that it paused its copy and returns the fraction done.
    static func waitForPause(_ log: String, pid: pid_t) async throws -> Double {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") where line.hasPrefix("paused ") {
                if let value = line.split(separator: " ").last.flatMap({ Double($0) }) { return value }
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        kill(-pid, SIGKILL)
        throw SpinError(.timeout, "spin-testkit storage-serve did not pause its copy: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }
}
