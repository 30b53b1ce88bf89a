import Foundation
import Synchronization
import Testing
@testable import SpinQemu

@Suite("QMPClient connection, timeouts, raw and shutdown")
struct QMPClientLifecycleTests {
    @Test("connect retries until the socket appears and listens")
    func retriesUntilListening() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("q")
        let serverBox = ServerBox()
        // A thread of its own: a task could be held up behind other suites' blocking work.
        Thread.detachNewThread {
            usleep(150_000)
            serverBox.server = try? StubQMPServer(path: path) { peer in
                peer.handshake()
                _ = peer.readLine()
            }
        }
        let client = try await QMPClient.connect(path: path, retryFor: .seconds(5))
        #expect(client.version.major == 7)
        client.close()
        serverBox.server?.stop()
    }

    @Test("connect gives up with a transport error when nothing listens")
    func givesUp() async throws {
        let directory = try TemporaryDirectory()
        let error = await #expect(throws: QMPError.self) {
            try await QMPClient.connect(path: directory.file("none"), retryFor: .milliseconds(100))
        }
        guard case .transport(let message) = error else {
            Issue.record("expected transport, got \(String(describing: error))")
            return
        }
        #expect(message.contains("No such file"))
    }

    @Test("a socket path longer than sun_path is rejected with a way out")
    func longPath() async throws {
        let path = "/tmp/" + String(repeating: "x", count: 120)
        let error = await #expect(throws: QMPError.self) { try await QMPClient.connect(path: path) }
        #expect(error?.description.contains("shorter runtime directory") == true)
    }

    @Test("a command without a reply times out and the connection stays usable")
    func timeout() async throws {
        let directory = try TemporaryDirectory()
        let server = try StubQMPServer(path: directory.file("q")) { peer in
            peer.handshake()
            _ = peer.readRequest()  // never answered
            guard let second = peer.readRequest() else { return }
            peer.send(#"{"return": {"status": "running", "running": true}, "id": \#(second.id)}"#)
            _ = peer.readLine()
        }
        defer { server.stop() }
        let client = try await QMPClient.connect(path: server.path)
        await #expect(throws: QMPError.timeout) {
            try await client.execute("query-block", timeout: .milliseconds(100))
        }
        #expect(try await client.queryStatus().running)
        client.close()
    }

    @Test("cancelling a pending command throws CancellationError")
    func cancellation() async throws {
        let directory = try TemporaryDirectory()
        let server = try StubQMPServer(path: directory.file("q")) { peer in
            peer.handshake()
            _ = peer.readLine()
            _ = peer.readLine()
        }
        defer { server.stop() }
        let client = try await QMPClient.connect(path: server.path)
        let task = Task { try await client.execute("query-status") }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        client.close()
    }

    @Test("raw passes JSON through and restores the caller's id")
    func raw() async throws {
        let directory = try TemporaryDirectory()
        let server = try StubQMPServer(path: directory.file("q")) { peer in
            peer.handshake()
            guard let request = peer.readRequest() else { return }
            peer.send(#"{"error": {"class": "GenericError", "desc": "no"}, "id": \#(request.id)}"#)
            _ = peer.readLine()
        }
        defer { server.stop() }
        let client = try await QMPClient.connect(path: server.path)
        let reply = try await client.raw(line: #"{"execute": "stop", "id": "mine"}"#)
        #expect(reply == #"{"error":{"class":"GenericError","desc":"no"},"id":"mine"}"#)
        await #expect(throws: QMPError.decoding("request is not valid JSON", raw: "{oops")) {
            try await client.raw(line: "{oops")
        }
        await #expect(throws: QMPError.self) { try await client.raw(line: #"{"hello": 1}"#) }
        client.close()
    }

    @Test("shutdown returns true once the SHUTDOWN event arrives")
    func shutdownSucceeds() async throws {
        let directory = try TemporaryDirectory()
        let server = try StubQMPServer(path: directory.file("q")) { peer in
            peer.handshake()
            guard let request = peer.readRequest(), request.execute == "system_powerdown" else { return }
            peer.send(#"{"return": {}, "id": \#(request.id)}"#)
            peer.send(#"{"event": "POWERDOWN", "timestamp": {"seconds": 1, "microseconds": 0}}"#)
            peer.send(#"{"event": "SHUTDOWN", "data": {"guest": true, "reason": "guest-shutdown"}, "timestamp": {"seconds": 2, "microseconds": 0}}"#)
            _ = peer.readLine()
        }
        defer { server.stop() }
        let client = try await QMPClient.connect(path: server.path)
        #expect(try await client.shutdown(timeout: .seconds(5)))
        client.close()
    }

    @Test("shutdown presses the power button again: a press made while the guest booted is not the last")
    func shutdownPressesAgain() async throws {
        let directory = try TemporaryDirectory()
        let server = try StubQMPServer(path: directory.file("q")) { peer in
            peer.handshake()
            // The first press falls on a guest with no ACPI daemon yet: nothing happens.
            guard let first = peer.readRequest(), first.execute == "system_powerdown" else { return }
            peer.send(#"{"return": {}, "id": \#(first.id)}"#)
            guard let second = peer.readRequest(), second.execute == "system_powerdown" else { return }
            peer.send(#"{"return": {}, "id": \#(second.id)}"#)
            peer.send(#"{"event": "SHUTDOWN", "data": {"guest": true, "reason": "guest-shutdown"}, "timestamp": {"seconds": 2, "microseconds": 0}}"#)
            _ = peer.readLine()
        }
        defer { server.stop() }
        let client = try await QMPClient.connect(path: server.path)
        #expect(try await client.shutdown(timeout: .seconds(20), pressEvery: .milliseconds(50)))
        client.close()
    }

    @Test("shutdown returns false when the guest ignores the power button")
    func shutdownTimesOut() async throws {
        let directory = try TemporaryDirectory()
        let server = try StubQMPServer(path: directory.file("q")) { peer in
            peer.handshake()
            guard let request = peer.readRequest() else { return }
            peer.send(#"{"return": {}, "id": \#(request.id)}"#)
            _ = peer.readLine()
        }
        defer { server.stop() }
        let client = try await QMPClient.connect(path: server.path)
        #expect(try await client.shutdown(timeout: .milliseconds(100)) == false)
        client.close()
    }

    @Test("many concurrent callers each get their own reply")
    func concurrentCallers() async throws {
        let directory = try TemporaryDirectory()
        let server = try StubQMPServer(path: directory.file("q")) { peer in
            peer.handshake()
            var requests: [String] = []
            for _ in 0..<50 { if let request = peer.readRequest() { requests.append(request.id) } }
            for id in requests.reversed() { peer.send(#"{"return": \#(id), "id": \#(id)}"#) }
            _ = peer.readLine()
        }
        defer { server.stop() }
        let client = try await QMPClient.connect(path: server.path)
        let values = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<50 {
                group.addTask { try await client.execute("echo").stringValue }
            }
            return try await group.reduce(into: Set<String>()) { if let value = $1 { $0.insert(value) } }
        }
        #expect(values.count == 50)
        client.close()
    }
}

/// Holds a server created by a background task.
final class ServerBox: Sendable {
    private let storage = Mutex<StubQMPServer?>(nil)
    var server: StubQMPServer? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
