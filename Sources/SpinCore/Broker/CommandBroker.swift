import Foundation

/// A durable command broker as the SDK uses it, whatever store holds it: ``Broker`` on LMDB
/// (one host, the embedded default) or `PostgresBroker` in SpinPostgres (a fleet of API
/// servers on one database). The contract is the same on both and one test suite checks it
/// against each:
///
/// - A package is open until enqueued, then succeeds when every command succeeded, or fails
///   naming the first command that failed; its commands' dependencies lie inside it.
/// - ``CommandQueue/next(resource:lease:wait:)`` leases the oldest ready command of a
///   resource whose dependencies all succeeded; a live lease is never handed out twice, an
///   expired one is handed out again (at-least-once delivery).
/// - Completion is idempotent and ignored from an agent whose lease was lost; a failure
///   cancels everything that depends on the command, directly or not.
/// - Every promise is durable when the call returns.
public protocol CommandBroker: CommandQueue {
    /// The actions commands may name; every command is checked against it when added.
    var catalog: ActionCatalog { get }

    /// Creates an empty, open package and returns its id.
    func newPackage() async throws -> UInt64

    /// Adds a command to an open package.
    /// - Throws: ``SpinError`` `.invalidArgument` for an unknown action, bad parameters or a
    ///   dependency outside the package; `.notFound` for a missing package;
    ///   `.failedPrecondition` when the package was already enqueued.
    @discardableResult
    func add(_ command: CommandDraft, to package: UInt64) async throws -> UUID

    /// Hands an open package's commands to their queues. Enqueuing twice is harmless.
    func enqueue(_ package: UInt64) async throws

    /// Creates, fills and enqueues a package in one durable commit and returns its id.
    func submit(_ commands: [CommandDraft]) async throws -> UInt64

    /// A package and every command's state; `leased` where a live lease holds the command.
    func status(package: UInt64) async throws -> PackageStatus

    /// One command as stored.
    func command(_ id: UUID) async throws -> CommandRecord

    /// Records a command's outcome without a lease (an operator's verdict, a cancelled
    /// caller). Completing a finished command again changes nothing.
    /// - Returns: whether this call changed anything.
    @discardableResult
    func complete(_ id: UUID, success: Bool, reason: String?, errorCode: String?) async throws -> Bool

    /// Waits until the package succeeds or fails and returns its final status.
    /// - Throws: ``SpinError`` `.timeout` when `timeout` passes first.
    func waitForPackage(_ id: UInt64, timeout: Duration) async throws -> PackageStatus

    /// Like ``submit(_:)``; a store that can share one durable commit among the submissions
    /// of concurrent callers does so (the LMDB ``Broker``).
    func submitGrouped(_ commands: [CommandDraft]) async throws -> UInt64

    /// Package and command changes from now on: on LMDB those this process makes, on
    /// PostgreSQL those of every server on the database. Finishes when the consumer stops.
    func events() -> AsyncStream<BrokerEvent>

    /// Prunes finished packages after their retention and reaps abandoned open ones, now and
    /// at the store's maintenance interval, until the task is cancelled. Safe from any number
    /// of processes at once.
    func runMaintenance(onError: @escaping @Sendable (any Error) -> Void) async
}

extension CommandBroker {
    /// Submits through ``submit(_:)``.
    public func submitGrouped(_ commands: [CommandDraft]) async throws -> UInt64 { try await submit(commands) }
}

extension Broker: CommandBroker {}
