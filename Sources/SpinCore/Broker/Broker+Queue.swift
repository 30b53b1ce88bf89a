import Foundation
import SpinStore

extension Broker {
    /// Leases the oldest ready command of `resource`, or returns nil when none is ready.
    ///
    /// Commands still waiting for dependencies are not in the queue at all, so they never
    /// block the head of the line; finding the oldest ready one is a B-tree seek, not a scan.
    /// Commands leased by live agents are skipped; an expired lease makes its command
    /// available again (at-least-once delivery).
    public func next(resource: String, lease duration: Duration) throws -> Lease? {
        let now = options.now()
        let nowMillis = now.millisecondsSince1970
        return try leases.withLock { leaseTxn, leaseDB -> Lease? in
            let found = try store.read { txn -> CommandRecord? in
                guard let ready = try txn.database(named: DB.ready) else { return nil }
                var candidate: UUID?
                try txn.forEach(in: ready, range: .prefix(Self.readyPrefix(resource))) { _, value in
                    guard let id = UUID(storeKey: value) else { return true }
                    if try LeaseTable.live(leaseTxn, leaseDB, command: id, now: nowMillis) != nil { return true }
                    candidate = id
                    return false
                }
                return try candidate.map { try loadCommand(txn, $0) }
            }
            guard let command = found else { return nil }
            let token = UUID()
            let expires = nowMillis + duration.milliseconds
            let entry = LeaseTable.Entry(token: token, resource: resource, expiresAtMillis: expires)
            try leaseTxn.put(entry.bytes, forKey: command.id, in: leaseDB)
            var leased = command
            leased.state = .leased
            return Lease(command: leased, token: token, expiresAt: Date(timeIntervalSince1970: Double(expires) / 1000))
        }
    }

    /// Like ``next(resource:lease:)``, but waits up to `wait` for a command to become ready.
    /// Wakes on commits by any process and when a live lease of the resource runs out.
    public func next(resource: String, lease duration: Duration, wait: Duration) async throws -> Lease? {
        let clock = ContinuousClock()
        let deadline = clock.now + wait
        while true {
            try Task.checkCancellation()
            let seen = signal.generation
            if let lease = try next(resource: resource, lease: duration) { return lease }
            let remaining = deadline - clock.now
            guard remaining > .zero else { return nil }
            var sleep = min(remaining, options.idleRecheck)
            let nowMillis = options.now().millisecondsSince1970
            if let soonest = try leases.liveLeases(resource: resource, now: nowMillis).values.map(\.expiresAtMillis).min() {
                sleep = min(sleep, .milliseconds(max(1, soonest - nowMillis + 1)))
            }
            await signal.wait(after: seen, timeout: sleep)
        }
    }

    /// Extends a lease the caller still holds.
    /// - Throws: ``SpinError`` `.failedPrecondition` when the lease ran out and the command was
    ///   handed to someone else, or the command already finished.
    public func renew(_ lease: Lease, for duration: Duration) throws -> Lease {
        let nowMillis = options.now().millisecondsSince1970
        return try leases.withLock { txn, db in
            guard var entry = try txn.get(lease.command.id, in: db).flatMap(LeaseTable.Entry.init(bytes:)),
                entry.token == lease.token
            else {
                throw SpinError(.failedPrecondition, "lease on command \(lease.command.id) was lost; the command may run elsewhere")
            }
            entry.expiresAtMillis = nowMillis + duration.milliseconds
            try txn.put(entry.bytes, forKey: lease.command.id, in: db)
            var renewed = lease
            renewed.expiresAt = Date(timeIntervalSince1970: Double(entry.expiresAtMillis) / 1000)
            return renewed
        }
    }

    /// Records a command's outcome. Completing a finished command again changes nothing.
    ///
    /// Success makes dependents whose other dependencies also succeeded ready. Failure cancels
    /// every command that depends on this one, directly or not, and the package fails naming
    /// this command once its other commands finish. The outcome is on disk when this returns.
    /// - Returns: whether this call changed anything.
    @discardableResult
    public func complete(_ id: UUID, success: Bool, reason: String? = nil, errorCode: String? = nil) throws -> Bool {
        let now = options.now()
        let events = try store.write { txn in try applyCompletion(txn, id, success: success, reason: reason, errorCode: errorCode, now: now) }
        guard let events else { return false }
        finish([(.changed(true), events, [id])])
        return true
    }

    /// Records the outcome of a command run under `lease`, unless the lease was lost and
    /// another agent now holds the command (its outcome will count instead). Completions from
    /// concurrent agents are committed together, one fsync for the group.
    /// - Returns: whether this call changed anything.
    @discardableResult
    public func complete(_ lease: Lease, success: Bool, reason: String? = nil, errorCode: String? = nil) async throws -> Bool {
        let nowMillis = options.now().millisecondsSince1970
        let holder = try leases.read { txn, db in try LeaseTable.live(txn, db, command: lease.command.id, now: nowMillis) }
        if let holder, holder.token != lease.token { return false }
        guard case .changed(let changed) = try await grouped(.completion(id: lease.command.id, success: success, reason: reason, errorCode: errorCode)) else {
            return false
        }
        return changed
    }

    /// Applies one completion inside a write transaction; nil when the command had already
    /// finished.
    func applyCompletion(_ txn: WriteTransaction, _ id: UUID, success: Bool, reason: String?, errorCode: String? = nil, now: Date) throws -> [BrokerEvent]? {
        var command = try loadCommand(txn, id)
        guard !command.state.isTerminal else { return nil }
        guard command.state == .ready else {
            throw SpinError(.failedPrecondition, "command \(id) (\(command.resource).\(command.action)) is \(command.state.rawValue): it has not been handed to an agent yet")
        }
        try txn.delete(Self.readyKey(resource: command.resource, order: command.order), in: txn.createDatabase(named: DB.ready))
        command.state = success ? .succeeded : .failed
        command.reason = success ? reason : (reason ?? "failed without a reason")
        command.errorCode = success ? nil : errorCode
        command.finishedAt = now
        try save(txn, command)
        var package = try loadPackage(txn, command.package)
        package.remaining -= 1
        var events: [BrokerEvent] = [.commandChanged(id: id, package: package.id, resource: command.resource, state: command.state)]
        if success {
            events += try releaseDependents(txn, of: command)
        } else {
            if package.failure == nil {
                package.failure = PackageFailure(command: id, action: "\(command.resource).\(command.action)", reason: command.reason ?? "", errorCode: command.errorCode)
            }
            events += try cancelDependents(txn, of: command, package: &package, now: now)
        }
        if package.remaining == 0 {
            package.state = package.failure == nil ? .succeeded : .failed
            package.finishedAt = now
            try markFinished(txn, package)
            events.append(.packageChanged(id: package.id, state: package.state))
        }
        try save(txn, package)
        return events
    }

    /// Each command waiting on `command` has one dependency fewer; those with none left join
    /// their queue.
    private func releaseDependents(_ txn: WriteTransaction, of command: CommandRecord) throws -> [BrokerEvent] {
        let waiting = try txn.createDatabase(named: DB.waiting)
        let ready = try txn.createDatabase(named: DB.ready)
        var events: [BrokerEvent] = []
        for entry in try txn.entries(in: waiting, range: .prefix(command.id)) {
            try txn.delete(entry.key, in: waiting)
            guard let dependentID = UUID(storeKey: Array(entry.key.dropFirst(16))) else { continue }
            var dependent = try loadCommand(txn, dependentID)
            guard dependent.state == .pending else { continue }
            dependent.unmetDependencies -= 1
            if dependent.unmetDependencies == 0 {
                dependent.state = .ready
                try txn.put(dependentID.storeKeyBytes, forKey: Self.readyKey(resource: dependent.resource, order: dependent.order), in: ready)
                events.append(.commandChanged(id: dependentID, package: dependent.package, resource: dependent.resource, state: .ready))
            }
            try save(txn, dependent)
        }
        return events
    }

    /// Cancels everything downstream of a failed command.
    private func cancelDependents(_ txn: WriteTransaction, of failed: CommandRecord, package: inout PackageRecord, now: Date) throws -> [BrokerEvent] {
        let waiting = try txn.createDatabase(named: DB.waiting)
        var events: [BrokerEvent] = []
        var frontier = [failed.id]
        while let current = frontier.popLast() {
            for entry in try txn.entries(in: waiting, range: .prefix(current)) {
                try txn.delete(entry.key, in: waiting)
                guard let dependentID = UUID(storeKey: Array(entry.key.dropFirst(16))) else { continue }
                var dependent = try loadCommand(txn, dependentID)
                guard dependent.state == .pending else { continue }
                dependent.state = .cancelled
                dependent.reason = "cancelled: \(failed.resource).\(failed.action) (\(failed.id)) failed: \(failed.reason ?? "")"
                dependent.finishedAt = now
                try save(txn, dependent)
                package.remaining -= 1
                events.append(.commandChanged(id: dependentID, package: package.id, resource: dependent.resource, state: .cancelled))
                frontier.append(dependentID)
            }
        }
        return events
    }

    /// Waits until the package succeeds or fails and returns its final status.
    /// - Throws: ``SpinError`` `.timeout` when `timeout` passes first.
    public func waitForPackage(_ id: UInt64, timeout: Duration = .seconds(3600)) async throws -> PackageStatus {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            try Task.checkCancellation()
            let seen = signal.generation
            let record = try store.read { txn in try loadPackage(txn, id) }
            if record.state.isTerminal { return try status(package: id) }
            let remaining = deadline - clock.now
            guard remaining > .zero else {
                throw SpinError(.timeout, "package \(id) did not finish within \(timeout); spin package status \(id) shows where it is")
            }
            await signal.wait(after: seen, timeout: min(remaining, options.idleRecheck))
        }
    }
}
