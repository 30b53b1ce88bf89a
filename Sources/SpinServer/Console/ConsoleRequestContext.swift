import Hummingbird
import HummingbirdWebSocket
import NIOCore
import Synchronization

/// The request context of the console WebSocket router. The console socket is opened before
/// the upgrade is accepted (so an unknown or stopped VM gets a plain HTTP error), and handed
/// to the WebSocket handler through ``handoff``.
struct ConsoleRequestContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<Self>
    /// The connection `shouldUpgrade` opened, taken by the handler.
    let handoff: Handoff

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        handoff = Handoff()
    }

    /// Holds one value from `shouldUpgrade` until the handler takes it; closes it if nobody does.
    final class Handoff: Sendable {
        private let value = Mutex<ConsoleConnector.Connection?>(nil)

        func put(_ connection: ConsoleConnector.Connection) { value.withLock { $0 = connection } }
        func take() -> ConsoleConnector.Connection? { value.withLock { $0.take() } }

        /// A connection nobody took (the client left before the upgrade finished) is closed
        /// with the request, not left open until the server stops.
        deinit {
            value.withLock { $0?.channel.close(promise: nil) }
        }
    }
}
