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
    /// Whether the field is fine alone but clashes with another one (two forwards on one host
    /// socket, an image attached twice): a rule no schema of a single field can state, so a
    /// request whose every problem is one is a conflict (409), not bad input (400).
    public var isConflict: Bool = false

    private enum CodingKeys: String, CodingKey { case field, message }

    /// Creates a problem.
    public init(field: String, message: String, isConflict: Bool = false) {
        self.field = field
        self.message = message
        self.isConflict = isConflict
    }

    /// The field path followed by the message.
    public var description: String { "\(field) \(message)" }
}

extension ValidationProblem {
    /// One ``SpinError`` whose message lists every problem, one per line — `conflict` when
    /// every problem is a clash between fields (``isConflict``), else `invalidArgument`; nil
    /// when there are none.
    public static func error(for problems: [ValidationProblem]) -> SpinError? {
        guard !problems.isEmpty else { return nil }
        let code: SpinError.Code = problems.allSatisfy(\.isConflict) ? .conflict : .invalidArgument
        return SpinError(code, problems.map(\.description).joined(separator: "\n"))
    }

    /// Throws the error of ``error(for:)`` when `problems` is not empty.
    /// - Throws: ``SpinError`` with code `invalidArgument`, listing every problem.
    public static func check(_ problems: [ValidationProblem]) throws {
        if let error = error(for: problems) { throw error }
    }
}
