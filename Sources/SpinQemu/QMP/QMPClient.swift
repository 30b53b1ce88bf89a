import Foundation

/// A client for QEMU's machine protocol over a unix socket.
///
/// ```swift
/// let qmp = try await QMPClient.connect(path: "/run/spin/1/qmp.sock")
/// print(qmp.version)                      // 7.2.22
/// let status = try await qmp.queryStatus()
/// for await event in qmp.events() where event.name == "SHUTDOWN" { break }
/// ```
///
/// Any number of tasks may call ``execute(_:arguments:timeout:)`` at once: each request gets a
/// unique id and its own reply. When the socket closes (QEMU exited, or ``close()``), every
/// pending call fails with ``QMPError/disconnected`` at once and every event stream finishes.
/// Dropping the last reference closes the connection.
public final class QMPClient: Sendable {
    /// QEMU's version from the greeting.
    public let version: QMPVersion
    /// Capabilities QEMU offered in the greeting (e.g. `"oob"`); none are enabled.
    public let capabilities: [String]

    let connection: QMPConnection
    let clock: any Clock<Duration>
    let defaultTimeout: Duration?

    private init(
        connection: QMPConnection, version: QMPVersion, capabilities: [String],
        clock: any Clock<Duration>, defaultTimeout: Duration?
    ) {
        self.connection = connection
        self.version = version
        self.capabilities = capabilities
        self.clock = clock
        self.defaultTimeout = defaultTimeout
    }

    deinit { connection.close() }

    /// Connects to the QMP socket at `path`, reads the greeting and negotiates capabilities.
    ///
    /// QEMU creates the socket file a moment before it listens, so `ENOENT` and
    /// `ECONNREFUSED` are retried every 2 ms for up to `retryFor`.
    ///
    /// - Parameters:
    ///   - retryFor: how long to keep retrying a socket that is not ready, and how long to
    ///     wait for the greeting.
    ///   - commandTimeout: the default timeout of every command (`nil`: wait until the reply or
    ///     the disconnect).
    ///   - clock: the clock for retries and timeouts (inject a test clock to avoid sleeping).
    public static func connect(
        path: String,
        retryFor: Duration = .seconds(5),
        commandTimeout: Duration? = nil,
        clock: any Clock<Duration> = ContinuousClock()
    ) async throws -> QMPClient {
        let fd = try await connectWithRetry(path: path, window: retryFor, clock: clock)
        let connection = QMPConnection(fd: fd)
        connection.start()
        do {
            let greeting = try await withTimeout(retryFor, clock: clock) { try await connection.greeting() }
            guard let version = QMPVersion(greeting: greeting) else {
                throw QMPError.decoding("greeting without a QEMU version", raw: (try? greeting.text()) ?? "")
            }
            let capabilities = greeting["QMP"]?["capabilities"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let client = QMPClient(
                connection: connection, version: version, capabilities: capabilities,
                clock: clock, defaultTimeout: commandTimeout)
            _ = try await client.execute("qmp_capabilities", timeout: retryFor)
            return client
        } catch {
            connection.close()
            throw error
        }
    }

    private static func connectWithRetry<C: Clock<Duration>>(
        path: String, window: Duration, clock: C
    ) async throws -> Int32 {
        let start = clock.now
        while true {
            do {
                return try UnixSocket.connect(path: path)
            } catch let failure {
                guard failure.isRetryable, start.duration(to: clock.now) < window else {
                    throw QMPError.transport(failure.message)
                }
            }
            try await clock.sleep(for: .milliseconds(2))
        }
    }

    /// Runs `command` and returns its `return` value.
    ///
    /// - Throws: ``QMPError/commandFailed(class:desc:)`` when QEMU answers with an error,
    ///   ``QMPError/disconnected`` when the connection closes first, ``QMPError/timeout`` after
    ///   `timeout` (or the connection's default), `CancellationError` if the task is cancelled.
    @discardableResult
    public func execute(_ command: String, arguments: JSON? = nil, timeout: Duration? = nil) async throws -> JSON {
        var members: [String: JSON] = ["execute": .string(command)]
        if let arguments { members["arguments"] = arguments }
        let message = members
        let connection = self.connection
        let reply = try await Self.withTimeout(timeout ?? defaultTimeout, clock: clock) {
            try await connection.send(message)
        }
        return try Self.returnValue(of: reply)
    }

    /// Runs `command` and decodes its `return` value as `T`.
    public func execute<T: Decodable>(
        _ command: String, arguments: JSON? = nil, as type: T.Type, timeout: Duration? = nil
    ) async throws -> T {
        let value = try await execute(command, arguments: arguments, timeout: timeout)
        do {
            return try value.decode(T.self)
        } catch {
            throw QMPError.decoding("\(command) returned an unexpected shape: \(error)", raw: (try? value.text()) ?? "")
        }
    }

    /// Extracts `return` from a reply, or throws its `error`.
    static func returnValue(of reply: JSON) throws -> JSON {
        if let value = reply["return"] { return value }
        if let error = reply["error"] {
            throw QMPError.commandFailed(
                class: error["class"]?.stringValue ?? "GenericError",
                desc: error["desc"]?.stringValue ?? "")
        }
        throw QMPError.decoding("reply has neither return nor error", raw: (try? reply.text()) ?? "")
    }

    /// Every event QEMU sends from now on; the stream finishes when the connection closes.
    /// Each call makes an independent subscriber.
    public func events() -> AsyncStream<QMPEvent> { connection.events() }

    /// Returns when the socket reaches EOF — for a QEMU process, when it exits.
    public func waitForDisconnect() async { await connection.waitForDisconnect() }

    /// Whether the connection has closed.
    public var isDisconnected: Bool { connection.isClosed }

    /// Closes the connection; pending calls fail with ``QMPError/disconnected``.
    public func close() { connection.close() }
}
