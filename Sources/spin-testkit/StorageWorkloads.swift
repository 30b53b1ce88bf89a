import Foundation
import SpinCore
import SpinStore

/// Storage-agent workloads run in a child process by SpinCoreTests.
enum StorageWorkloads {
    /// `storage-serve STORE LEASES LEASE_MS IDLE_MS [PAUSE_AT]`: serves the `storage` queue with
    /// a ``StorageAgent`` holding leases of LEASE_MS, printing `progress ID FRACTION` as copies
    /// advance, until the queue has been idle for IDLE_MS; then prints `ran N`.
    ///
    /// With PAUSE_AT (a fraction), once a copy reports at least that much this prints
    /// `paused ID FRACTION` and stops its whole process group — itself and its `qemu-img` —
    /// with SIGSTOP from inside the progress callback, so the copy can neither advance nor
    /// finish until the group is killed. A test can then SIGKILL it at a known point mid-copy
    /// however late it gets round to it: on a loaded machine a test polling for progress may
    /// only look after the whole copy (about a second) has finished.
    static func serve(_ arguments: [String]) async throws {
        guard arguments.count == 5 || arguments.count == 6, let leaseMillis = Int(arguments[3]), let idleMillis = Int(arguments[4]),
            arguments.count == 5 || Double(arguments[5]) != nil
        else {
            fail("usage: storage-serve STORE LEASES LEASE_MS IDLE_MS [PAUSE_AT]")
        }
        let pauseAt = arguments.count == 6 ? Double(arguments[5]) : nil
        let store = try Store(path: arguments[1])
        let broker = try Broker(store: store, leasePath: arguments[2], catalog: .with(StorageAgent.actionTypes),
                                options: BrokerOptions(idleRecheck: .milliseconds(200)))
        let lease = Duration.milliseconds(leaseMillis)
        // The store lives in the test's sandbox, which holds its volumes too.
        let sandbox = (arguments[1] as NSString).deletingLastPathComponent
        let agent = StorageAgent(scope: AllowedRoots([sandbox]), leaseRenewalInterval: lease / 3) { command, fraction in
            emit("progress \(command.uuidString) \(fraction)")
            if let pauseAt, fraction >= pauseAt {
                emit("paused \(command.uuidString) \(fraction)")
                kill(0, SIGSTOP)  // stays stopped until killed
            }
        }
        let runner = AgentRunner(broker: broker, agent: agent, leaseDuration: lease)
        var ran = 0
        while try await runner.runOnce(wait: .milliseconds(idleMillis)) != nil { ran += 1 }
        emit("ran \(ran)")
    }
}
