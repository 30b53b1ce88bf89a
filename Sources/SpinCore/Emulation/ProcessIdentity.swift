import Foundation

/// A process told apart from any later process that reuses its pid: the pid plus the kernel's
/// start time of the process (field 22 of `/proc/<pid>/stat`).
struct ProcessIdentity: Codable, Sendable, Equatable {
    var pid: Int32
    var startTime: UInt64
    /// The boot the process ran in (``BootID``); nil in records written before it was kept.
    var bootID: String?

    /// The identity of the live process `pid`, or nil when there is none (or only a zombie
    /// whose threads have all ended).
    static func current(pid: Int32) -> ProcessIdentity? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name: state is field 3, starttime field 22.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, fields[0] != "X", let start = UInt64(fields[19]) else { return nil }
        // A zombie is gone once it is the last of its threads: a multi-threaded process whose
        // main thread exited first still holds its files (sockets, image locks) until then.
        if fields[0] == "Z", threadCount(pid) <= 1 { return nil }
        return ProcessIdentity(pid: pid, startTime: start, bootID: nil)
    }

    /// How many threads `/proc/<pid>/task` still lists (a zombie leader counts itself).
    private static func threadCount(_ pid: Int32) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task").count) ?? 0
    }

    /// The command line of process `pid` (its argv), or nil when it cannot be read.
    static func arguments(pid: Int32) -> [String]? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return nil }
        return data.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether process `pid` was started with `option` followed by `value` on its command line.
    static func commandLine(of pid: Int32, has option: String, _ value: String) -> Bool {
        guard let arguments = arguments(pid: pid) else { return false }
        return zip(arguments, arguments.dropFirst()).contains { $0 == option && $1 == value }
    }

    /// The live process whose command line has `option` followed by `value`, found by
    /// scanning `/proc` (for the rare case where its pidfile is gone).
    static func find(commandLineHas option: String, _ value: String) -> ProcessIdentity? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for entry in entries {
            guard let pid = Int32(entry), commandLine(of: pid, has: option, value), let identity = current(pid: pid) else { continue }
            return identity
        }
        return nil
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
