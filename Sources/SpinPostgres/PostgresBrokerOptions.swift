import SpinCore

/// How a ``PostgresBroker`` learns about changes made through other servers.
public struct PostgresBrokerOptions: Sendable {
    /// Whether to LISTEN for the `spin_broker` channel that every commit NOTIFYs. Off, or
    /// when the engine has no LISTEN (CockroachDB, some poolers), waiters poll instead.
    public var notifications: Bool
    /// How often a waiter looks again while no notification can arrive.
    public var pollInterval: Duration
    /// How often a waiter looks again even while notifications flow (a lost notification
    /// then costs at most this).
    public var idleRecheck: Duration
    /// How long finished packages are kept (as ``BrokerOptions/packageRetention``).
    public var packageRetention: Duration
    /// How old an open, never enqueued package must be to be reaped.
    public var abandonedPackageAge: Duration
    /// How often ``PostgresBroker/runMaintenance(onError:)`` prunes and reaps.
    public var maintenanceInterval: Duration

    /// Creates options.
    public init(
        notifications: Bool = true, pollInterval: Duration = .milliseconds(100), idleRecheck: Duration = .seconds(2),
        packageRetention: Duration = BrokerOptions.defaultPackageRetention, abandonedPackageAge: Duration = .seconds(3600),
        maintenanceInterval: Duration = .seconds(600)
    ) {
        self.notifications = notifications
        self.pollInterval = pollInterval
        self.idleRecheck = idleRecheck
        self.packageRetention = packageRetention
        self.abandonedPackageAge = abandonedPackageAge
        self.maintenanceInterval = maintenanceInterval
    }

    /// LISTEN/NOTIFY, polling every 100 ms while the listener is down.
    public static let `default` = PostgresBrokerOptions()
}
