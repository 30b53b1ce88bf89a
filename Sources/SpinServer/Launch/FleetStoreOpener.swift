import Logging
import SpinCore

/// How a server opens a fleet store instead of its root's LMDB store: spin-server builds one
/// from `--store` (PostgreSQL), which this library does not link.
public struct FleetStoreOpener: Sendable {
    /// An open fleet store.
    public struct Opened: Sendable {
        /// The records and queue on it.
        public let controlPlane: any ControlPlane
        /// Where it is, for the log (never with a password).
        public let description: String
        /// Stops its listeners and closes its connections.
        public let close: @Sendable () async -> Void

        /// Wraps an open store.
        public init(controlPlane: any ControlPlane, description: String, close: @escaping @Sendable () async -> Void) {
            self.controlPlane = controlPlane
            self.description = description
            self.close = close
        }
    }

    /// Connects (and brings the schema up to date).
    public let open: @Sendable (Logger) async throws -> Opened

    /// An opener running `open`.
    public init(open: @escaping @Sendable (Logger) async throws -> Opened) {
        self.open = open
    }
}
