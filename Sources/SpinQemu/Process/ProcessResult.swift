import Foundation

/// How a child process ended.
public enum ProcessTermination: Sendable, Equatable, CustomStringConvertible {
    /// The child called `exit` with this status.
    case exited(Int32)
    /// The child was killed by this signal.
    case signaled(Int32)

    /// `exit status N` or `killed by signal N`.
    public var description: String {
        switch self {
        case .exited(let status): "exit status \(status)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }

    /// Decodes a `waitpid(2)` status word.
    static func fromWaitStatus(_ status: Int32) -> ProcessTermination {
        let signal = status & 0x7f
        if signal == 0 { return .exited((status >> 8) & 0xff) }
        return .signaled(signal)
    }
}

/// Which output stream of a child a line came from.
public enum OutputStream: Sendable, Equatable {
    /// The child's stdout.
    case standardOutput
    /// The child's stderr.
    case standardError
}

/// What a finished child left behind.
public struct ProcessResult: Sendable, Equatable {
    /// How it ended.
    public var termination: ProcessTermination
    /// Everything it wrote to stdout.
    public var standardOutput: Data
    /// Everything it wrote to stderr.
    public var standardError: Data

    /// Creates a result.
    public init(termination: ProcessTermination, standardOutput: Data, standardError: Data) {
        self.termination = termination
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// stdout decoded as UTF-8 (invalid bytes replaced).
    public var standardOutputText: String { String(decoding: standardOutput, as: UTF8.self) }
    /// stderr decoded as UTF-8 (invalid bytes replaced).
    public var standardErrorText: String { String(decoding: standardError, as: UTF8.self) }
}

extension ProcessRunner {
    /// Why running a child failed.
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        /// `posix_spawn` (or a pipe or file it needed) failed with this errno.
        case spawnFailed(executable: String, errno: Int32)
        /// The child exited non-zero or died by a signal; carries what it wrote to stderr.
        case failed(
            executable: String, arguments: [String], termination: ProcessTermination,
            standardError: String)
        /// `waitpid` failed with this errno (not our child, or already reaped).
        case waitFailed(pid: Int32, errno: Int32)

        /// A one-line explanation naming the program.
        public var description: String {
            switch self {
            case .spawnFailed(let executable, let code):
                return "cannot start \(executable): \(String(cString: strerror(code)))"
            case .failed(let executable, _, let termination, let standardError):
                let detail = standardError.trimmingCharacters(in: .whitespacesAndNewlines)
                return "\(executable) failed (\(termination))" + (detail.isEmpty ? "" : ": \(detail)")
            case .waitFailed(let pid, let code):
                return "cannot wait for process \(pid): \(String(cString: strerror(code)))"
            }
        }
    }
}
