import Foundation

/// A process told apart from any later process that reuses its pid: the pid plus the kernel's
/// start time of the process (field 22 of `/proc/<pid>/stat`).
struct ProcessIdentity: Codable, Sendable, Equatable {
    var pid: Int32
    var startTime: UInt64
    /// The boot the process ran in (``BootID``); nil in records written before it was kept.
    var bootID: String?

    /// The identity of the live process `pid`, or nil when there is none (or only a zombie).
    static func current(pid: Int32) -> ProcessIdentity? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name: state is field 3, starttime field 22.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, fields[0] != "Z", fields[0] != "X", let start = UInt64(fields[19]) else { return nil }
        return ProcessIdentity(pid: pid, startTime: start, bootID: nil)
    }

    /// Whether this very process is still alive (not a zombie, not a reused pid).
    var isAlive: Bool {
        guard let now = ProcessIdentity.current(pid: pid) else { return false }
        return now.pid == pid && now.startTime == startTime
    }

    /// Whether this record comes from an earlier boot than `currentBoot` (then its pid and
    /// start time mean nothing now). Records without a boot id are taken as this boot's.
    func isFromAnotherBoot(than currentBoot: String?) -> Bool {
        guard let bootID, let currentBoot else { return false }
        return bootID != currentBoot
    }
}
