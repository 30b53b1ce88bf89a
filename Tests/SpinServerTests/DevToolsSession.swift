import Foundation
import HummingbirdWSClient
import Synchronization

/// Calls over one DevTools WebSocket: numbered JSON requests, answers matched by id (events
/// in between are skipped).
struct DevToolsSession {
    var messages: WebSocketInboundMessageStream.AsyncIterator
    let outbound: WebSocketOutboundWriter
    private var nextID = 0

    init(messages: WebSocketInboundMessageStream.AsyncIterator, outbound: WebSocketOutboundWriter) {
        self.messages = messages
        self.outbound = outbound
    }

    /// Sends `method` with `params` and returns the answer's `result`.
    mutating func call(_ method: String, _ params: [String: Any] = [:]) async throws -> [String: Any] {
        nextID += 1
        let request = try JSONSerialization.data(withJSONObject: ["id": nextID, "method": method, "params": params])
        try await outbound.write(.text(String(decoding: request, as: UTF8.self)))
        while let message = try await messages.next() {
            guard case .text(let text) = message,
                let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                object["id"] as? Int == nextID
            else { continue }
            if let error = object["error"] { throw FixtureError("DevTools \(method) failed: \(error)") }
            return object["result"] as? [String: Any] ?? [:]
        }
        throw FixtureError("the DevTools connection closed during \(method)")
    }

    /// Evaluates a JavaScript expression that gives a string.
    mutating func evaluate(_ expression: String) async throws -> String {
        let result = try await call("Runtime.evaluate", ["expression": expression, "returnByValue": true])
        return (result["result"] as? [String: Any])?["value"] as? String ?? ""
    }
}

/// The outcome, filled in from inside the `@Sendable` WebSocket handler.
final class OutcomeBox: Sendable {
    private let state = Mutex(HeadlessChromium.Outcome(report: "", screenshot: nil))
    var outcome: HeadlessChromium.Outcome { state.withLock { $0 } }
    func set(report: String) { state.withLock { $0.report = report } }
    func set(screenshot: Data?) { state.withLock { $0.screenshot = screenshot } }
}
