import ArgumentParser
import Foundation
import Logging
import SpinCore

/// The options and body of "run the server in the foreground", shared by `spin-server serve`
/// and `spin serve` so both behave the same. The data root and the bearer token are not here:
/// each command takes them with its own global options.
public struct ServeOptions: ParsableArguments {
    @Option(name: .long, help: "Listen on TCP HOST:PORT instead of the unix socket; requests then need the token.")
    public var listen: String?

    @Option(name: .long, help: "The unix socket path (default: ROOT/spin.sock).")
    public var socket: String?

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain: serve HTTPS on the TCP listener.")
    public var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for --tls-cert.")
    public var tlsKey: String?

    @Option(name: .long, help: "Where noVNC's files are (Debian's novnc package).")
    public var novnc: String = "/usr/share/novnc"

    @Flag(name: .customLong("no-agents"), help: "Do not serve the storage and emulation queues here (remote agents do).")
    public var noAgents = false

    @Option(name: .long, help: "The supervisor: auto, direct or systemd-system.")
    public var supervisor: String = "auto"

    @Option(name: .customLong("drain-seconds"), help: "On SIGTERM, how long a command in flight may still run before it is handed back.")
    public var drainSeconds: Int = 10

    @Option(
        name: .customLong("package-retention"),
        help: "How long finished packages are kept before they are pruned: 7d, 12h, 30m, 90s (default: $SPIN_PACKAGE_RETENTION, else 7d).")
    public var packageRetention: String?

    /// Creates the defaults (ArgumentParser fills them in).
    public init() {}

    public func validate() throws {
        if (tlsCertificate == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        if tlsCertificate != nil && listen == nil { throw ValidationError("TLS needs --listen HOST:PORT") }
        guard (0...3600).contains(drainSeconds) else { throw ValidationError("--drain-seconds must be 0 to 3600") }
        do {
            _ = try brokerOptions()
        } catch let error as SpinError {
            throw ValidationError("--package-retention: \(error.message)")
        }
        _ = try supervisorChoice()
    }

    /// Runs the server until SIGTERM/SIGINT, then lets in-flight requests finish.
    /// - Parameters:
    ///   - root: the data root.
    ///   - token: the bearer token for TCP; nil takes `$SPIN_TOKEN`, else the root's token file
    ///     (created when missing).
    /// - Throws: `ExitCode` with the error's exit code after logging a ``SpinError``.
    public func run(root: SpinRoot, token: String?) async throws {
        // Whatever the server creates (socket, token, logs) is private to its user.
        umask(0o077)
        var logger = Logger(label: "spin-server")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        do {
            let serverOptions = try makeOptions(root: root, token: token)
            let spin = try await Spin.open(root: root, options: SpinOptions(
                supervisor: try supervisorChoice(), runsAgents: !noAgents, broker: try brokerOptions(), agentDrainTimeout: .seconds(drainSeconds)))
            // The store's owner keeps it bounded even when remote agents serve the queues.
            if noAgents { spin.startMaintenance() }
            let app = try SpinServer.makeApplication(spin: spin, options: serverOptions, logger: logger)
            logger.info("spin-server \(SpinVersion.current) serving root \(root.path) on \(serverOptions.listen)")
            let autostart = Self.startAutostartVMs(spin, logger: logger)
            try await app.runService()
            autostart?.cancel()
            await spin.close()
        } catch let error as SpinError {
            logger.critical("\(error.message)")
            throw ExitCode(error.code.exitCode)
        }
    }

    /// Where to listen, with the token and TLS files.
    func makeOptions(root: SpinRoot, token: String?) throws -> ServerOptions {
        var result = ServerOptions(listen: .unix(path: socket ?? ServerOptions.defaultSocketPath(root: root)), novncPath: novnc)
        if let listen {
            result.listen = try ServerOptions.parseListen(listen)
            try root.create()
            let explicit = token ?? ProcessInfo.processInfo.environment["SPIN_TOKEN"]
            result.token = try explicit.map(ServerToken.init) ?? ServerToken.loadOrCreate(in: root)
        }
        if let tlsCertificate, let tlsKey {
            result.tls = .init(certificatePath: tlsCertificate, keyPath: tlsKey)
        }
        return result
    }

    /// Broker options: `--package-retention`, else `$SPIN_PACKAGE_RETENTION`, else the default.
    func brokerOptions() throws -> BrokerOptions {
        var options = try BrokerOptions.fromEnvironment()
        if let packageRetention { options.packageRetention = try BrokerOptions.parseRetention(packageRetention) }
        return options
    }

    func supervisorChoice() throws -> SpinOptions.SupervisorChoice {
        switch supervisor {
        case "auto": return .auto
        case "direct": return .direct
        case "systemd-system": return .systemd(scope: .system)
        default: throw ValidationError("--supervisor must be auto, direct or systemd-system")
        }
    }

    /// Under the direct supervisor, starts every autostart VM in the background (systemd
    /// starts enabled units itself). A VM that fails to start is logged; the server serves on.
    static func startAutostartVMs(_ spin: Spin, logger: Logger) -> Task<Void, Never>? {
        guard spin.supervisorKind == .direct else { return nil }
        return Task {
            for result in await spin.startAutostartVMs() {
                if let error = result.error {
                    logger.error("autostart VM \(result.vm.id) (\(result.vm.name)) did not start: \(error.message)")
                } else {
                    logger.info("autostart VM \(result.vm.id) (\(result.vm.name)) is running")
                }
            }
        }
    }
}
