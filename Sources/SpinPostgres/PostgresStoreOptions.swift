/// How a ``PostgresStore`` connects and how long it waits.
public struct PostgresStoreOptions: Sendable {
    /// How long opening one connection may take.
    public var connectTimeout: Duration
    /// How long one call (connection, queries, commit) may take before it fails with
    /// `.unavailable`.
    public var requestTimeout: Duration
    /// The most connections the pool opens.
    public var maximumConnections: Int

    /// Creates options.
    public init(connectTimeout: Duration = .seconds(5), requestTimeout: Duration = .seconds(10), maximumConnections: Int = 20) {
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maximumConnections = maximumConnections
    }

    /// Five seconds to connect, ten for a call, twenty connections.
    public static let `default` = PostgresStoreOptions()
}
