import CSystemd

/// A client of one systemd manager (user or system) over D-Bus, built on sd-bus.
///
/// The actor runs on its own thread (``BusExecutor``), which owns the sd-bus connection: sd-bus
/// connections are not thread-safe. Jobs (`StartUnit`, `StopUnit`, …) are awaited until systemd
/// reports them removed; every wait has a timeout measured on the injected clock.
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
    /// Set once the connection is closed or lost.
    var closedReason: SpinError?

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

    /// Closes the connection. Waiting operations fail with `.unavailable`; later calls throw.
    public func close() {
        guard closedReason == nil else { return }
        shutDown(SpinError(.unavailable, "the connection to the systemd \(scope) was closed"))
    }

    /// Fails everything in flight and releases the connection.
    func shutDown(_ reason: SpinError, releasingConnection: Bool = true) {
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
        if releasingConnection { releaseConnection() }
    }

    /// Closes and frees the sd-bus connection (never from inside an sd-bus callback).
    func releaseConnection() {
        guard let bus = executor.bus else { return }
        executor.bus = nil
        sd_bus_flush_close_unref(bus)
    }

    /// The connection, or an error when it is closed.
    func connectedBus() throws(SpinError) -> OpaquePointer {
        if let closedReason { throw closedReason }
        guard let bus = executor.bus else {
            throw SpinError(.unavailable, "not connected to the systemd \(scope)")
        }
        return bus
    }

    func makeToken() -> UInt64 {
        nextToken += 1
        return nextToken
    }
}
