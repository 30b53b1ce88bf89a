import Foundation
import SpinClient
import SpinCore
import SpinServer
import SpinTestSupport
import Testing

@Suite("Live: unix socket and TCP, with and without the token", .serialized)
struct LiveTransportTests {
    @Test("over the unix socket: mode 0600, no token needed, SDK errors arrive as SpinError")
    func unixSocket() async throws {
        try await ServerFixture.with { fixture in
            let server = try await LiveServer.start(fixture, listen: .unix(path: fixture.socketPath))
            defer { Task { await server.stop() } }
            var info = stat()
            #expect(stat(fixture.socketPath, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o600)
            let remote = try SpinRemote(endpoint: server.endpoint)
            #expect(try await remote.health() == SpinVersion.current)
            let volume = try await remote.createVolume(name: "vol1")
            #expect(volume.path == fixture.root.imagesPath + "/vol1")
            #expect(try await remote.listVolumes().map(\.name) == ["vol1"])
            await #expect(throws: SpinError.self) { try await remote.vm("nope") }
            do {
                _ = try await remote.createVolume(name: "vol1")
                Issue.record("a taken name was accepted")
            } catch let error as SpinError {
                #expect(error.code == .conflict)
                #expect(error.message.contains("vol1"))
            }
            try await remote.close()
            await server.stop()
        }
    }

    @Test("over TCP: no token and a wrong token are unauthorized; the right token works")
    func tcpToken() async throws {
        try await ServerFixture.with { fixture in
            let port = try Loopback.freePort()
            let server = try await LiveServer.start(fixture, listen: .tcp(host: "127.0.0.1", port: port), token: "tok-123")
            let none = try SpinRemote(endpoint: server.endpoint)
            do {
                _ = try await none.listVMs()
                Issue.record("no token was accepted")
            } catch let error as SpinError {
                #expect(error.code == .unauthorized)
            }
            let wrong = try SpinRemote(endpoint: server.endpoint, token: "tok-124")
            await #expect(throws: SpinError.self) { try await wrong.listVMs() }
            let right = try SpinRemote(endpoint: server.endpoint, token: "tok-123")
            #expect(try await right.listVMs().isEmpty)
            for client in [none, wrong, right] { try await client.close() }
            await server.stop()
        }
    }

    @Test("spin-server's token is created once, mode 0600, and read back the same")
    func tokenFile() async throws {
        try await ServerFixture.with { fixture in
            let first = try ServerToken.loadOrCreate(in: fixture.root)
            let second = try ServerToken.loadOrCreate(in: fixture.root)
            #expect(first.value == second.value)
            #expect(first.value.count == 64)
            var info = stat()
            #expect(stat(ServerToken.path(in: fixture.root), &info) == 0)
            #expect(info.st_mode & 0o777 == 0o600)
            #expect(first.matches(second.value))
            #expect(!first.matches(second.value.dropLast()))
            #expect(!first.matches(""))
        }
    }
}
