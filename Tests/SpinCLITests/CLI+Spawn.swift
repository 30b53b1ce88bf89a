import Foundation
import SpinTestSupport

/// A `spin` command started in the background, so several can run at once or one can be
/// killed mid-way; ``wait()`` collects its outcome.
final class RunningCLI: @unchecked Sendable {
    private let process: Process
    private let outPath: String
    private let errPath: String
    /// The child's pid.
    let pid: Int32

    /// - Parameter root: whether `--root ROOT` is appended (a command whose last arguments
    ///   follow `--` gets it before the `--` instead).
    init(_ cli: CLI, _ arguments: [String], environment: [String: String], root: Bool = true) throws {
        let process = try cli.process(root ? cli.rooted(arguments) : arguments, environment: environment)
        let id = UUID().uuidString
        outPath = cli.directory + "/out-\(id)"
        errPath = cli.directory + "/err-\(id)"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? out.close()
        try? err.close()
        self.process = process
        pid = process.processIdentifier
    }

    /// Waits for the command to end and returns what it printed.
    func wait() -> CLI.Result {
        process.waitUntilExit()
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: outPath)
        try? FileManager.default.removeItem(atPath: errPath)
        let killed = process.terminationReason == .uncaughtSignal
        return CLI.Result(status: killed ? -process.terminationStatus : process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// SIGKILL.
    func kill() { _ = Glibc.kill(pid, SIGKILL) }
}

extension CLI {
    /// `arguments` with `--root ROOT` added after the options, before a `--` whose words follow
    /// it (`spin exec VM -- CMD…`), else at the end.
    func rooted(_ arguments: [String]) -> [String] {
        var result = arguments
        result.insert(contentsOf: ["--root", root], at: arguments.firstIndex(of: "--") ?? arguments.count)
        return result
    }

    /// Starts `spin ARGS --root ROOT` in the background.
    func spawn(_ arguments: [String], environment: [String: String] = [:], root: Bool = true) throws -> RunningCLI {
        try RunningCLI(self, arguments, environment: environment, root: root)
    }

    /// Runs every command at once, each in its own process; returns their outcomes in order.
    func concurrently(_ commands: [[String]], environment: [String: String] = [:]) throws -> [CLI.Result] {
        let running = try commands.map { try spawn($0, environment: environment) }
        return running.map { $0.wait() }
    }
}
