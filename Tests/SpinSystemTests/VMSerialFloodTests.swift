import Foundation
import SpinCore
import SpinTestSupport
import Testing

/// A guest that writes to its serial console forever (the test guest's `spin.flood=1`) must not
/// fill the disk: the log stays under its cap, with one rotated file beside it.
@Suite("A guest flooding its serial console", .serialized)
struct VMSerialFloodTests {
    static let limit: UInt64 = 64 << 10

    @Test("the serial log and its rotated file stay under the cap while the guest writes many times more", arguments: SupervisorUnderTest.allCases)
    func floodStaysCapped(_ kind: SupervisorUnderTest) async throws {
        try await SystemTestEnvironment.with(kind, adjust: { options in
            options.serialLog.limit = Self.limit
            options.serialLog.interval = .milliseconds(100)
        }) { env in
            let spin = env.spin
            try await spin.createVolume(name: "vol", path: env.directory + "/vol")
            let spec = VMSpec(
                name: "chatty", cpus: 1, memoryMiB: 256, storage: [.disk(volume: "vol", image: "chatty.raw")],
                kernel: DirectBoot(kernel: env.guests.kernel, initrd: env.guests.initrd, append: TestGuests.append + " spin.flood=1"),
                stopTimeoutSeconds: 5,
                newImages: [ImageSpec(volume: "vol", name: "chatty.raw", sizeBytes: 16 << 20, format: .raw)])
            let vm = try await spin.createVM(spec)
            try await spin.startVM("chatty")
            let log = RuntimePaths(root: spin.root, vmID: vm.id).serialLog
            let rotated = SerialLogRotator.rotatedPath(of: log)

            // The guest numbers its lines; wait until it wrote ten times the cap in all.
            let lineBytes = 85
            var written = 0
            var largest: UInt64 = 0
            let flooded = await Loopback.waitUntil(timeout: .seconds(240), every: .milliseconds(50)) {
                largest = max(largest, Self.size(log), Self.size(rotated))
                written = Self.lastLineNumber(in: log) * lineBytes
                return written > Int(Self.limit) * 10
            }
            #expect(flooded, "the guest wrote about \(written) bytes; serial log \(Self.size(log)) bytes")
            #expect(FileManager.default.fileExists(atPath: rotated), "the log was rotated")
            #expect(Self.size(rotated) <= Self.limit, "rotated file \(Self.size(rotated)) bytes")
            // Between two checks the guest adds what it writes in 100 ms; allow three caps.
            #expect(Self.size(log) + Self.size(rotated) <= Self.limit * 3, "on disk: \(Self.size(log)) + \(Self.size(rotated)) bytes")
            #expect(largest <= Self.limit * 3, "largest file seen: \(largest) bytes")
            try await spin.stopVM("chatty", timeoutSeconds: 1)
        }
    }

    static func size(_ path: String) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    /// The number on the last complete `spin-flood N …` line of the log's tail.
    static func lastLineNumber(in log: String) -> Int {
        guard let tail = SerialLogRotator.tail(of: log, maxBytes: 4096) else { return 0 }
        for line in tail.split(separator: "\n").reversed() {
            let words = line.split(separator: " ")
            if words.count >= 3, words[0] == "spin-flood", let number = Int(words[1]) { return number }
        }
        return 0
    }
}
