import Foundation

extension EmulationAgent {
    /// The host-wide lock of VM `id`.
    public func lock(_ id: UInt64) -> VMLock { VMLock(root: planner.root, vmID: id) }

    /// Runs `body` holding VM `id`'s lock: one change per VM at a time, across processes. The
    /// command's lease is checked once the lock is held (the wait may have been long); stops
    /// check it again before each signal.
    func serialized(_ id: UInt64, _ context: CommandContext, _ body: () async throws -> Void) async throws {
        try await lock(id).withLock {
            try await context.renewLease()
            try await body()
        }
    }

    /// Runs a lifecycle change under the VM's lock, unless a newer lifecycle command was
    /// applied already: then this one is superseded and succeeds without acting (see
    /// ``LifecycleOrder``). The order is recorded before acting, so a redelivery of the same
    /// command after a crash still runs.
    func lifecycle(_ id: UInt64, _ context: CommandContext, _ body: () async throws -> Void) async throws {
        let lock = lock(id)
        try await serialized(id, context) {
            let order = LifecycleOrder(lock: lock)
            if order.supersedes(context.command.order) { return }
            try order.write(context.command.order)
            try await body()
        }
    }

    /// Deletes VM `id`'s record; refuses while its qemu is alive; success when already gone.
    public func forget(_ id: UInt64) async throws {
        let state = try await status(id).state
        guard state == .stopped || state == .crashed else {
            throw SpinError(.failedPrecondition, "VM \(id) is \(state.rawValue); stop it first with spin stop \(id)")
        }
        do {
            _ = try await registry.deleteVM(String(id))
        } catch let error as SpinError where error.code == .notFound {
            return
        }
    }

    /// Forgets an image's record (its file is gone); success if the record is already gone.
    public func forgetImage(volume: String, name: String) async throws {
        do {
            _ = try await registry.deleteImage(volume: volume, name: name)
        } catch let error as SpinError where error.code == .notFound {
            return
        }
    }
}
