import Foundation
import SpinClient
import SpinCore
import SpinServer
import SpinTestSupport
import Testing

@Suite("Live: a storage agent in a second process serves the queue over HTTP", .serialized)
struct RemoteAgentTests {
    @Test("with no agents in the server, `spin-server agent storage` creates volumes and images")
    func remoteStorageAgent() async throws {
        try await ServerFixture.with(runsAgents: false) { fixture in
            let server = try await LiveServer.start(fixture, listen: .unix(path: fixture.socketPath))
            let agent = Process()
            agent.executableURL = URL(fileURLWithPath: try BuiltExecutables.path("spin-server"))
            agent.arguments = ["agent", "storage", "--root", fixture.root.path, "--host", fixture.socketPath]
            try agent.run()
            defer { if agent.isRunning { kill(agent.processIdentifier, SIGKILL) } }
            let remote = try SpinRemote(endpoint: server.endpoint)
            let volume = try await remote.createVolume(name: "vol1")
            let image = try await remote.createImage(ImageSpec(volume: "vol1", name: "a.qcow2", sizeBytes: 1 << 20))
            #expect(image.sizeBytes == 1 << 20)
            #expect(FileManager.default.fileExists(atPath: volume.path + "/a.qcow2"))
            // A failing action comes back as the agent's error.
            await #expect(throws: SpinError.self) {
                try await remote.resizeImage(volume: "vol1", name: "missing.qcow2", sizeBytes: 1 << 21)
            }
            kill(agent.processIdentifier, SIGTERM)
            agent.waitUntilExit()
            #expect(agent.terminationStatus == 0)
            try await remote.close()
            await server.stop()
        }
    }
}
