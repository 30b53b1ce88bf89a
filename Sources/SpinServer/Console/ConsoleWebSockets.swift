import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import SpinCore

/// The console WebSockets, `GET /v1/vms/{ref}/console/vnc` and `…/console/serial`, on the
/// router the server consults for upgrades. They are not in the OpenAPI document (it cannot
/// express WebSockets); `docs/api.md` describes them.
///
/// Before upgrading, the request is authorized (bearer header, `?token=` or the console
/// cookie, as ``BrowserCredentials`` says) and the console socket is opened. Any failure
/// declines the upgrade, and the same request then reaches the plain route of
/// ``ConsoleRoutes``, which answers with the JSON error (401, 404, 409).
struct ConsoleWebSockets: Sendable {
    let connector: ConsoleConnector
    let token: ServerToken?

    /// Adds both WebSocket routes to `router`.
    func register(on router: Router<ConsoleRequestContext>) {
        for kind in ConsoleKind.allCases {
            router.ws("/v1/vms/{ref}/console/\(kind.rawValue)") { request, context in
                try await shouldUpgrade(request, context, kind)
            } onUpgrade: { inbound, outbound, context in
                guard let connection = context.requestContext.handoff.take() else { return }
                try await ConsoleProxy.run(connection, inbound: inbound, outbound: outbound)
            }
        }
    }

    private func shouldUpgrade(_ request: Request, _ context: ConsoleRequestContext, _ kind: ConsoleKind) async throws -> RouterShouldUpgrade {
        try token?.authorize(request)
        let ref = try context.parameters.require("ref")
        context.handoff.put(try await connector.connect(ref, kind))
        return .upgrade(Self.subprotocolHeaders(request))
    }

    /// noVNC may ask for the `binary` subprotocol; a browser drops a connection whose
    /// server does not pick one of those it offered, so pick `binary` when offered.
    static func subprotocolHeaders(_ request: Request) -> HTTPFields {
        let offered = request.headers[values: .secWebSocketProtocol]
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        return offered.contains("binary") ? [.secWebSocketProtocol: "binary"] : [:]
    }
}
