import CSystemd

/// A client of one systemd manager (user or system) over D-Bus, built on sd-bus.
///
/// The actor runs on its own thread (``BusExecutor``), which owns the sd-bus connection: sd-bus
/// connections are not thread-safe. Jobs (`StartUnit`, `StopUnit`, …) are awaited until systemd
/// reports them removed; every wait has a timeout measured on the injected clock.
///
/// The manager may go away (restarted, re-executed, its user logged out). A dropped connection
/// is reopened on the next call; a call that failed because the connection dropped is retried
/// once on the new one when repeating it is harmless (everything but `RestartUnit` and
/// `KillUnit`), and property-change streams are re-subscribed. When no manager answers, calls
/// throw `.unavailable` naming where spin looked (see ``SystemdScope``).
///
/// ```swift
/// let systemd = try await SystemdManager.connect(scope: .user(runtimeDirectory: dir))
/// try await systemd.reload()
/// let result = try await systemd.startUnit("spin-1.service")   // .done
/// let status = try await systemd.status(of: "spin-1.service")
/// ```
public actor SystemdManager {
    static let destination = "org.freedesktop.systemd1"
    static let managerPath = "/org/freedesktop/systemd1"
    static let managerInterface = "org.freedesktop.systemd1.Manager"
    static let propertiesInterface = "org.freedesktop.DBus.Properties"

    nonisolated let executor: BusExecutor
    /// The manager this client talks to.
    public nonisolated let scope: SystemdScope
    /// The default limit for calls and job waits.
    public nonisolated let defaultTimeout: Duration
    let clock: any Clock<Duration>

    /// Operations in flight (method calls, job waits), completed exactly once.
    var inFlight: [UInt64: InFlight] = [:]
    /// Method replies still expected, by operation token.
    var replyHandlers: [UInt64: (OpaquePointer) -> Void] = [:]
    /// Job object paths being waited for, to the waiting operation.
    var jobWaiters: [String: UInt64] = [:]
    /// Property-change subscribers.
    var statusStreams: [UInt64: StatusStream] = [:]
    /// Long-lived match slots (JobRemoved, Disconnected), released on close.
    var managerSlots: [OpaquePointer] = []
    var nextToken: UInt64 = 0
    /// Set once ``close()`` closed the client for good.
    var closedReason: SpinError?
    /// A reconnection in progress, which concurrent callers share.
    var opening: Task<Result<Void, SpinError>, Never>?

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    init(executor: BusExecutor, scope: SystemdScope, clock: any Clock<Duration>, timeout: Duration) {
        self.executor = executor
        self.scope = scope
        self.clock = clock
        self.defaultTimeout = timeout
    }

    isolated deinit {
        // Runs on the bus thread: end the streams, drop the slots, then stop the thread.
        if closedReason == nil {
            shutDown(SpinError(.unavailable, "the systemd client was released"))
        }
        executor.shutdown()
    }

    /// Connects to a systemd manager and subscribes to its job and unit signals.
    ///
    /// - Parameters:
    ///   - scope: which manager, and how to reach it.
    ///   - clock: the clock that measures timeouts (tests may pass their own).
    ///   - timeout: the default limit for each call and job wait.
    /// - Throws: ``SpinError`` `.unavailable` when no manager answers there.
    public static func connect(
        scope: SystemdScope,
        clock: any Clock<Duration> = ContinuousClock(),
        timeout: Duration = .seconds(30)
    ) async throws(SpinError) -> SystemdManager {
        let manager = SystemdManager(executor: try BusExecutor(), scope: scope, clock: clock, timeout: timeout)
        do {
            try await manager.open()
        } catch {
            await manager.close()
            throw error
        }
        return manager
    }

    /// Whether a systemd manager answers at `scope` within `timeout`; used to pick a supervisor.
    public static func isReachable(_ scope: SystemdScope, timeout: Duration = .seconds(2)) async -> Bool {
        guard let manager = try? await connect(scope: scope, timeout: timeout) else { return false }
        let version = try? await manager.version()
        await manager.close()
        return version != nil
    }

    /// Closes the connection for good. Waiting operations fail with `.unavailable`; later calls
    /// throw (they do not reconnect).
    public func close() {
        guard closedReason == nil else { return }
        shutDown(SpinError(.unavailable, "the connection to the systemd \(scope) was closed"))
    }

    /// Fails everything in flight and releases the connection.
    func shutDown(_ reason: SpinError) {
        closedReason = reason
        for token in Array(inFlight.keys) { fail(token, reason) }
        for stream in statusStreams.values {
            for slot in stream.slots { sd_bus_slot_unref(slot) }
            stream.continuation.finish()
        }
        statusStreams.removeAll()
        for slot in managerSlots { sd_bus_slot_unref(slot) }
        managerSlots.removeAll()
        replyHandlers.removeAll()
        jobWaiters.removeAll()
        releaseConnection()
    }

    /// Detaches the sd-bus connection; the executor frees it once outside `sd_bus_process`.
    func releaseConnection() {
        executor.retireConnection()
    }

    /// The connection, or an error when it is closed or dropped.
    func connectedBus() throws(SpinError) -> OpaquePointer {
        if let closedReason { throw closedReason }
        guard let bus = executor.bus, sd_bus_is_open(bus) > 0 else {
            throw connectionLost("not connected")
        }
        return bus
    }

    func makeToken() -> UInt64 {
        nextToken += 1
        return nextToken
    }
}
