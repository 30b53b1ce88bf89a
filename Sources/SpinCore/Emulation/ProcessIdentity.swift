import Foundation

/// A process told apart from any later process that reuses its pid: the pid plus the kernel's
/// start time of the process (field 22 of `/proc/<pid>/stat`).
struct ProcessIdentity: Codable, Sendable, Equatable {
    var pid: Int32
    var startTime: UInt64

    /// The identity of the live process `pid`, or nil when there is none (or only a zombie).
    static func current(pid: Int32) -> ProcessIdentity? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name: state is field 3, starttime field 22.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, fields[0] != "Z", fields[0] != "X", let start = UInt64(fields[19]) else { return nil }
        return ProcessIdentity(pid: pid, startTime: start)
    }

    /// Whether this very process is still alive (not a zombie, not a reused pid).
    var isAlive: Bool { ProcessIdentity.current(pid: pid) == self }
}
