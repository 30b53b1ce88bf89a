import Foundation

/// The actions a broker accepts. A command whose resource, action or parameters do not match
/// an entry is refused when it is added, so nothing malformed ever reaches a queue.
public struct ActionCatalog: Sendable {
    struct Entry: Sendable {
        let validate: @Sendable (JSONValue) throws -> Void
    }

    private var entries: [String: Entry] = [:]

    /// An empty catalog.
    public init() {}

    /// Adds an action.
    public mutating func register<A: BrokerAction>(_ action: A.Type) {
        entries[Self.key(A.resource, A.action)] = Entry { parameters in
            _ = try ActionCatalog.decode(A.Parameters.self, from: parameters, action: "\(A.resource).\(A.action)")
        }
    }

    /// A catalog holding `actions`.
    public static func with(_ actions: [any BrokerAction.Type]) -> ActionCatalog {
        var catalog = ActionCatalog()
        for action in actions { catalog.register(action) }
        return catalog
    }

    /// Every registered `resource.action`, sorted.
    public var actionNames: [String] { entries.keys.sorted() }

    /// Checks a command against the catalog.
    /// - Throws: ``SpinError`` `.invalidArgument` naming the unknown action or the bad parameter.
    public func validate(resource: String, action: String, parameters: JSONValue) throws {
        guard let entry = entries[Self.key(resource, action)] else {
            let known = actionNames.filter { $0.hasPrefix(resource + ".") }
            let hint = known.isEmpty
                ? "known resources: \(Set(actionNames.map { $0.split(separator: ".")[0] }).sorted().joined(separator: ", "))"
                : "known actions: \(known.joined(separator: ", "))"
            throw SpinError(.invalidArgument, "unknown action \(resource).\(action); \(hint)")
        }
        try entry.validate(parameters)
    }

    static func key(_ resource: String, _ action: String) -> String { resource + "." + action }

    /// Decodes parameters strictly: a missing, mistyped or extra parameter is an error that
    /// names it.
    public static func decode<T: Decodable & Encodable>(_ type: T.Type, from parameters: JSONValue, action: String) throws -> T {
        guard case .object(let fields) = parameters else {
            throw SpinError(.invalidArgument, "parameters of \(action) must be a JSON object, not \(parameters)")
        }
        let value: T
        do {
            value = try parameters.decode(type)
        } catch let error as DecodingError {
            throw SpinError(.invalidArgument, "parameters of \(action): \(Self.describe(error))")
        }
        let known = try JSONValue(encoding: value).objectKeys
        let extra = fields.filter { !known.contains($0.key) && $0.value != .null }.keys.sorted()
        if !extra.isEmpty {
            throw SpinError(.invalidArgument, "parameters of \(action): unknown parameter \(extra.map { "\"\($0)\"" }.joined(separator: ", ")); accepted: \(known.sorted().joined(separator: ", "))")
        }
        return value
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, _ key: CodingKey? = nil) -> String {
            let keys = context.codingPath.map(\.stringValue) + (key.map { [$0.stringValue] } ?? [])
            return keys.isEmpty ? "the parameters" : "\"\(keys.joined(separator: "."))\""
        }
        switch error {
        case .keyNotFound(let key, let context): return "parameter \(path(context, key)) is missing"
        case .typeMismatch(let type, let context): return "parameter \(path(context)) must be \(Self.typeName(type))"
        case .valueNotFound(let type, let context): return "parameter \(path(context)) must be \(Self.typeName(type)), not null"
        case .dataCorrupted(let context): return "parameter \(path(context)) is invalid: \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is UInt64.Type, is UInt32.Type, is Int32.Type: "an integer"
        case is Double.Type: "a number"
        default: "of type \(type)"
        }
    }
}
