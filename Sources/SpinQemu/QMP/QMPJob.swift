/// A background job of QEMU as `query-jobs` describes it (`snapshot-save`, `snapshot-load`,
/// `snapshot-delete`, block jobs).
public struct QMPJob: Sendable, Equatable, Decodable {
    /// The job's id, chosen by whoever started it.
    public var id: String
    /// Its kind, e.g. `"snapshot-save"`.
    public var type: String
    /// Its state: `created`, `running`, `paused`, `ready`, `waiting`, `pending`, `aborting`,
    /// `concluded`, `null`.
    public var status: String
    /// Why it failed, once concluded; nil when it succeeded.
    public var error: String?

    /// Creates a description.
    public init(id: String, type: String, status: String, error: String? = nil) {
        self.id = id
        self.type = type
        self.status = status
        self.error = error
    }

    /// Whether the job has ended (successfully or not) and waits to be dismissed.
    public var isConcluded: Bool { status == "concluded" || status == "null" }
}
