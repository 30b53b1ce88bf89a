import Foundation
import OpenAPIRuntime
import SpinAPI
import ServiceLifecycle
import SpinCore

/// `/v1/events`: live events as Server-Sent Events — `event: <kind>` and `data: <JSON>` per
/// event, until the client goes away or the server shuts down.
extension APIHandler {
    func getEvents(_ input: Operations.GetEvents.Input) async throws -> Operations.GetEvents.Output {
        let vmID: UInt64? = try await call { if let ref = input.query.vm { try await spin.vm(ref).id } else { nil } }
        let events = spin.events(vmID: vmID, pollInterval: options.eventPollInterval)
            .map { event in
                ServerSentEventWithJSONData(event: event.kind.rawValue, data: Components.Schemas.Event(event))
            }
            .asEncodedServerSentEventsWithJSONData(encoder: EventStreamJSON.encoder())
        // A comment line first, so the response head goes out before the first event.
        let (bytes, continuation) = AsyncStream.makeStream(of: ArraySlice<UInt8>.self, bufferingPolicy: .bufferingNewest(4096))
        continuation.yield(ArraySlice(": spin events\n\n".utf8))
        // The stream ends when the server shuts down gracefully, so shutdown need not wait
        // for every watcher to hang up.
        let pump = Task {
            try? await cancelWhenGracefulShutdown {
                for try await chunk in events { continuation.yield(chunk) }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in pump.cancel() }
        return .ok(.init(body: .textEventStream(HTTPBody(bytes, length: .unknown, iterationBehavior: .single))))
    }
}
