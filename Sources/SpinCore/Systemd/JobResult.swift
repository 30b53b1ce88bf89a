/// How a systemd job ended, from the manager's `JobRemoved` signal.
public struct JobResult: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The result string systemd reported (`"done"`, `"failed"`, …).
    public let rawValue: String

    /// Creates a result from systemd's string.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The job finished successfully.
    public static let done = JobResult(rawValue: "done")
    /// The job was cancelled before it finished.
    public static let canceled = JobResult(rawValue: "canceled")
    /// The job's timeout passed.
    public static let timeout = JobResult(rawValue: "timeout")
    /// The job failed (the unit failed to start or stop).
    public static let failed = JobResult(rawValue: "failed")
    /// A required dependency failed.
    public static let dependency = JobResult(rawValue: "dependency")
    /// The job was not applicable (for example reloading a unit that is not running).
    public static let skipped = JobResult(rawValue: "skipped")

    /// Whether the job finished successfully.
    public var isDone: Bool { self == .done }

    public var description: String { rawValue }
}
