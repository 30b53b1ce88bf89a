import Foundation
import SpinQemu
import SpinStore
import SpinTestSupport
import Testing
@testable import SpinCore

@Suite("Storage: raw broker commands and lost leases", .serialized)
struct StorageBrokerOwnershipTests {
    @Test("raw storage.delete_image, create_image and move_image sent at foreign files fail their packages and leave the files")
    func rawCommands() async throws {
        let sandbox = try StorageSandbox()
        // Any directory at all, not a volume spin knows.
        let elsewhere = try sandbox.volume("home/someone")
        let bytes = try writeForeignFile(elsewhere + "/thesis.tex")
        let broker = try Self.broker(sandbox)
        let runner = AgentRunner(broker: broker, agent: StorageAgent(scope: TestStorageScope()), leaseDuration: .seconds(30))
        let serving = Task { await runner.run() }
        defer { serving.cancel() }

        let delete = try CommandDraft(DeleteImageAction.self, .init(volumePath: elsewhere, image: "thesis.tex"))
        var failed = try await broker.waitForPackage(try broker.submit([delete]), timeout: .seconds(60))
        #expect(failed.package.state == .failed)
        #expect(failed.package.failure?.errorCode == "conflict")
        #expect(failed.package.failure?.reason.contains(elsewhere + "/thesis.tex exists and was not made by spin") == true)

        let create = try CommandDraft(CreateImageAction.self, .init(volumePath: elsewhere, image: "thesis.tex", sizeBytes: 1 << 20, format: .raw))
        failed = try await broker.waitForPackage(try broker.submit([create]), timeout: .seconds(60))
        #expect(failed.package.state == .failed)
        #expect(failed.package.failure?.errorCode == "conflict")

        let make = try CommandDraft(CreateImageAction.self, .init(volumePath: elsewhere, image: "mine.raw", sizeBytes: 1 << 20, format: .raw))
        let move = try CommandDraft(MoveImageAction.self, .init(volumePath: elsewhere, image: "mine.raw", targetVolumePath: elsewhere, targetImage: "thesis.tex"),
                                    dependencies: [make.id])
        failed = try await broker.waitForPackage(try broker.submit([make, move]), timeout: .seconds(60))
        #expect(failed.package.state == .failed)
        #expect(failed.package.failure?.action == "storage.move_image")
        #expect(FileManager.default.contents(atPath: elsewhere + "/thesis.tex") == bytes)
        #expect(try spinMark(elsewhere + "/thesis.tex") == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).sorted() == ["mine.raw", "thesis.tex"])
        sandbox.keepAlive()
    }

    @Test("a create whose lease is taken by another holder while its slow qemu-img runs does not rename the image into place")
    func createLeaseLost() async throws {
        try await Self.leaseLost { volume in
            (try CommandDraft(CreateImageAction.self, .init(volumePath: volume, image: "slow.qcow2", sizeBytes: 1 << 20, format: .qcow2)), "slow.qcow2")
        }
    }

    @Test("a copy whose lease is taken by another holder while its slow qemu-img runs does not rename the copy into place")
    func copyLeaseLost() async throws {
        try await Self.leaseLost { volume in
            try await StorageAgent(scope: TestStorageScope()).createImage(.init(volumePath: volume, image: "src.raw", sizeBytes: 1 << 20, format: .raw))
            let copy = try CommandDraft(CopyImageAction.self, .init(volumePath: volume, image: "src.raw", targetVolumePath: volume, targetImage: "copy.raw"))
            return (copy, "copy.raw")
        }
    }

    @Test("a lost lease stops delete_image, resize_image and move_image right before they act")
    func lostLeaseStopsEveryDestructiveStep() async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        let agent = StorageAgent(scope: TestStorageScope())
        try await agent.createImage(.init(volumePath: volume, image: "a.raw", sizeBytes: 1 << 20, format: .raw))
        let before = try Fingerprint(volume + "/a.raw")
        let lost: @Sendable () async throws -> Void = { throw SpinError(.failedPrecondition, "lease lost (test)") }
        var error = await spinError { try await agent.deleteImage(.init(volumePath: volume, image: "a.raw"), renewLease: lost) }
        #expect(error?.message == "lease lost (test)")
        error = await spinError { try await agent.resizeImage(.init(volumePath: volume, image: "a.raw", sizeBytes: 2 << 20), renewLease: lost) }
        #expect(error?.message == "lease lost (test)")
        error = await spinError {
            try await agent.moveImage(.init(volumePath: volume, image: "a.raw", targetVolumePath: volume, targetImage: "b.raw"), renewLease: lost)
        }
        #expect(error?.message == "lease lost (test)")
        error = await spinError { try await agent.createImage(.init(volumePath: volume, image: "c.raw", sizeBytes: 1 << 20, format: .raw), renewLease: lost) }
        #expect(error?.message == "lease lost (test)")
        #expect(try Fingerprint(volume + "/a.raw") == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: volume) == ["a.raw"])
    }

    /// Runs the command `prepare` gives through an ``AgentRunner`` whose qemu-img waits at a
    /// gate; while it waits, the lease runs out (on the broker's clock) and this test takes the
    /// command as another holder. Once the gate opens, the first run must not put its file in
    /// place; the new holder then runs it to success.
    static func leaseLost(_ prepare: (String) async throws -> (CommandDraft, String)) async throws {
        let sandbox = try StorageSandbox()
        let volume = try sandbox.volume()
        let (command, target) = try await prepare(volume)
        let before = try FileManager.default.contentsOfDirectory(atPath: volume)
        let gate = try SlowQemuImgGate(sandbox)
        defer { gate.open() }
        let clock = BrokerClock()
        let store = try Store(path: sandbox.root + "/store")
        let broker = try Broker(store: store, leasePath: sandbox.root + "/leases", catalog: .with(StorageAgent.actionTypes),
                                options: BrokerOptions(idleRecheck: .milliseconds(200), now: { clock.now }))
        // Renewals by the runner and by copies come far later than this test needs, so only
        // the check right before the rename can notice the lost lease.
        let agent = StorageAgent(qemuImg: QemuImg(executable: gate.executable), scope: TestStorageScope(), leaseRenewalInterval: .seconds(3600))
        let runner = AgentRunner(broker: broker, agent: agent, leaseDuration: .seconds(600))
        let package = try broker.submit([command])
        let running = Task { try await runner.runOnce() }

        try await gate.waitUntilStarted()
        clock.advance(by: 1200)
        let taken = try #require(try broker.next(resource: "storage", lease: .seconds(600)))
        #expect(taken.command.id == command.id)
        gate.open()
        let ran = try await running.value
        #expect(ran?.id == command.id)
        #expect(try FileManager.default.contentsOfDirectory(atPath: volume).sorted() == before.sorted(), "the first run put its file in place or left its temporary")

        // The new holder's run goes through.
        try await StorageAgent(scope: TestStorageScope()).perform(taken.command) { _ = try broker.renew(taken, for: .seconds(600)) }
        try await broker.complete(taken, success: true)
        let status = try await broker.waitForPackage(package, timeout: .seconds(60))
        #expect(status.package.state == .succeeded, "\(String(describing: status.package.failure))")
        #expect(try spinMark(volume + "/" + target) != nil)
        sandbox.keepAlive()
    }

    static func broker(_ sandbox: StorageSandbox) throws -> Broker {
        let store = try Store(path: sandbox.root + "/store")
        return try Broker(store: store, leasePath: sandbox.root + "/leases", catalog: .with(StorageAgent.actionTypes),
                          options: BrokerOptions(idleRecheck: .milliseconds(200)))
    }
}
