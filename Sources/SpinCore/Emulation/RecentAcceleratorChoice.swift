import SpinQemu
import Synchronization

/// The accelerator a VM that has not started would get, for status reports: the probe reads
/// `/proc/cpuinfo`, which costs ~0.5 ms on a small VM host, so a status asked for many
/// times a second reuses an answer a few seconds old. Starting a VM always probes afresh
/// (``LaunchPlanner/plan(for:volumes:images:daemonize:)``).
public final class RecentAcceleratorChoice: Sendable {
    private let probe: AcceleratorProbe
    private let maxAge: Duration
    private let answers = Mutex<[Accelerator: (choice: AcceleratorProbe.Choice, at: ContinuousClock.Instant)]>([:])

    /// Reuses `probe`'s answers for `maxAge`.
    public init(probe: AcceleratorProbe, maxAge: Duration = .seconds(5)) {
        self.probe = probe
        self.maxAge = maxAge
    }

    /// What `probe.choose(requested)` answered at most `maxAge` ago.
    public func choose(_ requested: Accelerator) -> AcceleratorProbe.Choice {
        let now = ContinuousClock.now
        if let recent = answers.withLock({ $0[requested] }), now - recent.at < maxAge {
            return recent.choice
        }
        let choice = probe.choose(requested)
        answers.withLock { $0[requested] = (choice, now) }
        return choice
    }
}
