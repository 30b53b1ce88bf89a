import Foundation

/// A command to run in a guest through its agent (`spin exec`, `POST /v1/vms/{ref}/exec`):
/// an argv (no shell; `argv[0]` is looked up on the agent's `PATH`), optional stdin and a
/// timeout. JSON: `{"argv":["uname","-a"],"stdin":"…base64…","timeoutSeconds":60}` (in the
/// HTTP API stdin is text or base64, see the document).
public struct GuestCommand: Sendable, Codable, Equatable {
    /// The program and its arguments.
    public var argv: [String]
    /// Bytes fed to the program's stdin; nil: none.
    public var stdin: Data?
    /// How long the command may run (``ServiceLimits/execTimeoutSeconds``); nil: 300 s.
    public var timeoutSeconds: Int?

    /// The timeout when none is given.
    public static let defaultTimeoutSeconds = 300

    /// Creates a command.
    public init(argv: [String], stdin: Data? = nil, timeoutSeconds: Int? = nil) {
        self.argv = argv
        self.stdin = stdin
        self.timeoutSeconds = timeoutSeconds
    }
}

/// What a command run in the guest did.
public struct GuestCommandResult: Sendable, Codable, Equatable {
    /// Its exit code, when it exited.
    public var exitCode: Int?
    /// The signal that ended it, when one did.
    public var signal: Int?
    /// What it wrote to stdout.
    public var stdout: Data
    /// What it wrote to stderr.
    public var stderr: Data
    /// Whether the agent cut stdout or stderr short (it keeps at most 16 MiB of each).
    public var truncated: Bool

    /// Creates a result.
    public init(exitCode: Int?, signal: Int? = nil, stdout: Data = Data(), stderr: Data = Data(), truncated: Bool = false) {
        self.exitCode = exitCode
        self.signal = signal
        self.stdout = stdout
        self.stderr = stderr
        self.truncated = truncated
    }

    /// The exit status a shell would give: the exit code, else 128 + the signal.
    public var shellStatus: Int32 {
        if let exitCode { return Int32(truncatingIfNeeded: exitCode) }
        if let signal { return 128 + Int32(truncatingIfNeeded: signal) }
        return 1
    }
}
