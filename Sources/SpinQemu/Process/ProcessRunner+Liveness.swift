import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension ProcessRunner {
    /// Whether `pid` is a live process: it exists and is not a zombie (a dead process that
    /// nobody has reaped yet still answers `kill(pid, 0)`, so that alone is not enough —
    /// this matters for a daemonized QEMU, which is not our child).
    public static func isAlive(pid: pid_t) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
        return state != "Z" && state != "X"
    }
}
