import Foundation

/// The broker order of the newest lifecycle command applied to a VM, kept beside its lock
/// (`ROOT/locks/vm-<id>.order`) and read and written only while the lock is held.
///
/// Lifecycle commands state what the VM should be (running, stopped, paused). When a command
/// is delivered late — its first agent was killed and its lease ran out — a newer command may
/// already have run; the late one is then superseded and succeeds without acting, so the VM
/// ends as the newest request says, as if the requests had run in the order they were made.
struct LifecycleOrder: Sendable {
    let path: String

    init(lock: VMLock) { path = lock.path + ".order" }

    /// The order recorded last, or nil when none was.
    func read() -> UInt64? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Records `order` (atomically: a reader never sees half a number).
    func write(_ order: UInt64) throws {
        try Data("\(order)\n".utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Whether a command of `order` is older than the newest one applied.
    func supersedes(_ order: UInt64) -> Bool {
        guard let last = read() else { return false }
        return order < last
    }
}
