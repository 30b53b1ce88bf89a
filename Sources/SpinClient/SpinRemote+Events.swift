import Foundation
import OpenAPIRuntime
import SpinAPI
import SpinModel

/// Live events and host information.
extension SpinRemote {
    /// Live events from the server (``Spin/events(vmID:pollInterval:)``), until the server
    /// closes the stream or the caller stops iterating.
    /// - Parameter vm: only state changes of this VM (id or name).
    public func events(vm: String? = nil) async throws -> AsyncThrowingStream<SpinEvent, any Error> {
        let body = try await call { try await streamingClient.getEvents(query: .init(vm: vm)).ok.body.textEventStream }
        let decoded = body.asDecodedServerSentEventsWithJSONData(of: Components.Schemas.Event.self, decoder: EventStreamJSON.decoder())
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: SpinEvent.self)
        let task = Task {
            do {
                for try await message in decoded {
                    guard let data = message.data else { continue }
                    continuation.yield(try EventStreamJSON.decoder().decode(SpinEvent.self, from: EventStreamJSON.encoder().encode(data)))
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Whether the server answers, and its version.
    public func health() async throws -> String {
        try await call { try await client.getHealth().ok.body.json.version }
    }

    /// The server host's `doctor` report.
    public func host() async throws -> Components.Schemas.HostInfo {
        try await call { try await client.getHost().ok.body.json }
    }
}
