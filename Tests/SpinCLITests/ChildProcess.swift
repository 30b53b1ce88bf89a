import Foundation
import SpinTestSupport
import Synchronization
import Testing

/// A long-running `spin` child (a server, `spin events`, `spin vm get --watch`): its output is
/// collected as it comes, and ``stop()`` ends it by its PID (SIGTERM, then SIGKILL).
final class ChildProcess {
    /// What the child printed, filled by a reader thread.
    private final class Collected: Sendable {
        let text = Mutex("")
    }

    private let process: Process
    private let output = Collected()
    /// The child's PID.
    let pid: Int32

    /// Starts `spin ARGS`; standard output and error are both collected.
    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try CLI.binary())
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "SPIN_HOST")
        env.removeValue(forKey: "SPIN_TOKEN")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        pid = process.processIdentifier
        let handle = pipe.fileHandleForReading
        let output = output
        Thread.detachNewThread {
            while true {
                let data = handle.availableData
                if data.isEmpty { return }
                output.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
        }
    }

    /// Everything the child printed so far.
    var text: String { output.text.withLock { $0 } }

    /// The complete lines printed so far.
    var lines: [String] {
        let text = text
        guard let last = text.lastIndex(of: "\n") else { return [] }
        return text[..<last].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Waits until a complete line satisfies `match`; returns it, or nil after `timeout`.
    func waitForLine(timeout: Duration = .seconds(30), _ match: @escaping (String) -> Bool) async -> String? {
        var found: String?
        _ = await Loopback.waitUntil(timeout: timeout, every: .milliseconds(50)) {
            found = lines.first(where: match)
            return found != nil
        }
        return found
    }

    /// Ends the child: SIGTERM, then SIGKILL if it is still there after `grace`; waits for it.
    func stop(grace: Duration = .seconds(3)) {
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }
}
