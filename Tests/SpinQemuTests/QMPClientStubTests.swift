import Foundation
import Synchronization
import Testing
@testable import SpinQemu

@Suite("QMPClient against a stub server")
struct QMPClientStubTests {
    @Test("connect reads the greeting and negotiates capabilities")
    func greeting() async throws {
        let directory = try TemporaryDirectory()
        let server = try StubQMPServer(path: directory.file("q")) { peer in
            peer.handshake()
            _ = peer.readLine()
        }
        defer { server.stop() }
        let client = try await QMPClient.connect(path: server.path)
        #expect(client.version == QMPVersion(major: 7, minor: 2, micro: 1, package: "Debian"))
        #expect(client.capabilities == ["oob"])
        client.close()
    }

    @Test("out-of-order replies reach their callers and interleaved events reach subscribers")
    func outOfOrder() async throws {
        let directory = try TemporaryDirectory()
        let server = try StubQMPServer(path: directory.file("q")) { peer in
            peer.handshake()
            guard let first = peer.readRequest(), let second = peer.readRequest() else { return }
            let byName = [first.execute: first.id, second.execute: second.id]
            peer.send(#"{"event": "STOP", "timestamp": {"seconds": 1, "microseconds": 500000}}"#)
            peer.send(#"{"return": {"status": "paused", "running": false}, "id": \#(byName["query-status"] ?? "")}"#)
            peer.send(#"{"event": "RESUME", "data": {"x": 1}, "timestamp": {"seconds": 2, "microseconds": 0}}"#)
            peer.send(#"{"return": [], "id": \#(byName["query-block"] ?? "")}"#)
            _ = peer.readLine()
        }
        defer { server.stop() }
        let client = try await QMPClient.connect(path: server.path)
        let events = client.events()
        async let status = client.queryStatus()
        async let blocks = client.queryBlock()
        #expect(try await status == QMPStatus(running: false, status: "paused"))
        #expect(try await blocks.isEmpty)
        var iterator = events.makeAsyncIterator()
        let stop = try #require(await iterator.next())
        let resume = try #require(await iterator.next())
        #expect(stop.name == "STOP")
        #expect(stop.timestamp == Date(timeIntervalSince1970: 1.5))
        #expect(resume == QMPEvent(name: "RESUME", data: ["x": 1], timestamp: Date(timeIntervalSince1970: 2)))
        client.close()
    }

    @Test("an error reply becomes commandFailed with QEMU's class and description")
    func errorReply() async throws {
        let directory = try TemporaryDirectory()
        let server = try StubQMPServer(path: directory.file("q")) { peer in
            peer.handshake()
            guard let request = peer.readRequest() else { return }
            peer.send(#"{"error": {"class": "CommandNotFound", "desc": "The command nope has not been found"}, "id": \#(request.id)}"#)
            _ = peer.readLine()
        }
        defer { server.stop() }
        let client = try await QMPClient.connect(path: server.path)
        await #expect(throws: QMPError.commandFailed(class: "CommandNotFound", desc: "The command nope has not been found")) {
            try await client.execute("nope")
        }
        client.close()
    }

    @Test("a malformed line fails the pending call with a decoding error")
    func malformed() async throws {
        let directory = try TemporaryDirectory()
        let server = try StubQMPServer(path: directory.file("q")) { peer in
            peer.handshake()
            _ = peer.readRequest()
            peer.send("{this is not json")
            _ = peer.readLine()
        }
        defer { server.stop() }
        let client = try await QMPClient.connect(path: server.path)
        await #expect(throws: QMPError.decoding("not a JSON object", raw: "{this is not json")) {
            try await client.queryStatus()
        }
        client.close()
    }

    @Test("a reply of the wrong shape is a decoding error for typed helpers")
    func wrongShape() async throws {
        let directory = try TemporaryDirectory()
        let server = try StubQMPServer(path: directory.file("q")) { peer in
            peer.handshake()
            guard let request = peer.readRequest() else { return }
            peer.send(#"{"return": {"status": 3}, "id": \#(request.id)}"#)
            _ = peer.readLine()
        }
        defer { server.stop() }
        let client = try await QMPClient.connect(path: server.path)
        let error = await #expect(throws: QMPError.self) { try await client.queryStatus() }
        guard case .decoding(_, let raw) = error else {
            Issue.record("expected a decoding error, got \(String(describing: error))")
            return
        }
        #expect(raw == #"{"status":3}"#)
        client.close()
    }

    @Test("a socket closed mid-reply fails pending calls, ends event streams and wakes waiters")
    func closedMidReply() async throws {
        let directory = try TemporaryDirectory()
        let server = try StubQMPServer(path: directory.file("q")) { peer in
            peer.handshake()
            _ = peer.readRequest()
            peer.send(#"{"return": {"sta"#, newline: false)
            peer.close()
        }
        defer { server.stop() }
        let client = try await QMPClient.connect(path: server.path)
        let events = client.events()
        await #expect(throws: QMPError.disconnected) { try await client.queryStatus() }
        for await _ in events {}
        await client.waitForDisconnect()
        #expect(client.isDisconnected)
        await #expect(throws: QMPError.disconnected) { try await client.cont() }
        var late = client.events().makeAsyncIterator()
        #expect(await late.next() == nil)
    }
}
