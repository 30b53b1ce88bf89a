import Foundation
import Synchronization

/// A client for the QEMU guest agent (qemu-ga) over a unix socket: QEMU's chardev for the
/// virtio-serial port `org.qemu.guest_agent.0`, or qemu-ga's own `--method unix-listen` socket.
///
/// ```swift
/// let agent = try await GuestAgentClient.connect(path: "/run/spin/1/qga.sock")
/// try await agent.waitUntilReady(timeout: .seconds(120))   // the guest is booting
/// print(try await agent.hostName())                        // "web"
/// let result = try await agent.exec(path: "/bin/uname", arguments: ["-a"])
/// print(result.exitCode ?? -1, result.standardOutputText)
/// ```
///
/// The stream is resynchronized with `guest-sync-delimited` (a 0xFF sentinel before the
/// request, a random id, every reply before the one echoing that id discarded) before the
/// first call and after any call that did not get its reply (timeout, cancellation,
/// `guest-shutdown`), so stale replies can never be taken for fresh ones.
///
/// Calls are serialized (qemu-ga answers one request at a time anyway); any number of tasks
/// may call at once and each waits its turn. Every call has a timeout: when no agent answers
/// (not installed, not started, no channel), a call fails with
/// ``GuestAgentError/notResponding`` after the sync timeout instead of hanging.
public final class GuestAgentClient: Sendable {
    let connection: GuestAgentConnection
    let clock: any Clock<Duration>
    let syncTimeout: Duration
    let defaultTimeout: Duration
    private let gate = AsyncGate()
    private let needsSync = Mutex(true)
    private let nextID = Mutex(0)

    private init(connection: GuestAgentConnection, clock: any Clock<Duration>, syncTimeout: Duration, defaultTimeout: Duration) {
        self.connection = connection
        self.clock = clock
        self.syncTimeout = syncTimeout
        self.defaultTimeout = defaultTimeout
    }

    deinit { connection.close() }

    /// Connects to the agent's socket at `path`. Nothing is sent yet: the first call
    /// synchronizes, so connecting to a guest that is still booting succeeds.
    ///
    /// - Parameters:
    ///   - retryFor: how long to retry a socket that is not listening yet (`ENOENT`,
    ///     `ECONNREFUSED`; QEMU serves one client at a time on its chardev socket).
    ///   - syncTimeout: how long to wait for the `guest-sync-delimited` reply before a call
    ///     fails with ``GuestAgentError/notResponding``.
    ///   - commandTimeout: the default timeout of every command.
    ///   - clock: the clock for retries and timeouts (inject a test clock to avoid sleeping).
    public static func connect(
        path: String,
        retryFor: Duration = .seconds(5),
        syncTimeout: Duration = .seconds(3),
        commandTimeout: Duration = .seconds(30),
        clock: any Clock<Duration> = ContinuousClock()
    ) async throws -> GuestAgentClient {
        let fd: Int32
        switch try await UnixSocket.connect(path: path, retryingFor: retryFor, clock: clock) {
        case .success(let value): fd = value
        case .failure(let failure): throw GuestAgentError.transport(failure.message)
        }
        let connection = GuestAgentConnection(fd: fd)
        connection.start()
        return GuestAgentClient(connection: connection, clock: clock, syncTimeout: syncTimeout, defaultTimeout: commandTimeout)
    }

    /// Runs `command` and returns its `return` value.
    ///
    /// - Throws: ``GuestAgentError/notResponding`` when synchronizing fails,
    ///   ``GuestAgentError/commandFailed(class:desc:)`` when the agent answers with an error,
    ///   ``GuestAgentError/timeout(command:)`` after `timeout` (or the default),
    ///   ``GuestAgentError/disconnected`` when the connection closes first,
    ///   `CancellationError` if the task is cancelled.
    @discardableResult
    public func execute(_ command: String, arguments: JSON? = nil, timeout: Duration? = nil) async throws -> JSON {
        let reply = try await send(command, arguments: arguments, timeout: timeout ?? defaultTimeout)
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
            throw GuestAgentError.decoding("\(command) returned an unexpected shape: \(error)", raw: (try? value.text()) ?? "")
        }
    }

    /// Synchronizes if needed, sends one request and waits up to `timeout` for its reply.
    /// The stream counts as out of sync from the moment the request is written until its
    /// reply is read, so a timeout or a cancellation in between makes the next call resync.
    func send(_ command: String, arguments: JSON?, timeout: Duration) async throws -> JSON {
        let id = nextID.withLock { value -> String in
            value += 1
            return "spin-ga-\(value)"
        }
        var members: [String: JSON] = ["execute": .string(command), "id": .string(id)]
        if let arguments { members["arguments"] = arguments }
        let bytes = try Self.encode(members)
        let connection = self.connection
        return try await gate.withLock {
            if needsSync.withLock({ $0 }) { try await synchronize() }
            needsSync.withLock { $0 = true }
            let reply = try await withDeadline(timeout, clock: clock, timeoutError: GuestAgentError.timeout(command: command)) {
                try await connection.request(bytes, expecting: .reply(id: id))
            }
            needsSync.withLock { $0 = false }
            return reply
        }
    }

    /// `guest-sync-delimited` with a random id, preceded by a 0xFF byte so the agent drops
    /// whatever partial request an earlier client left; replies before ours are discarded.
    /// Call only while holding the gate.
    private func synchronize() async throws {
        let id = Int64.random(in: 1...(1 << 52))
        let bytes = [GuestAgentFrameSplitter.sentinel]
            + (try Self.encode(["execute": "guest-sync-delimited", "arguments": ["id": .integer(id)]]))
        let connection = self.connection
        _ = try await withDeadline(syncTimeout, clock: clock, timeoutError: GuestAgentError.notResponding) {
            try await connection.request(bytes, expecting: .sync(id))
        }
        needsSync.withLock { $0 = false }
    }

    /// One request as a line of JSON.
    static func encode(_ members: [String: JSON]) throws -> [UInt8] {
        do {
            return Array(try JSON.object(members).text().utf8) + [UInt8(ascii: "\n")]
        } catch {
            throw GuestAgentError.invalidRequest("cannot encode the request: \(error)")
        }
    }

    /// Extracts `return` from a reply, or throws its `error`.
    static func returnValue(of reply: JSON) throws -> JSON {
        if let value = reply["return"] { return value }
        if let error = reply["error"] {
            throw GuestAgentError.commandFailed(
                class: error["class"]?.stringValue ?? "GenericError",
                desc: error["desc"]?.stringValue ?? "")
        }
        throw GuestAgentError.decoding("reply has neither return nor error", raw: (try? reply.text()) ?? "")
    }

    /// Whether the connection has closed.
    public var isDisconnected: Bool { connection.isClosed }

    /// Closes the connection; a pending call fails with ``GuestAgentError/disconnected``.
    public func close() { connection.close() }
}
