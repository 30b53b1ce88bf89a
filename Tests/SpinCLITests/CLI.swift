import Foundation
import SpinTestSupport
import Testing

/// The built `spin` binary run against a temporary `--root`, as a user would run it.
struct CLI: Sendable {
    /// What one run produced.
    struct Result: Sendable, CustomStringConvertible {
        let status: Int32
        let stdout: String
        let stderr: String
        var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
    }

    /// The temporary directory; the data root is `<directory>/root`.
    let directory: String
    var root: String { directory + "/root" }
    /// A command that runs `spin` (e.g. `ip netns exec NS`, which execs it, so the pid is
    /// spin's); empty runs `spin` directly.
    var wrapper: [String] = []
    /// Variables every run adds to its environment (e.g. a private systemd manager's
    /// `XDG_RUNTIME_DIR`); a run's own `environment` wins.
    var environment: [String: String] = [:]

    /// The `spin` executable: `$SPIN_BINARY`, else next to the test bundle.
    static func binary() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["SPIN_BINARY"] { return explicit }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("spin").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw HarnessError("the spin binary was not found next to \(CommandLine.arguments[0]); build with swift build --build-tests or set SPIN_BINARY")
    }

    /// Runs `body` with a fresh root; removes it afterwards.
    static func with<T>(_ body: (CLI) async throws -> T) async throws -> T {
        var template = Array("/var/tmp/spin-clitest.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw HarnessError("mkdtemp failed") }
        // Searchable (not listable) by the unprivileged qemu user, as an operator would set it.
        chmod(made, 0o711)
        let cli = CLI(directory: String(cString: made))
        defer { try? FileManager.default.removeItem(atPath: cli.directory) }
        return try await body(cli)
    }

    /// A `spin ARGS` process, not yet started: this environment (without `SPIN_HOST`, 80
    /// columns) plus `environment`.
    func process(_ arguments: [String], environment: [String: String]) throws -> Process {
        let process = Process()
        if let tool = wrapper.first {
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = Array(wrapper.dropFirst()) + [try Self.binary()] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: try Self.binary())
            process.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        env["COLUMNS"] = "80"
        env.removeValue(forKey: "SPIN_HOST")
        for (key, value) in self.environment.merging(environment, uniquingKeysWith: { $1 }) { env[key] = value }
        process.environment = env
        return process
    }

    /// Runs `spin ARGS --root ROOT` and collects its output.
    @discardableResult
    func run(_ arguments: [String], stdin: String = "", environment: [String: String] = [:], root: Bool = true) throws -> Result {
        let process = try process(arguments + (root ? ["--root", self.root] : []), environment: environment)
        let id = UUID().uuidString
        let outPath = directory + "/out-\(id)", errPath = directory + "/err-\(id)"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        try? out.close()
        try? err.close()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return Result(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// Runs a command that must succeed and returns its standard output.
    @discardableResult
    func ok(_ arguments: [String], stdin: String = "", sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(arguments, stdin: stdin)
        #expect(result.status == 0, "spin \(arguments.joined(separator: " ")): \(result)", sourceLocation: sourceLocation)
        return result.stdout
    }

    /// Runs a command with `--format json` that must succeed and decodes its output.
    func json(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Any {
        let text = try ok(arguments + ["--format", "json"], sourceLocation: sourceLocation)
        return try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    /// Runs a command that must fail with `status`; returns its standard error.
    @discardableResult
    func fails(_ arguments: [String], _ status: Int32, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(arguments)
        #expect(result.status == status, "spin \(arguments.joined(separator: " ")): \(result)", sourceLocation: sourceLocation)
        return result.stderr
    }
}
