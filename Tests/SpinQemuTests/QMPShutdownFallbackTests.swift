import Foundation
import Synchronization
import Testing
@testable import SpinQemu

/// `QMPClient.shutdown(timeout:pressEvery:fallback:)` against a stub QEMU: the fallback for a
/// guest that ignores the ACPI button.
@Suite("QMP shutdown with a fallback for guests that ignore ACPI")
struct QMPShutdownFallbackTests {
    /// What the stub and the fallback saw.
    final class Counts: Sendable {
        let presses = Mutex(0)
        let poweredOff = Mutex(false)
        let fallbacks = Mutex(0)
    }

    /// A stub that answers every command; after `shutdownAfter` presses (nil: never) it sends
    /// SHUTDOWN, and after any request once `poweredOff` is set (by a fallback).
    private func stub(_ directory: borrowing TemporaryDirectory, _ counts: Counts, shutdownAfter: Int?) throws -> StubQMPServer {
        try StubQMPServer(path: directory.file("q")) { peer in
            peer.handshake()
            var sent = false
            while let request = peer.readRequest() {
                peer.send(#"{"return": {}, "id": \#(request.id)}"#)
                if request.execute == "system_powerdown" {
                    let count = counts.presses.withLock { value -> Int in value += 1; return value }
                    if let shutdownAfter, count >= shutdownAfter, !sent {
                        sent = true
                        peer.send(#"{"event": "SHUTDOWN", "data": {"guest": true}, "timestamp": {"seconds": 1, "microseconds": 0}}"#)
                    }
                }
                if counts.poweredOff.withLock({ $0 }), !sent {
                    sent = true
                    peer.send(#"{"event": "SHUTDOWN", "data": {"guest": true}, "timestamp": {"seconds": 1, "microseconds": 0}}"#)
                }
            }
        }
    }

    @Test("a guest that ignores the button is asked by the fallback once, after its delay, and its power-off ends the wait")
    func fallbackRunsOnce() async throws {
        let directory = try TemporaryDirectory()
        let counts = Counts()
        let server = try stub(directory, counts, shutdownAfter: nil)
        defer { server.stop() }
        let client = try await QMPClient.connect(path: server.path)
        defer { client.close() }
        let started = ContinuousClock.now
        let fallback = ShutdownFallback(after: .milliseconds(300)) {
            counts.fallbacks.withLock { $0 += 1 }
            counts.poweredOff.withLock { $0 = true }
            // The stub sends SHUTDOWN after its next request.
            try? await client.queryStatus()
        }
        let done = try await client.shutdown(timeout: .seconds(10), pressEvery: .milliseconds(100), fallback: fallback)
        let elapsed = started.duration(to: .now)
        #expect(done)
        #expect(counts.fallbacks.withLock { $0 } == 1)
        #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(5), "took \(elapsed)")
        #expect(counts.presses.withLock { $0 } >= 2, "the button is pressed again while waiting")
    }

    @Test("a guest that powers off on the button never sees the fallback")
    func noFallbackWhenACPIWorks() async throws {
        let directory = try TemporaryDirectory()
        let counts = Counts()
        let server = try stub(directory, counts, shutdownAfter: 1)
        defer { server.stop() }
        let client = try await QMPClient.connect(path: server.path)
        defer { client.close() }
        // The delay is long so that a loaded test host cannot make the power-off look late; once
        // shutdown returns, its press loop is cancelled and the fallback can no longer run.
        let fallback = ShutdownFallback(after: .seconds(5)) { counts.fallbacks.withLock { $0 += 1 } }
        #expect(try await client.shutdown(timeout: .seconds(20), pressEvery: .milliseconds(100), fallback: fallback))
        try await Task.sleep(for: .milliseconds(300))
        #expect(counts.fallbacks.withLock { $0 } == 0)
    }

    @Test("a guest that ignores both times out: false, the fallback having run once")
    func bothIgnored() async throws {
        let directory = try TemporaryDirectory()
        let counts = Counts()
        let server = try stub(directory, counts, shutdownAfter: nil)
        defer { server.stop() }
        let client = try await QMPClient.connect(path: server.path)
        defer { client.close() }
        let fallback = ShutdownFallback(after: .milliseconds(100)) { counts.fallbacks.withLock { $0 += 1 } }
        #expect(try await client.shutdown(timeout: .milliseconds(700), pressEvery: .milliseconds(100), fallback: fallback) == false)
        #expect(counts.fallbacks.withLock { $0 } == 1)
    }
}
