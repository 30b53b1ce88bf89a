import Foundation
import SpinStore

/// A package written inside a caller's write transaction, to announce once it commits.
public struct StagedSubmission: Sendable {
    /// The package's id.
    public let package: UInt64
    let events: [BrokerEvent]
}

extension Broker {
    /// Validates, creates, fills and enqueues a package inside `txn`, a write transaction of
    /// the same store that the caller also uses for the records the package carries out (a
    /// new VM, say). Both commit together or not at all, so a process killed between the two
    /// can never leave a record that no package will ever complete. Call ``announce(_:)``
    /// after the transaction commits.
    public func submit(_ commands: [CommandDraft], in txn: WriteTransaction) throws -> StagedSubmission {
        for command in commands {
            try catalog.validate(resource: command.resource, action: command.action, parameters: command.parameters)
        }
        let (id, events) = try submit(txn, commands, now: options.now())
        return StagedSubmission(package: id, events: events)
    }

    /// Wakes this process's waiters and agents for a package whose transaction committed
    /// (other processes see the commit through their store watchers).
    public func announce(_ staged: StagedSubmission) {
        published(staged.events)
    }
}
