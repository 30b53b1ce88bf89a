import Foundation
import Synchronization
@testable import SpinQemu

/// One request as a stub guest agent reads it.
struct AgentRequest: Sendable {
    /// The command.
    var execute: String
    /// The request's `id` member, if any.
    var id: JSON?
    /// The `arguments` member (`.null` when absent).
    var arguments: JSON
    /// Whether the line began with the 0xFF sentinel.
    var hadSentinel: Bool
}

extension StubPeer {
    /// Reads one request line; a leading 0xFF sentinel is noted and stripped. `nil` at EOF.
    func readAgentRequest() -> AgentRequest? {
        guard var line = readLine() else { return nil }
        let hadSentinel = line.hasPrefix("\u{FFFD}")  // 0xFF is not UTF-8: it decodes as U+FFFD.
        if hadSentinel { line.removeFirst() }
        guard let message = try? JSON(parsing: line), let execute = message["execute"]?.stringValue else {
            return readAgentRequest()
        }
        return AgentRequest(execute: execute, id: message["id"], arguments: message["arguments"] ?? .null, hadSentinel: hadSentinel)
    }

    /// Answers `guest-sync-delimited` as qemu-ga does: 0xFF, then `{"return": ID}`.
    func replySync(_ request: AgentRequest) {
        let id = request.arguments["id"]?.integerValue ?? -1
        send(bytes: [0xFF] + Array("{\"return\": \(id)}\n".utf8))
    }

    /// Sends `{"return": value, "id": …}` for `request`.
    func reply(_ request: AgentRequest, returning value: String) {
        send(#"{"return": \#(value)\#(idMember(request))}"#)
    }

    /// Sends `{"error": {"class": …, "desc": …}, "id": …}` for `request`.
    func reply(_ request: AgentRequest, errorClass: String, desc: String) {
        send(#"{"error": {"class": "\#(errorClass)", "desc": "\#(desc)"}\#(idMember(request))}"#)
    }

    private func idMember(_ request: AgentRequest) -> String {
        guard let id = request.id, let text = try? id.text() else { return "" }
        return ", \"id\": \(text)"
    }

    /// Serves until EOF: syncs are answered at once, everything else by `respond` (its
    /// result is the `return` value's JSON text; `nil` sends nothing). Every command is
    /// recorded in `log`.
    func serveAgent(log: CommandLog? = nil, _ respond: (AgentRequest) -> String?) {
        while let request = readAgentRequest() {
            log?.append(request.execute)
            if request.execute == "guest-sync-delimited" {
                replySync(request)
            } else if let value = respond(request) {
                reply(request, returning: value)
            }
        }
    }
}

/// The commands a stub agent saw, in order (shared between its thread and the test).
final class CommandLog: Sendable {
    private let entries = Mutex<[String]>([])
    func append(_ command: String) { entries.withLock { $0.append(command) } }
    var all: [String] { entries.withLock { $0 } }
}
