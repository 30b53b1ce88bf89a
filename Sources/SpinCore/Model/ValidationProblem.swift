/// One thing wrong with an entity or a request: the field it concerns and how to fix it.
///
/// Validation returns every problem at once, so a caller can fix all of them in one go.
/// ``description`` reads as one sentence, e.g.
/// `ports[0].hostAddress "localhost" is not an IP address; use 127.0.0.1`.
public struct ValidationProblem: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// The path of the field at fault, e.g. `name`, `ports[0].hostAddress`, `newImages[1].sizeBytes`.
    public var field: String
    /// What is wrong and the fix, without the field name.
    public var message: String

    /// Creates a problem.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    /// The field path followed by the message.
    public var description: String { "\(field) \(message)" }
}

extension ValidationProblem {
    /// One ``SpinError`` of code `invalidArgument` whose message lists every problem, one per
    /// line; nil when there are none.
    public static func error(for problems: [ValidationProblem]) -> SpinError? {
        guard !problems.isEmpty else { return nil }
        return SpinError(.invalidArgument, problems.map(\.description).joined(separator: "\n"))
    }

    /// Throws the error of ``error(for:)`` when `problems` is not empty.
    /// - Throws: ``SpinError`` with code `invalidArgument`, listing every problem.
    public static func check(_ problems: [ValidationProblem]) throws {
        if let error = error(for: problems) { throw error }
    }
}
