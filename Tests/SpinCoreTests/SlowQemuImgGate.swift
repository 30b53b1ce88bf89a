import Foundation
import SpinTestSupport
import Synchronization
@testable import SpinCore

/// The broker's clock, moved by the test.
final class BrokerClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)
    var now: Date { Date().addingTimeInterval(offset.withLock { $0 }) }
    func advance(by seconds: TimeInterval) { offset.withLock { $0 += seconds } }
}

/// spin-testkit as `qemu-img` in a directory of its own holding `gated`: it touches `started`
/// and waits for `open` before create and convert (see spin-testkit's SlowQemuImg).
struct SlowQemuImgGate {
    let directory: String
    var executable: String { directory + "/qemu-img" }

    init(_ sandbox: StorageSandbox) throws {
        directory = sandbox.root + "/slow"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: executable, withDestinationPath: try testkitPath())
        try writeForeignFile(directory + "/gated", "")
    }

    func waitUntilStarted() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while !FileManager.default.fileExists(atPath: directory + "/started") {
            guard ContinuousClock.now < deadline else { throw SpinError(.timeout, "the slow qemu-img never started") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func open() { _ = FileManager.default.createFile(atPath: directory + "/open", contents: Data()) }
}
