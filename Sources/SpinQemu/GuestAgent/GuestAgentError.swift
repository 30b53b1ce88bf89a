/// Why a guest agent operation failed.
public enum GuestAgentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The socket could not be opened, written or read (text from the OS).
    case transport(String)
    /// Nothing answered `guest-sync-delimited` in time: no agent runs in the guest (not
    /// installed, not started yet, or the guest is still booting), or the VM has no
    /// `org.qemu.guest_agent.0` channel.
    case notResponding
    /// The agent answered with an error (`{"error": {"class": …, "desc": …}}`), e.g.
    /// `CommandNotFound` for a command it does not know or that its admin disabled.
    case commandFailed(class: String, desc: String)
    /// A reply did not have the expected shape; `raw` is the offending text.
    case decoding(String, raw: String)
    /// The connection closed (QEMU exited or ``GuestAgentClient/close()`` was called).
    case disconnected
    /// The agent did not answer `command` within the allowed time. The next call
    /// resynchronizes the stream first, so a late reply cannot be mistaken for its own.
    case timeout(command: String)
    /// The request itself was not acceptable.
    case invalidRequest(String)

    /// A one-line explanation that names the way out.
    public var description: String {
        switch self {
        case .transport(let message): "guest agent transport error: \(message)"
        case .notResponding:
            "the guest agent does not answer; is qemu-guest-agent installed and running in the guest, "
                + "and does the VM have the org.qemu.guest_agent.0 channel?"
        case .commandFailed(let errorClass, let desc): "guest agent command failed (\(errorClass)): \(desc)"
        case .decoding(let message, let raw): "guest agent reply could not be decoded (\(message)): \(raw)"
        case .disconnected: "guest agent connection closed; QEMU is no longer running or the client was closed"
        case .timeout(let command): "guest agent did not answer \(command) in time"
        case .invalidRequest(let message): "invalid guest agent request: \(message)"
        }
    }
}
