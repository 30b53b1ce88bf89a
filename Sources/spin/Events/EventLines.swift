import Foundation
import SpinCore

/// Live events as lines on standard output — one JSON object per line with `--format json` —
/// flushed one by one so a pipe sees each as it happens (`spin events`, `spin vm get --watch`).
enum EventLines {
    /// Prints each event `stream` delivers that `include` accepts, until the stream ends.
    /// - Throws: `.unavailable` when a server ends the stream (it shut down).
    static func follow(
        _ stream: AsyncThrowingStream<SpinEvent, any Error>, _ global: GlobalOptions,
        include: (SpinEvent) -> Bool = { _ in true }
    ) async throws {
        for try await event in stream where include(event) {
            try emit(event, global)
        }
        if let host = global.remoteHost {
            throw SpinError(.unavailable, "the spin server at \(host) ended the event stream (it is shutting down); run the command again once it is back")
        }
    }

    /// Prints one event as a line.
    static func emit(_ event: SpinEvent, _ global: GlobalOptions) throws {
        if global.json {
            let data = try Output.encoder(pretty: false).encode(event)
            Output.line(String(decoding: data, as: UTF8.self))
        } else {
            Output.line(text(event))
        }
    }

    /// `2025-05-01T10:00:00Z  VM 1  running (was starting)` and the like.
    static func text(_ event: SpinEvent) -> String {
        let time = event.time.formatted(.iso8601)
        switch event.kind {
        case .vmState:
            let was = event.previousState.map { " (was \($0))" } ?? ""
            return "\(time)  VM \(event.vmID.map(String.init) ?? "?")  \(event.state)\(was)"
        case .package:
            return "\(time)  package \(event.package.map(String.init) ?? "?")  \(event.state)"
        case .command:
            let command = event.command?.uuidString.lowercased() ?? "?"
            return "\(time)  command \(command) (\(event.resource ?? "?"), package \(event.package.map(String.init) ?? "?"))  \(event.state)"
        }
    }
}
