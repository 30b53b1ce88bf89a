import Foundation

/// The qemu processes alive on this host for one VM, found by scanning `/proc` for command
/// lines that name the VM's runtime directory — whoever started them.
public enum QemuProcesses {
    /// Pids of live (not zombie) processes whose argv mentions `runtimeDirectory + "/qmp.sock"`.
    public static func pids(runtimeDirectory: String) -> [Int32] {
        let needle = runtimeDirectory + "/qmp.sock"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var found: [Int32] = []
        for entry in entries {
            guard let pid = Int32(entry),
                let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
                String(decoding: data, as: UTF8.self).contains(needle),
                let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let state = stat[stat.index(after: close)...].split(separator: " ").first
            if state != "Z" && state != "X" { found.append(pid) }
        }
        return found.sorted()
    }

    /// SIGKILLs every such process (test cleanup) and waits until they are gone.
    public static func killAll(runtimeDirectory: String) {
        for _ in 0..<200 {
            let pids = pids(runtimeDirectory: runtimeDirectory)
            if pids.isEmpty { return }
            for pid in pids { kill(pid, SIGKILL) }
            usleep(10_000)
        }
    }
}

extension QemuProcesses {
    /// The real, effective, saved and filesystem uids of `pid` (`Uid:` of `/proc/<pid>/status`).
    public static func uids(of pid: Int32) -> [UInt32]? {
        field("Uid", of: pid)?.split(whereSeparator: { $0 == "\t" || $0 == " " }).compactMap { UInt32($0) }
    }

    /// One field of `/proc/<pid>/status`, such as `NoNewPrivs` or `CapEff`.
    public static func field(_ name: String, of pid: Int32) -> String? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            return line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}
