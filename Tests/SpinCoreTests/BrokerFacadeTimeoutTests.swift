import Foundation
import SpinCore
import SpinTestSupport
import Testing

/// A facade call whose wait times out keeps its records while the package runs on, and the
/// records follow the package's outcome. `qemu-img create` is held by spin-testkit's gated
/// qemu-img until the test lets it go on or fail.
@Suite("Broker: a facade call whose wait times out", .serialized)
struct BrokerFacadeTimeoutTests {
    @Test("a timed-out image create keeps its record, names the package, and the record agrees once the package succeeds")
    func timeoutThenSuccess() async throws {
        try await GatedSpin.with { gated in
            let spin = gated.spin
            let error = try await gated.timedOutCreate()
            let package = try #require(error.runningPackage)
            #expect(error.code == .timeout)
            #expect(error.message.contains("package \(package)"))
            #expect(error.message.contains("spin package status \(package) --wait"))
            await #expect(try spin.image(volume: "vol1", name: "a.qcow2").sizeBytes == 1 << 20, "the record was rolled back while the package ran")

            gated.release(.go)
            let status = try await spin.broker.waitForPackage(package, timeout: .seconds(120))
            #expect(status.package.state == .succeeded)
            await #expect(try spin.image(volume: "vol1", name: "a.qcow2").sizeBytes == 1 << 20)
            await #expect(FileManager.default.fileExists(atPath: try spin.volume("vol1").path + "/a.qcow2"))
        }
    }

    @Test("a timed-out image create whose package then fails loses its record once the package ends")
    func timeoutThenFailure() async throws {
        try await GatedSpin.with { gated in
            let spin = gated.spin
            let error = try await gated.timedOutCreate()
            let package = try #require(error.runningPackage)
            await #expect(try spin.image(volume: "vol1", name: "a.qcow2").name == "a.qcow2")

            gated.release(.fail)
            let status = try await spin.broker.waitForPackage(package, timeout: .seconds(120))
            #expect(status.package.state == .failed)
            // The caller's follow-up settles the record right after the package ends.
            var recorded = true
            for _ in 0..<2000 where recorded {
                recorded = (try? await spin.image(volume: "vol1", name: "a.qcow2")) != nil
                if recorded { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(!recorded, "the record of an image whose creation failed stayed")
            await #expect(!FileManager.default.fileExists(atPath: try spin.volume("vol1").path + "/a.qcow2"))
        }
    }

    @Test("closing the instance right after such a package fails still settles its records")
    func closeSettles() async throws {
        try await GatedSpin.with { gated in
            let spin = gated.spin
            let package = try #require(try await gated.timedOutCreate().runningPackage)
            gated.release(.fail)
            #expect(try await spin.broker.waitForPackage(package, timeout: .seconds(120)).package.state == .failed)
            await spin.close()
            await #expect(throws: SpinError.self) { try await spin.image(volume: "vol1", name: "a.qcow2") }
        }
    }
}

/// A ``Spin`` whose qemu-img is spin-testkit's gated one, with a tiny action timeout.
struct GatedSpin: Sendable {
    enum Release: String { case go, fail }
    let spin: Spin
    let bin: String

    static func with(_ body: (GatedSpin) async throws -> Void) async throws {
        let directory = try TemporaryDirectory(prefix: "spin-gate")
        let bin = directory.path + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin + "/qemu-img", withDestinationPath: try testkitPath())
        let spin = try await Spin.open(
            root: SpinRoot(explicit: directory.path + "/root"),
            options: SpinOptions(supervisor: .direct, qemuImgPath: bin + "/qemu-img", actionTimeout: .milliseconds(300), agentDrainTimeout: .zero))
        let gated = GatedSpin(spin: spin, bin: bin)
        do {
            do {
                _ = try await spin.createVolume(name: "vol1")
            } catch let error as SpinError {
                // Slower than the tiny timeout on a loaded machine: it still finishes.
                guard let package = error.runningPackage else { throw error }
                _ = try await spin.broker.waitForPackage(package, timeout: .seconds(120))
            }
            try await body(gated)
        } catch {
            gated.release(.fail)
            await spin.close()
            throw error
        }
        await spin.close()
        _ = directory
    }

    /// Starts an image create that stays in qemu-img until released, and returns the error
    /// its facade call throws when the wait runs out.
    func timedOutCreate() async throws -> SpinError {
        _ = FileManager.default.createFile(atPath: bin + "/qemu-img.gate", contents: Data())
        do {
            try await spin.createImage(ImageSpec(volume: "vol1", name: "a.qcow2", sizeBytes: 1 << 20))
        } catch let error as SpinError {
            return error
        }
        throw SpinError(.internal, "the create finished although qemu-img was held")
    }

    func release(_ release: Release) {
        _ = FileManager.default.createFile(atPath: bin + "/qemu-img.\(release.rawValue)", contents: Data())
    }
}
