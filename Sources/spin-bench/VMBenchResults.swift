import Foundation
import SpinCore

/// Everything one supervisor's run measured, in milliseconds.
struct VMBenchResults {
    var create = Samples()
    var spinRunning = Samples()
    var rawRunning = Samples()
    var spinReady = Samples()
    var rawReady = Samples()
    var forcedStop = Samples()
    var crashPolled = Samples()
    var crashPollCalls = Samples()
    var crashFirstSign = Samples()
    var crashEvent = Samples()
    var crashEventConfirmed = Samples()
    var delete = Samples()
    var agentRunning = Samples()
    var supervisorStarted = Samples()
    var supervisorRunning = Samples()

    func table(kind: SupervisorKind) -> BenchTable {
        var table = BenchTable(header: ["measure", "spin median ms", "spin min–max", "raw qemu median ms", "ratio", "goal"])
        func range(_ s: Samples) -> String { "\(formatMilliseconds(s.minimum))–\(formatMilliseconds(s.maximum))" }
        func row(_ name: String, _ s: Samples, raw: Samples? = nil, goal: String = "") {
            table.add([name, formatMilliseconds(s.median), range(s), raw.map { formatMilliseconds($0.median) } ?? "–",
                       raw.map { formatRatio(s.median / $0.median) } ?? "–", goal])
        }
        row("start → QMP running", spinRunning, raw: rawRunning, goal: "ratio ≤ 1.10")
        row("  breakdown: agent start() alone → running", agentRunning, raw: rawRunning)
        row("  breakdown: supervisor start() returns", supervisorStarted, raw: rawRunning)
        row("  breakdown: supervisor start() + 1 ms raw poll → running", supervisorRunning, raw: rawRunning)
        row("start → guest ready marker", spinReady, raw: rawReady)
        row("forced stop, stopVM(timeoutSeconds: 0)", forcedStop, goal: "≤ 50 ms")
        row("SIGKILL → status() says crashed (tight poll)", crashPolled, goal: "≤ 50 ms")
        if kind == .systemd {
            row("SIGKILL → first unit change (watch)", crashFirstSign)
            row("SIGKILL → unit failed (watch)", crashEvent, goal: "≤ 50 ms")
        } else {
            row("SIGKILL → watch.sock EOF (watch)", crashEvent, goal: "≤ 50 ms")
        }
        row("  watch, then status() says crashed", crashEventConfirmed, goal: "≤ 50 ms")
        row("delete (stopped VM, 16 MiB raw disk)", delete)
        row("create (same VM)", create)
        return table
    }

    func notes(kind: SupervisorKind) -> String {
        "status() calls per polled crash notice: median \(String(format: "%.0f", crashPollCalls.median))"
    }
}
