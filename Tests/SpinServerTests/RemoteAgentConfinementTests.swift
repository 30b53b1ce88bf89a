import Foundation
import SpinClient
import SpinCore
import SpinServer
import SpinTestSupport
import Testing

@Suite("Live: a remote storage agent acts only inside the roots its own host allows", .serialized)
struct RemoteAgentConfinementTests {
    @Test("`spin-server agent storage --allow-path DIR` refuses volumes and raw commands outside DIR, even for volumes the server registered")
    func allowPath() async throws {
        try await ServerFixture.with(runsAgents: false) { fixture in
            let allowed = fixture.directory + "/allowed"
            let elsewhere = fixture.directory + "/elsewhere"
            try FileManager.default.createDirectory(atPath: allowed, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
            let server = try await LiveServer.start(fixture, listen: .unix(path: fixture.socketPath))
            let agent = Process()
            agent.executableURL = URL(fileURLWithPath: try BuiltExecutables.path("spin-server"))
            agent.arguments = ["agent", "storage", "--root", fixture.root.path, "--host", fixture.socketPath, "--allow-path", allowed]
            try agent.run()
            defer { if agent.isRunning { kill(agent.processIdentifier, SIGKILL) } }
            let remote = try SpinRemote(endpoint: server.endpoint)

            // Inside the allowed root: served as usual.
            let inside = try await remote.createVolume(name: "in", path: allowed + "/in")
            try await remote.createImage(ImageSpec(volume: "in", name: "a.raw", sizeBytes: 1 << 20, format: .raw))
            #expect(FileManager.default.fileExists(atPath: inside.path + "/a.raw"))

            // Outside: the agent refuses, the directory is not made and the record is undone.
            let refused = await #expect(throws: SpinError.self) {
                try await remote.createVolume(name: "out", path: elsewhere + "/out")
            }
            #expect(refused?.code == .forbidden)
            #expect(refused?.message.contains("--allow-path DIR") == true)
            #expect(!FileManager.default.fileExists(atPath: elsewhere + "/out"))
            await #expect(try fixture.spin.listVolumes().map(\.name) == ["in"])

            // A volume the server knows but this host does not allow, and a raw command there.
            try await fixture.spin.registry.createVolume(name: "known", path: elsewhere)
            let raw = try CommandDraft(CreateImageAction.self, .init(volumePath: elsewhere, image: "x.raw", sizeBytes: 1 << 20, format: .raw))
            let package = try await remote.submit([raw])
            let status = try await remote.waitForPackage(package, timeoutSeconds: 60)
            #expect(status.package.state == .failed)
            #expect(status.package.failure?.errorCode == "forbidden")
            #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)

            kill(agent.processIdentifier, SIGTERM)
            agent.waitUntilExit()
            #expect(agent.terminationStatus == 0)
            try await remote.close()
            await server.stop()
        }
    }
}
