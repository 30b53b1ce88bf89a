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

    @Flag(name: .customLong("allow-networks"), help: "Let API callers create and delete managed networks (bridges, dnsmasq and nftables rules on this host; needs root).")
    public var allowNetworks = false

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

    @Option(name: .customLong("action-timeout"), help: "Seconds a request waits for its action's package; then 504 names the package, which goes on.")
    public var actionTimeoutSeconds: Int = 600

    @Option(name: .customLong("idle-timeout"), help: "Seconds a connection may sit idle (a request head or body that does not come, or none) before it is closed.")
    public var idleTimeoutSeconds: Int = 30

    @Option(name: .customLong("max-connections"), help: "The most connections open at once; more wait until one closes.")
    public var maxConnections: Int = ServerOptions.defaultMaxConnections

    @Option(
        name: .customLong("allow-path"),
        help: ArgumentHelp(
            "A host directory API callers may name paths in (volume directories, CD-ROMs, kernels, initrds); repeatable (default: the data root).",
            valueName: "DIR"))
    public var allowPaths: [String] = []

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
        guard (1...86400).contains(actionTimeoutSeconds) else { throw ValidationError("--action-timeout must be 1 to 86400 seconds") }
        guard (1...3600).contains(idleTimeoutSeconds) else { throw ValidationError("--idle-timeout must be 1 to 3600 seconds") }
        guard (1...65536).contains(maxConnections) else { throw ValidationError("--max-connections must be 1 to 65536") }
        for path in allowPaths where !path.hasPrefix("/") {
            throw ValidationError("--allow-path \"\(path)\" is not an absolute directory; give one such as /var/lib/spin")
        }
    }

    /// The roots API callers may name paths in: `--allow-path`, else the data root.
    public func allowedRoots(root: SpinRoot) -> AllowedRoots {
        AllowedRoots(allowPaths.isEmpty ? [root.path] : allowPaths)
    }

    /// Runs the server until SIGTERM/SIGINT, then lets in-flight requests finish.
    /// - Parameters:
    ///   - root: the data root.
    ///   - token: the bearer token for TCP; nil takes `$SPIN_TOKEN`, else the root's token file
    ///     (created when missing).
    ///   - fleetStore: opens the records and queue somewhere else than the root's LMDB store
    ///     (spin-server's `--store`, PostgreSQL); its `close` runs after the server drained.
    /// - Throws: `ExitCode` with the error's exit code after logging a ``SpinError``.
    public func run(root: SpinRoot, token: String?, fleetStore: FleetStoreOpener? = nil) async throws {
        // Whatever the server creates (socket, token, logs) is private to its user.
        umask(0o077)
        var logger = Logger(label: "spin-server")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        do {
            let serverOptions = try makeOptions(root: root, token: token)
            var spinOptions = SpinOptions(
                supervisor: try supervisorChoice(), runsAgents: !noAgents, broker: try brokerOptions(), agentDrainTimeout: .seconds(drainSeconds))
            try root.create()
            spinOptions.allowedPaths = allowedRoots(root: root)
            spinOptions.managesNetworks = allowNetworks
            spinOptions.actionTimeout = .seconds(actionTimeoutSeconds)
            let fleet = try await fleetStore?.open(logger)
            let spin: Spin
            do {
                spin = try await Spin.open(root: root, options: spinOptions, controlPlane: fleet?.controlPlane)
            } catch {
                await fleet?.close()
                throw error
            }
            // The store's owner keeps it bounded even when remote agents serve the queues.
            if noAgents { spin.startMaintenance() }
            let app = try SpinServer.makeApplication(spin: spin, options: serverOptions, logger: logger)
            logger.info("spin-server \(SpinVersion.current) serving root \(root.path) on \(serverOptions.listen) with \(fleet?.description ?? "the root's LMDB store"); callers may name paths under \(spinOptions.allowedPaths?.description ?? "/")")
            let autostart = Self.startAutostartVMs(spin, logger: logger)
            try await app.runService()
            autostart?.cancel()
            await spin.close()
            await fleet?.close()
        } catch let error as SpinError {
            logger.critical("\(error.message)")
            throw ExitCode(error.code.exitCode)
        }
    }

    /// Where to listen, with the token and TLS files.
    /// - Throws: ``SpinError`` `.invalidArgument` for a token that is too short (``ServerToken/minimumLength``) or a bad `--listen`.
    public func makeOptions(root: SpinRoot, token: String?) throws -> ServerOptions {
        // A bad --token is refused even on the unix socket, where it would go unused.
        if let token { _ = try ServerToken(checking: token, source: "--token") }
        var result = ServerOptions(
            listen: .unix(path: socket ?? ServerOptions.defaultSocketPath(root: root)), novncPath: novnc,
            idleTimeout: .seconds(idleTimeoutSeconds), maxConnections: maxConnections)
        if let listen {
            result.listen = try ServerOptions.parseListen(listen)
            try root.create()
            if let token {
                result.token = try ServerToken(checking: token, source: "--token")
            } else if let variable = ProcessInfo.processInfo.environment["SPIN_TOKEN"] {
                result.token = try ServerToken(checking: variable, source: "$SPIN_TOKEN")
            } else {
                let stored = try ServerToken.loadOrCreate(in: root)
                result.token = try ServerToken(checking: stored.value, source: "the token file \(ServerToken.path(in: root))")
            }
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
