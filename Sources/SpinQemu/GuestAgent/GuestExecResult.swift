import Foundation

/// The outcome of a command run in the guest with ``GuestAgentClient/exec(path:arguments:environment:input:captureOutput:timeout:)``.
public struct GuestExecResult: Sendable, Equatable {
    /// The exit code, when the process exited normally.
    public var exitCode: Int?
    /// The signal that ended it, when one did.
    public var signal: Int?
    /// What it wrote to stdout (empty unless output was captured).
    public var standardOutput: Data
    /// What it wrote to stderr (empty unless output was captured).
    public var standardError: Data
    /// Whether the agent cut stdout or stderr short (it keeps at most 16 MiB of each).
    public var truncated: Bool

    /// Creates a result.
    public init(exitCode: Int?, signal: Int? = nil, standardOutput: Data = Data(), standardError: Data = Data(), truncated: Bool = false) {
        self.exitCode = exitCode
        self.signal = signal
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.truncated = truncated
    }

    /// stdout as UTF-8 text (invalid bytes replaced).
    public var standardOutputText: String { String(decoding: standardOutput, as: UTF8.self) }
    /// stderr as UTF-8 text (invalid bytes replaced).
    public var standardErrorText: String { String(decoding: standardError, as: UTF8.self) }
}

/// The raw reply of `guest-exec-status`.
public struct GuestExecStatus: Sendable, Equatable, Decodable {
    /// Whether the process has ended (then the other fields are final).
    public var exited: Bool
    /// The exit code, after a normal exit.
    public var exitCode: Int?
    /// The signal number, when a signal ended it.
    public var signal: Int?
    /// Base64 of captured stdout.
    public var outData: String?
    /// Base64 of captured stderr.
    public var errData: String?
    /// Whether stdout was cut at the agent's limit.
    public var outTruncated: Bool?
    /// Whether stderr was cut at the agent's limit.
    public var errTruncated: Bool?

    enum CodingKeys: String, CodingKey {
        case exited, exitCode = "exitcode", signal, outData = "out-data", errData = "err-data"
        case outTruncated = "out-truncated", errTruncated = "err-truncated"
    }

    /// The decoded result.
    /// - Throws: ``GuestAgentError/decoding(_:raw:)`` if the output is not valid base64.
    public func result() throws -> GuestExecResult {
        func decode(_ text: String?, _ what: String) throws -> Data {
            guard let text else { return Data() }
            guard let data = Data(base64Encoded: text) else {
                throw GuestAgentError.decoding("\(what) of guest-exec-status is not base64", raw: text)
            }
            return data
        }
        return GuestExecResult(
            exitCode: exitCode, signal: signal,
            standardOutput: try decode(outData, "out-data"), standardError: try decode(errData, "err-data"),
            truncated: outTruncated == true || errTruncated == true)
    }
}
