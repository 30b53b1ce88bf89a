import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SpinClient
import SpinCore
import SpinServer

/// A real server on a real socket inside the test process; `stop()` shuts it down the way
/// SIGTERM would (graceful: in-flight requests finish).
struct LiveServer: Sendable {
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let endpoint: SpinEndpoint

    static func start(
        _ fixture: ServerFixture, listen: ServerOptions.Listen, token: String? = nil, configure: (inout ServerOptions) -> Void = { _ in }
    ) async throws -> LiveServer {
        var options = ServerOptions(listen: listen, eventPollInterval: .milliseconds(200))
        options.token = token.map(ServerToken.init)
        configure(&options)
        var logger = Logger(label: "spin-server-test")
        logger.logLevel = .warning
        let app = try SpinServer.makeApplication(spin: fixture.spin, options: options, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task { try await group.run() }
        let endpoint: SpinEndpoint
        switch listen {
        case .unix(let path): endpoint = .unix(path: path)
        case .tcp(let host, let port): endpoint = .url(URL(string: "http://\(host):\(port)")!)
        }
        let server = LiveServer(group: group, task: task, endpoint: endpoint)
        // Ready when it answers.
        let probe = try SpinRemote(endpoint: endpoint, token: token)
        defer { Task { try? await probe.close() } }
        for _ in 0..<200 {
            if (try? await probe.health()) != nil { return server }
            try await Task.sleep(for: .milliseconds(25))
        }
        await server.stop()
        throw FixtureError("the server on \(endpoint) did not answer")
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
