import Foundation
import OpenAPIRuntime
import SpinAPI
import SpinCore

/// `/v1/events`: live events as Server-Sent Events — `event: <kind>` and `data: <JSON>` per
/// event, until the client goes away or the server shuts down.
extension APIHandler {
    func getEvents(_ input: Operations.GetEvents.Input) async throws -> Operations.GetEvents.Output {
        let vmID = try await call { try input.query.vm.map { try spin.vm($0).id } }
        let events = spin.events(vmID: vmID, pollInterval: options.eventPollInterval)
            .map { event in
                ServerSentEventWithJSONData(event: event.kind.rawValue, data: Components.Schemas.Event(event))
            }
            .asEncodedServerSentEventsWithJSONData()
        return .ok(.init(body: .textEventStream(HTTPBody(events, length: .unknown, iterationBehavior: .single))))
    }
}
