import Foundation
import SpinStore

extension Broker {
    /// Hands a lease back before it runs out: the command is ready again at once, for any
    /// agent in this process or another, instead of after the lease expires. An agent that
    /// stops (SIGTERM, ``AgentRunner`` cancelled) releases what it could not finish.
    ///
    /// Idempotent: releasing a lease that was already released, ran out and went to another
    /// agent, or whose command finished changes nothing and returns false.
    ///
    /// The lease table itself is not fsynced (a host crash voids every lease anyway); the
    /// release is followed by a durable commit to the main store that rewrites the command's
    /// queue entry unchanged, which wakes waiting agents in other processes at once.
    /// - Returns: whether this call released the lease.
    @discardableResult
    public func release(_ lease: Lease) throws -> Bool {
        let id = lease.command.id
        guard try leases.release(id, token: lease.token) else { return false }
        let command = try store.write { txn -> CommandRecord? in
            let command = try loadCommand(txn, id)
            guard command.state == .ready else { return nil }
            try txn.put(id.storeKeyBytes, forKey: Self.readyKey(resource: command.resource, order: command.order), in: txn.createDatabase(named: DB.ready))
            return command
        }
        if let command {
            published([.commandChanged(id: id, package: command.package, resource: command.resource, state: .ready)])
        }
        return true
    }
}
