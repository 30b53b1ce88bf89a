import Foundation
import SpinCore
import SpinQemu

/// The virtiofsd daemons alive for one data root, found in `/proc` by the `--socket-path=`
/// each was started with (a socket in one of the root's runtime directories).
enum FileShareProcesses {
    /// Live (not zombie) virtiofsd processes of `root` with their socket paths; a daemon is two
    /// processes (the launcher and its sandboxed child).
    static func processes(root: String) -> [(pid: Int32, socket: String)] {
        let prefix = "--socket-path=" + RuntimePaths(root: SpinRoot(explicit: root), vmID: 0).rootDirectory + "/"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> (pid: Int32, socket: String)? in
            guard let pid = Int32(entry), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard arguments.first == QemuVirtiofsd.defaultPath, let socket = arguments.first(where: { $0.hasPrefix(prefix) }),
                let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")"),
                let state = stat[stat.index(after: close)...].split(separator: " ").first, state != "Z" && state != "X"
            else { return nil }
            return (pid, String(socket.dropFirst("--socket-path=".count)))
        }
    }

    /// How many daemons (distinct sockets) run for `root`.
    static func count(root: String) -> Int { Set(processes(root: root).map(\.socket)).count }

    /// SIGKILLs every daemon of `root` (test cleanup).
    static func killAll(root: String) {
        for process in processes(root: root) { kill(process.pid, SIGKILL) }
    }
}
