/// Why a QMP operation failed.
public enum QMPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The socket could not be opened, written or read (text from the OS).
    case transport(String)
    /// QEMU answered with an error (`{"error": {"class": …, "desc": …}}`).
    case commandFailed(class: String, desc: String)
    /// A line or a reply did not have the expected shape; `raw` is the offending text.
    case decoding(String, raw: String)
    /// The connection closed (QEMU exited or ``QMPClient/close()`` was called) before the
    /// reply arrived, or was already closed.
    case disconnected
    /// No answer within the allowed time.
    case timeout
    /// The request itself was not acceptable (e.g. `raw` text without `"execute"`).
    case invalidRequest(String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .transport(let message): "QMP transport error: \(message)"
        case .commandFailed(let errorClass, let desc): "QMP command failed (\(errorClass)): \(desc)"
        case .decoding(let message, let raw): "QMP reply could not be decoded (\(message)): \(raw)"
        case .disconnected: "QMP connection closed; QEMU is no longer running or the client was closed"
        case .timeout: "QMP command timed out"
        case .invalidRequest(let message): "invalid QMP request: \(message)"
        }
    }
}
