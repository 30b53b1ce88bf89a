import Foundation
import SpinStore

/// How a ``Broker`` behaves.
public struct BrokerOptions: Sendable {
    /// Open packages older than this are removed by ``Broker/reapAbandonedPackages()``.
    public var abandonedPackageAge: Duration
    /// Finished packages (succeeded or failed) are pruned, with all their commands, this long
    /// after they finished (``Broker/pruneFinishedPackages(retention:)``).
    public var packageRetention: Duration
    /// How often a process that runs agents prunes and reaps (``Broker/maintain()``).
    public var maintenanceInterval: Duration
    /// Packages removed per write transaction while pruning or reaping.
    public var pruneBatchSize: Int
    /// The longest a waiting `next` sleeps before looking again when nothing wakes it (a
    /// safety net for clocks and lost notifications; waking is otherwise event-driven).
    public var idleRecheck: Duration
    /// How waiters learn of other processes' commits: inotify (long-lived processes: the
    /// server, remote agents) or polling the store's last transaction id (short commands, for
    /// which closing inotify would cost ~15 ms at exit). Default inotify.
    public var changeDetection: StoreWatcher.Mode = .inotify
    /// The wall clock, injectable for tests. Leases compare wall-clock time across processes.
    public var now: @Sendable () -> Date

    /// Creates options.
    public init(
        abandonedPackageAge: Duration = .seconds(3600),
        packageRetention: Duration = Self.defaultPackageRetention,
        maintenanceInterval: Duration = .seconds(600),
        pruneBatchSize: Int = 100,
        idleRecheck: Duration = .seconds(5),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.abandonedPackageAge = abandonedPackageAge
        self.packageRetention = packageRetention
        self.maintenanceInterval = maintenanceInterval
        self.pruneBatchSize = max(1, pruneBatchSize)
        self.idleRecheck = idleRecheck
        self.now = now
    }

    /// Seven days.
    public static let defaultPackageRetention: Duration = .seconds(7 * 24 * 3600)

    /// An hour for abandoned packages, seven days for finished ones, maintenance every ten
    /// minutes, five seconds between idle rechecks, the system clock.
    public static let `default` = BrokerOptions()

    /// The shortest retention an operator may set: a caller waiting for a package must see
    /// it finish before it goes.
    public static let minimumPackageRetention: Duration = .seconds(60)

    /// Reads a retention such as `7d`, `12h`, `30m` or `90s` (a bare number is seconds).
    /// - Throws: ``SpinError`` `.invalidArgument` for anything else, or less than a minute.
    public static func parseRetention(_ text: String) throws -> Duration {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var digits = Substring(text.trimmingCharacters(in: .whitespaces))
        var unit: Int64 = 1
        if let last = digits.last, let factor = units[last] {
            unit = factor
            digits = digits.dropLast()
        }
        guard let value = Int64(digits), value >= 0, value <= Int64.max / unit / 1000 else {
            throw SpinError(.invalidArgument, "package retention \"\(text)\" is not a duration; give a number with s, m, h or d, e.g. 7d")
        }
        let duration = Duration.seconds(value * unit)
        guard duration >= minimumPackageRetention else {
            throw SpinError(.invalidArgument, "package retention \(text) is under a minute; give at least 60s so callers see their packages finish")
        }
        return duration
    }
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

extension BrokerOptions {
    /// The environment variable that sets ``packageRetention`` for every spin process
    /// (`7d`, `12h`, …; see ``parseRetention(_:)``).
    public static let retentionVariable = "SPIN_PACKAGE_RETENTION"

    /// The defaults, with ``packageRetention`` from `$SPIN_PACKAGE_RETENTION` when it is set.
    /// - Throws: ``SpinError`` `.invalidArgument` when the variable is not a valid retention.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> BrokerOptions {
        var options = BrokerOptions.default
        if let text = environment[retentionVariable], !text.isEmpty {
            options.packageRetention = try parseRetention(text)
        }
        return options
    }
}
