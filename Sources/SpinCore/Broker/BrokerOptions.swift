import Foundation

/// How a ``Broker`` behaves.
public struct BrokerOptions: Sendable {
    /// Open packages older than this are removed by ``Broker/reapAbandonedPackages(now:)``.
    public var abandonedPackageAge: Duration
    /// The longest a waiting `next` sleeps before looking again when nothing wakes it (a
    /// safety net for clocks and lost notifications; waking is otherwise event-driven).
    public var idleRecheck: Duration
    /// The wall clock, injectable for tests. Leases compare wall-clock time across processes.
    public var now: @Sendable () -> Date

    /// Creates options.
    public init(
        abandonedPackageAge: Duration = .seconds(3600),
        idleRecheck: Duration = .seconds(5),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.abandonedPackageAge = abandonedPackageAge
        self.idleRecheck = idleRecheck
        self.now = now
    }

    /// An hour for abandoned packages, five seconds between idle rechecks, the system clock.
    public static let `default` = BrokerOptions()
}

extension Date {
    var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
