import Foundation

extension JSON {
    /// Parses JSON text (one value, e.g. one QMP line).
    public init(parsing text: some StringProtocol) throws {
        self = try JSONDecoder().decode(JSON.self, from: Data(text.utf8))
    }

    /// Parses JSON bytes.
    public init(parsing data: Data) throws {
        self = try JSONDecoder().decode(JSON.self, from: data)
    }

    /// Converts an `Encodable` value to JSON (e.g. typed QMP arguments).
    public init(encoding value: some Encodable) throws {
        self = try JSON(parsing: JSONEncoder().encode(value))
    }

    /// Compact JSON text with sorted keys and no newline (safe for line-oriented QMP).
    public func text() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Decodes this value into a `Decodable` type (e.g. a typed QMP reply).
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        let encoder = JSONEncoder()
        return try JSONDecoder().decode(T.self, from: try encoder.encode(self))
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral,
    ExpressibleByFloatLiteral
{
    /// `"text"`.
    public init(stringLiteral value: String) { self = .string(value) }
    /// `42`.
    public init(integerLiteral value: Int64) { self = .integer(value) }
    /// `1.5`.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// `true`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// `[1, "a"]`.
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    /// `["key": value]`.
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    /// `nil` → `null`.
    public init(nilLiteral: ()) { self = .null }
}
