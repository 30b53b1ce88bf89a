import Foundation
import SpinCore
import SpinServer
import SpinTestSupport
import Testing

/// Idle clients cannot hold the server: a connection that sends nothing (or half a request)
/// is closed after the idle timeout, and past the connection cap new connections wait.
@Suite("Live: idle timeout and connection cap", .serialized)
struct LiveConnectionLimitsTests {
    @Test("a silent connection and one stalled inside its request head are closed after the idle timeout")
    func idleTimeout() async throws {
        try await ServerFixture.with(runsAgents: false) { fixture in
            let port = try Loopback.freePort()
            let server = try await LiveServer.start(fixture, listen: .tcp(host: "127.0.0.1", port: port), token: "idle-token-0123456789") {
                $0.idleTimeout = .seconds(1)
            }
            let silent = try RawConnection(port: port)
            let stalled = try RawConnection(port: port)
            try stalled.send("GET /v1/health HTTP/1.1\r\nHost: x\r\n")
            let clock = ContinuousClock()
            let start = clock.now
            #expect(silent.readUntilClosed(limit: .seconds(10)), "the silent connection stayed open")
            #expect(stalled.readUntilClosed(limit: .seconds(10)), "the stalled connection stayed open")
            let waited = clock.now - start
            #expect(waited >= .milliseconds(800) && waited < .seconds(8), "closed after \(waited)")
            // A client that keeps asking is served.
            let busy = try RawConnection(port: port)
            try busy.send("GET /v1/health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer idle-token-0123456789\r\n\r\n")
            #expect(busy.read(limit: .seconds(5)).hasPrefix("HTTP/1.1 200"))
            await server.stop()
        }
    }

    @Test("past the connection cap a new connection is not served until one closes")
    func connectionCap() async throws {
        try await ServerFixture.with(runsAgents: false) { fixture in
            let port = try Loopback.freePort()
            let server = try await LiveServer.start(fixture, listen: .tcp(host: "127.0.0.1", port: port), token: "cap-token-0123456789") {
                $0.maxConnections = 2
                $0.idleTimeout = .seconds(30)
            }
            // LiveServer's readiness probe may keep a connection open a moment: let it go.
            try await Task.sleep(for: .milliseconds(500))
            let request = "GET /v1/health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer cap-token-0123456789\r\n\r\n"
            let first = try RawConnection(port: port)
            let second = try RawConnection(port: port)
            try first.send(request)
            try second.send(request)
            #expect(first.read(limit: .seconds(5)).hasPrefix("HTTP/1.1 200"))
            #expect(second.read(limit: .seconds(5)).hasPrefix("HTTP/1.1 200"))
            let third = try RawConnection(port: port)
            try third.send(request)
            #expect(third.read(limit: .seconds(2)).isEmpty, "a third connection was served past the cap of 2")
            first.close()
            #expect(third.read(limit: .seconds(5)).hasPrefix("HTTP/1.1 200"), "the waiting connection was not served once one closed")
            second.close()
            third.close()
            await server.stop()
        }
    }
}
