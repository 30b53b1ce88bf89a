import ArgumentParser
import Foundation
import SpinCore

/// `spin exec VM -- CMD…`: run a command in the guest through its agent.
struct Exec: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command in a running VM through its guest agent; prints its output and exits with its exit code.",
        discussion: """
            The guest needs qemu-guest-agent running (cloud images usually have it; spin gives \
            every VM the agent's channel). The command runs without a shell, as the agent's \
            user (root); argv[0] is looked up on the agent's PATH. Its stdout and stderr are \
            written to spin's once it ends; the exit code is its own (128 + N when signal N \
            ended it). The agent cannot stop a command, so one that outlives --timeout keeps \
            running in the guest. With --format json: {"exitCode", "signal", "stdout", "stderr", \
            "encoding", "truncated"}, stdout and stderr as text, or both base64 when either is \
            not UTF-8.
            Example: spin exec web -- systemctl is-system-running
            Example: echo hello | spin exec web --stdin -- cat
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The VM's id or name.") var vm: String
    @Option(help: "Seconds the command may run, 1 to 3600 (default 300).") var timeout: Int?
    @Flag(name: [.customShort("i"), .long], help: "Pass spin's standard input to the command (read to its end first; at most 256 KiB).") var stdin = false
    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.") var command: [String] = []

    func validate() throws {
        if command.isEmpty { throw ValidationError("give the command after --, e.g. spin exec \(vm) -- uname -a") }
    }

    func run() async throws {
        let input = stdin ? FileHandle.standardInput.readDataToEndOfFile() : nil
        let request = GuestCommand(argv: command, stdin: input, timeoutSeconds: timeout)
        let result = try await global.withBackend(agents: false) { backend in try await backend.exec(vm, request) }
        if global.json {
            print(try Output.json(ExecOutput(result)))
        } else {
            FileHandle.standardOutput.write(result.stdout)
            FileHandle.standardError.write(result.stderr)
            if result.truncated { Output.error("spin exec: the guest agent cut the output at its 16 MiB limit") }
        }
        let status = result.shellStatus
        if status != 0 { throw ExitCode(status) }
    }
}

/// `spin exec --format json`'s document, the API's `ExecResult`.
struct ExecOutput: Encodable {
    var exitCode: Int?
    var signal: Int?
    var stdout: String
    var stderr: String
    var encoding: String
    var truncated: Bool

    init(_ result: GuestCommandResult) {
        exitCode = result.exitCode
        signal = result.signal
        truncated = result.truncated
        if let out = String(data: result.stdout, encoding: .utf8), let err = String(data: result.stderr, encoding: .utf8) {
            (stdout, stderr, encoding) = (out, err, "text")
        } else {
            (stdout, stderr, encoding) = (result.stdout.base64EncodedString(), result.stderr.base64EncodedString(), "base64")
        }
    }
}
