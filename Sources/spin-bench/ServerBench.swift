import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SpinCore
import SpinServer
import SpinHarness

/// `spin-bench server`: wrk against the HTTP API over TCP with the token — `GET /v1/vms` with
/// 100 VMs defined and `GET /v1/vms/{id}` — next to a bare Hummingbird route on another
/// loopback port returning the very same bytes, in the same run; then the RSS of a spawned
/// `spin-server`, idle and with the VMs defined.
struct ServerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "wrk against GET /v1/vms and /v1/vms/{id} vs a bare Hummingbird route with the same bytes; server RSS."
    )

    @Option(help: "VMs to define (registry only, not running).") var vms = 100
    @Option(help: "Seconds per wrk run.") var seconds = 5
    @Option(help: "wrk threads.") var threads = 2
    @Option(help: "wrk connections.") var connections = 32
    @Flag(help: "Print the tables as Markdown.") var markdown = false

    static let token = "spin-bench-token"

    func run() async throws {
        let dir = try makeBenchDirectory("server")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var logger = Logger(label: "spin-bench")
        logger.logLevel = .error

        let spin = try await Spin.open(root: SpinRoot(explicit: dir + "/root"), options: SpinOptions(supervisor: .direct, runsAgents: false))
        guard let local = spin.local else { throw SpinError(.internal, "the bench opens an LMDB root") }
        try Self.defineVMs(local.records, count: vms)
        let port = try Loopback.freePort()
        var options = ServerOptions(listen: .tcp(host: "127.0.0.1", port: port))
        options.token = ServerToken(Self.token)
        let server = try BenchService.start(SpinServer.makeApplication(spin: spin, options: options, logger: logger), logger: logger)
        let spinURL = "http://127.0.0.1:\(port)"
        let list = try await HTTPFetch.get(spinURL + "/v1/vms", token: Self.token, retryFor: .seconds(10))
        let one = try await HTTPFetch.get(spinURL + "/v1/vms/1", token: Self.token)

        let barePort = try Loopback.freePort()
        let bare = try BenchService.start(Self.bareApplication(port: barePort, list: list, one: one, logger: logger), logger: logger)
        let bareURL = "http://127.0.0.1:\(barePort)"
        guard try await HTTPFetch.get(bareURL + "/v1/vms", token: Self.token, retryFor: .seconds(10)) == list else {
            throw BenchError("the bare route does not return the same bytes")
        }

        var table = BenchTable(header: ["request", "spin req/s", "spin p99", "bare req/s", "bare p99", "ratio req/s", "ratio p99 bare/spin"])
        for (label, path, bytes) in [("GET /v1/vms (\(vms) VMs)", "/v1/vms", list.count), ("GET /v1/vms/1", "/v1/vms/1", one.count)] {
            let spinRun = try await Wrk.run(url: spinURL + path, token: Self.token, seconds: seconds, threads: threads, connections: connections)
            let bareRun = try await Wrk.run(url: bareURL + path, token: Self.token, seconds: seconds, threads: threads, connections: connections)
            if spinRun.errors + bareRun.errors > 0 { print("warning: \(label): \(spinRun.errors) spin and \(bareRun.errors) bare errors") }
            table.add([
                "\(label), \(bytes) bytes", formatRate(spinRun.requestsPerSecond), Self.ms(spinRun.p99),
                formatRate(bareRun.requestsPerSecond), Self.ms(bareRun.p99),
                String(format: "%.2f", spinRun.requestsPerSecond / bareRun.requestsPerSecond),
                String(format: "%.2f", bareRun.p99.seconds / spinRun.p99.seconds),
            ])
        }
        await bare.stop()
        await server.stop()
        await spin.close()
        print("wrk \(threads) threads, \(connections) connections, \(seconds) s per run, over TCP on 127.0.0.1 with the token")
        print(table.render(markdown: markdown))
        print("")
        print(try await ServerRSS.measure(directory: dir, vms: vms, token: Self.token).render(markdown: markdown))
    }

    /// `count` VMs like a small fleet's: a port forward, a cdrom, a label.
    static func defineVMs(_ registry: Registry, count: Int) throws {
        for index in 0..<count {
            try registry.createVM(VMSpec(
                name: "vm-\(index)", cpus: 2, memoryMiB: 1024,
                ports: [PortForward(guestPort: 22, hostAddress: "127.0.0.1", hostPort: 10_000 + index)],
                storage: [.cdrom(path: "/srv/iso/debian-12.iso")],
                labels: ["team": "core"]))
        }
    }

    /// A bare Hummingbird application answering the two routes with fixed bytes and the same
    /// content type as spin-server.
    static func bareApplication(port: Int, list: [UInt8], one: [UInt8], logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        let headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        router.get("/v1/vms") { _, _ in Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: list))) }
        router.get("/v1/vms/{id}") { _, _ in Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: one))) }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
    }

    static func ms(_ duration: Duration) -> String { String(format: "%.2f ms", duration.seconds * 1000) }
}

/// An application running in a service group of its own, stopped gracefully.
struct BenchService: Sendable {
    let group: ServiceGroup
    let task: Task<Void, any Error>

    static func start(_ app: some ApplicationProtocol, logger: Logger) -> BenchService {
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        return BenchService(group: group, task: Task { try await group.run() })
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
