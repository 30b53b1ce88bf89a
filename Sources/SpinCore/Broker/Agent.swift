import Foundation

/// Serves one resource queue: a name and a dispatch table of typed actions.
///
/// ```swift
/// struct StorageAgent: Agent {
///     let resource = "storage"
///     var actions: ActionTable {
///         var table = ActionTable()
///         table.on(CreateImage.self) { parameters, context in try createImage(parameters) }
///         return table
///     }
/// }
/// ```
/// Every action must be idempotent: a command can be delivered again after a crash or an
/// expired lease, and repeating a finished action must succeed without changing anything.
public protocol Agent: Sendable {
    /// The resource whose queue this agent serves.
    var resource: String { get }
    /// The actions it performs.
    var actions: ActionTable { get }
}

/// What an action handler knows about the command it runs.
public struct CommandContext: Sendable {
    /// The command being run.
    public let command: CommandRecord
    /// Extends the lease for long actions; the runner also renews automatically.
    public let renewLease: @Sendable () async throws -> Void
}

/// A dispatch table from action names to typed handlers.
public struct ActionTable: Sendable {
    typealias Handler = @Sendable (JSONValue, CommandContext) async throws -> Void
    private(set) var handlers: [String: Handler] = [:]
    private(set) var actionTypes: [any BrokerAction.Type] = []

    /// An empty table.
    public init() {}

    /// Runs `handler` for commands of `action`, with parameters decoded to its type.
    public mutating func on<A: BrokerAction>(_ action: A.Type, _ handler: @escaping @Sendable (A.Parameters, CommandContext) async throws -> Void) {
        actionTypes.append(action)
        handlers[A.action] = { json, context in
            let parameters = try ActionCatalog.decode(A.Parameters.self, from: json, action: "\(A.resource).\(A.action)")
            try await handler(parameters, context)
        }
    }

    /// The action types in this table, for building an ``ActionCatalog``.
    public var actionsHandled: [any BrokerAction.Type] { actionTypes }

    func handler(for action: String) -> Handler? { handlers[action] }
}
