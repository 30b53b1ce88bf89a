import Foundation
import Synchronization

/// Ends a fuzz run that outlives its time limit, on a thread of its own, so it acts even when
/// the test process's task pool is stuck: SIGINT to schemathesis (it prints its summary), then
/// SIGKILL to every qemu the run started (a blocked connect to a busy QMP socket returns) and,
/// after a grace period, to schemathesis.
final class FuzzWatchdog: Sendable {
    private let done = Atomic<Bool>(false)
    private let fired = Atomic<Bool>(false)

    /// Whether the limit passed before ``cancel()``.
    var didFire: Bool { fired.load(ordering: .acquiring) }

    /// Starts watching `pid`; `qemuDirectory` names the temporary directory whose qemus are killed.
    init(limit: Duration, pid: Int32, qemuDirectory: String) {
        let thread = Thread { [self] in
            let deadline = ContinuousClock.now + limit
            while ContinuousClock.now < deadline {
                if done.load(ordering: .acquiring) { return }
                Thread.sleep(forTimeInterval: 0.2)
            }
            fired.store(true, ordering: .releasing)
            kill(pid, SIGINT)
            _ = SchemathesisTests.killQemuProcesses(naming: qemuDirectory)
            for _ in 0..<50 where !done.load(ordering: .acquiring) { Thread.sleep(forTimeInterval: 0.2) }
            if !done.load(ordering: .acquiring) { kill(pid, SIGKILL) }
        }
        thread.start()
    }

    /// The run ended: stand down.
    func cancel() { done.store(true, ordering: .releasing) }
}
