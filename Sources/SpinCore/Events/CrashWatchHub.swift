import Foundation
import Synchronization

/// One ``CrashWatch`` per VM for all of a ``Spin``'s event streams: the direct supervisor's
/// `watch.sock` serves one client at a time, so streams that each armed their own watch would
/// queue behind the first and learn of a crash only from the slow sweep.
///
/// The first waiter for a VM arms the watch; later waiters share it; when the last waiter
/// leaves (cancelled), the watch is cancelled too.
final class CrashWatchHub: Sendable {
    private struct Entry {
        var generation: UUID
        var watch: Task<Void, Never>
        var waiters: [UUID: CheckedContinuation<Bool, Never>] = [:]
    }

    private let entries = Mutex<[UInt64: Entry]>([:])

    /// Waits until VM `id`'s qemu goes away (true), or the caller is cancelled (false).
    /// A watch that cannot be armed (the VM is not running) answers true at once: look now.
    func waitUntilGone(_ id: UInt64, spin: Spin) async -> Bool {
        let token = UUID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                register(id, token, continuation, spin: spin)
            }
        } onCancel: {
            leave(id, token)
        }
    }

    private func register(_ id: UInt64, _ token: UUID, _ continuation: CheckedContinuation<Bool, Never>, spin: Spin) {
        entries.withLock { entries in
            if entries[id] == nil {
                let generation = UUID()
                let watch = Task { [weak self] in
                    var gone = true
                    if let armed = try? await spin.armCrashWatch(String(id)) {
                        gone = await armed.wait() != nil
                    }
                    self?.finish(id, generation, gone: gone)
                }
                entries[id] = Entry(generation: generation, watch: watch)
            }
            entries[id]?.waiters[token] = continuation
        }
        // Cancelled before registering: the handler found nothing to resume, so leave now.
        if Task.isCancelled { leave(id, token) }
    }

    private func leave(_ id: UInt64, _ token: UUID) {
        let continuation = entries.withLock { entries -> CheckedContinuation<Bool, Never>? in
            guard let continuation = entries[id]?.waiters.removeValue(forKey: token) else { return nil }
            if entries[id]?.waiters.isEmpty == true {
                entries.removeValue(forKey: id)?.watch.cancel()
            }
            return continuation
        }
        continuation?.resume(returning: false)
    }

    /// The watch armed as `generation` ended; a newer watch of the same VM is left alone.
    private func finish(_ id: UInt64, _ generation: UUID, gone: Bool) {
        let waiters = entries.withLock { entries -> [CheckedContinuation<Bool, Never>] in
            guard entries[id]?.generation == generation else { return [] }
            return entries.removeValue(forKey: id)?.waiters.values.map { $0 } ?? []
        }
        for waiter in waiters { waiter.resume(returning: gone) }
    }
}
