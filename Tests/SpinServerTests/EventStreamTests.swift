import AsyncHTTPClient
import Foundation
import NIOCore
import SpinClient
import SpinCore
import SpinServer
import SpinTestSupport
import Testing

@Suite("Live: the events stream on the wire", .serialized)
struct EventStreamTests {
    @Test("each event's time is an RFC 3339 date-time string, as the document says, and the client decodes it")
    func timeIsDateTime() async throws {
        try await ServerFixture.with(runsAgents: false) { fixture in
            let port = try Loopback.freePort()
            let server = try await LiveServer.start(fixture, listen: .tcp(host: "127.0.0.1", port: port), token: "tok")
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            let remote = try SpinRemote(endpoint: server.endpoint, token: "tok")
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/events")
            request.headers.add(name: "Authorization", value: "Bearer tok")
            let response = try await http.execute(request, timeout: .seconds(10))
            #expect(response.headers.first(name: "content-type")?.hasPrefix("text/event-stream") == true)
            let decoded = try await remote.events()
            let raw = Task { () -> String? in
                var text = ""
                for try await chunk in response.body {
                    text += String(buffer: chunk)
                    if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("data:") }) {
                        return String(line.dropFirst("data:".count))
                    }
                }
                return nil
            }
            let typed = Task { () -> SpinEvent? in
                for try await event in decoded { return event }
                return nil
            }
            let watchdog = Task {
                try await Task.sleep(for: .seconds(15))
                raw.cancel()
                typed.cancel()
            }
            // An event: a package enqueued (no agent runs it here).
            let before = Date()
            _ = try await fixture.spin.broker.submit([try CommandDraft(AddVolumeAction.self, .init(volumePath: fixture.directory + "/v"))])
            let line = try #require(try await raw.value, "no event arrived")
            let event = try #require(try await typed.value, "the client decoded no event")
            watchdog.cancel()

            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let time = try #require(object["time"] as? String, "time is \(String(describing: object["time"])), not a string")
            let parsed = try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(time)
            #expect(abs(parsed.timeIntervalSince(before)) < 10)
            // The two streams are separate subscriptions: each may see a different first event
            // of the same submit (the command ready, the package enqueued), stamped a few
            // milliseconds apart on a loaded machine (4 ms seen in CI); and the wire has
            // milliseconds, which two parsers may round differently.
            #expect(abs(event.time.timeIntervalSince(parsed)) < 0.05)

            try await remote.close()
            await server.stop()
            try await http.shutdown()
        }
    }
}
