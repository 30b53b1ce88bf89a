import Foundation
import SpinTestSupport

/// Drives `spin console` on a real pseudo-terminal inside a private tmux server: types a line,
/// presses Ctrl-], and returns what the pane showed. `arguments` go after the command's own
/// (e.g. `--host`).
enum TmuxConsole {
    /// The transcript, or nil when tmux is not installed (scripts/install-deps installs it).
    static func run(cli: CLI, vm: String, typing line: String, arguments extra: [String] = []) async throws -> String? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else { return nil }
        let socket = "spin-clitest-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let binary = try CLI.binary()
        let script = cli.directory + "/console.sh"
        // The pane runs a script file: arguments stay arguments, nothing is parsed by a shell string.
        let body = "#!/bin/sh\nbinary=$1 vm=$2 root=$3\nshift 3\n\"$binary\" console \"$vm\" --root \"$root\" \"$@\"\necho CONSOLE-EXIT-$?\nexec sleep 5\n"
        try body.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        defer { _ = try? tmux(socket, ["kill-server"]) }
        try tmux(socket, ["new-session", "-d", "-s", "console", "-x", "160", "-y", "40", script, binary, vm, cli.root] + extra)
        _ = await Loopback.waitUntil(timeout: .seconds(10)) { (try? capture(socket))?.contains("Ctrl-] to detach") == true }
        try tmux(socket, ["send-keys", "-t", "console", "-l", line])
        try tmux(socket, ["send-keys", "-t", "console", "Enter"])
        _ = await Loopback.waitUntil(timeout: .seconds(15)) {
            ((try? capture(socket)) ?? "").components(separatedBy: line.replacingOccurrences(of: "echo ", with: "")).count > 2
        }
        try tmux(socket, ["send-keys", "-t", "console", "C-]"])
        _ = await Loopback.waitUntil(timeout: .seconds(10)) { (try? capture(socket))?.contains("CONSOLE-EXIT-") == true }
        return try capture(socket)
    }

    private static func capture(_ socket: String) throws -> String {
        try tmux(socket, ["capture-pane", "-p", "-t", "console", "-S", "-100"])
    }

    /// Runs tmux with posix_spawn, every descriptor but 0-2 closed in the child: the server tmux forks
    /// would otherwise keep inherited descriptors (pipes, Foundation's process-watch sockets)
    /// open for ever, and whoever waits on them would hang.
    @discardableResult
    private static func tmux(_ socket: String, _ arguments: [String]) throws -> String {
        let outPath = NSTemporaryDirectory() + "/\(socket)-\(UUID().uuidString).out"
        defer { try? FileManager.default.removeItem(atPath: outPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap(Int32.init) where fd > 2 && fcntl(fd, F_GETFD) >= 0 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
        let argv = ["tmux", "-L", socket] + arguments
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/usr/bin/tmux", &actions, nil, &cArguments, environ)
        guard spawned == 0 else { throw HarnessError("posix_spawn tmux: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    }
}

/// A TCP listener on 127.0.0.1 holding a port, to make it unavailable.
final class Listener: Sendable {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 1) == 0 else { throw HarnessError("cannot hold port \(port)") }
    }

    func close() { _ = Glibc.close(fd) }
}
