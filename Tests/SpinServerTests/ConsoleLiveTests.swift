import AsyncHTTPClient
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import SpinClient
import SpinCore
import SpinServer
import SpinTestSupport
import Synchronization
import Testing

@Suite("Live: console WebSockets to a real guest", .serialized)
struct ConsoleLiveTests {
    static let logger = Logger(label: "console-test")

    @Test("serial over TCP with the token: the guest's shell answers a command; errors before the upgrade are SpinErrors")
    func serialRoundTrip() async throws {
        try await ServerFixture.with { fixture in
            let server = try await LiveServer.start(fixture, listen: .tcp(host: "127.0.0.1", port: try Loopback.freePort()), token: "tok")
            defer { Task { await server.stop() } }
            _ = try await fixture.bootGuest("web")
            _ = try await fixture.defineGuest("idle")
            let remote = try SpinRemote(endpoint: server.endpoint, token: "tok")
            let seen = try await remote.withSerialConsole("web") { console in
                try await console.send("\recho console-$((6*7))\r")
                var text = ""
                for try await chunk in console.output {
                    text += String(decoding: chunk, as: UTF8.self)
                    if text.contains("console-42") { break }
                }
                return text
            }
            #expect(seen.contains("console-42"))
            // A second session works after the first closed (qemu serves one client at a time).
            let again = try await remote.withSerialConsole("1") { console in
                try await console.send("echo again-$((1+1))\r")
                var text = ""
                for try await chunk in console.output {
                    text += String(decoding: chunk, as: UTF8.self)
                    if text.contains("again-2") { break }
                }
                return text
            }
            #expect(again.contains("again-2"))
            await #expect { try await remote.withSerialConsole("nope") { _ in } } throws: { ($0 as? SpinError)?.code == .notFound }
            await #expect { try await remote.withSerialConsole("idle") { _ in } } throws: {
                ($0 as? SpinError)?.code == .failedPrecondition && ($0 as? SpinError)?.message.contains("start it with spin start idle") == true
            }
            let anonymous = try SpinRemote(endpoint: server.endpoint)
            await #expect { try await anonymous.withSerialConsole("web") { _ in } } throws: { ($0 as? SpinError)?.code == .unauthorized }
            try await anonymous.close()
            try await remote.close()
            await server.stop()
        }
    }

    @Test("serial over the unix socket needs no token, and the console ends when the VM stops")
    func serialOverUnixSocketEndsWithVM() async throws {
        try await ServerFixture.with { fixture in
            let server = try await LiveServer.start(fixture, listen: .unix(path: fixture.socketPath))
            defer { Task { await server.stop() } }
            _ = try await fixture.bootGuest("web")
            let remote = try SpinRemote(endpoint: server.endpoint)
            let ended = try await remote.withSerialConsole("web") { console in
                try await console.send("echo unix-$((2*3))\r")
                var text = ""
                var stopper: Task<Void, any Error>?
                for try await chunk in console.output {
                    text += String(decoding: chunk, as: UTF8.self)
                    if stopper == nil, text.contains("unix-6") {
                        stopper = Task { try await fixture.spin.stopVM("web", timeoutSeconds: 5) }
                    }
                }
                try await stopper?.value
                return text.contains("unix-6")
            }
            #expect(ended)
            try await remote.close()
            await server.stop()
        }
    }

    @Test("VNC over TCP with ?token= (another WebSocket client): the RFB handshake arrives; without a token the upgrade is refused")
    func vncHandshake() async throws {
        try await ServerFixture.with { fixture in
            let port = try Loopback.freePort()
            let server = try await LiveServer.start(fixture, listen: .tcp(host: "127.0.0.1", port: port), token: "tok")
            defer { Task { await server.stop() } }
            _ = try await fixture.bootGuest("web")
            var configuration = WebSocketClientConfiguration()
            configuration.additionalHeaders[.secWebSocketProtocol] = "binary"
            let banner = BannerBox()
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/v1/vms/web/console/vnc?token=tok", configuration: configuration, logger: Self.logger) { inbound, outbound, _ in
                for try await message in inbound.messages(maxSize: 1 << 16) {
                    if case .binary(let buffer) = message { banner.set(String(buffer: buffer)) }
                    break
                }
                try await outbound.close(.normalClosure, reason: nil)
            }
            #expect(banner.value.hasPrefix("RFB 003.008"))
            await #expect(throws: (any Error).self) {
                try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/v1/vms/web/console/vnc", logger: Self.logger) { _, _, _ in }
            }
            let plain = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/vms/web/console/vnc"), timeout: .seconds(10))
            #expect(plain.status.code == 401)
            await server.stop()
        }
    }
}

/// A value set inside a `@Sendable` WebSocket handler.
final class BannerBox: Sendable {
    private let text = Mutex("")
    var value: String { text.withLock { $0 } }
    func set(_ value: String) { text.withLock { $0 = value } }
}
