import Foundation
import OpenAPIRuntime
import SpinModel

/// Small conversions shared by the mappings between the SDK's types and the generated ones.
enum Convert {
    /// An id or size from the wire, which must not be negative.
    static func unsigned(_ value: Int64, field: String) throws -> UInt64 {
        guard let result = UInt64(exactly: value) else {
            throw SpinError(.invalidArgument, "\(field) is \(value); give a number of 0 or more")
        }
        return result
    }

    /// An SDK id or size for the wire (ids and sizes stay far below 2^63).
    static func signed(_ value: UInt64) -> Int64 { Int64(clamping: value) }

    /// A UUID from the wire.
    static func uuid(_ text: String, field: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else {
            throw SpinError(.invalidArgument, "\(field) \"\(text)\" is not a UUID; give one like 4F0C2F5E-8F3B-4A4C-9B1E-2B7C1D0E9A11")
        }
        return id
    }

    /// A raw-value enum of one side as the same-named case of the other.
    static func same<A: RawRepresentable, B: RawRepresentable>(_ value: A, as: B.Type, field: String) throws -> B
    where A.RawValue == String, B.RawValue == String {
        guard let result = B(rawValue: value.rawValue) else {
            throw SpinError(.invalidArgument, "\(field) \"\(value.rawValue)\" is not one of the known values")
        }
        return result
    }

    /// A value of one side as the other through their shared JSON shape — for the SDK types
    /// that are made only by the SDK (statuses, broker records), whose JSON the document
    /// describes key for key. Both sides code dates the same way (Foundation's default).
    static func transcode<T: Decodable>(_ value: some Encodable, as type: T.Type = T.self) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value))
        } catch {
            throw SpinError(.invalidArgument, "cannot read \(T.self): \(error)", cause: error)
        }
    }

    /// Free-form JSON parameters to the generated object container.
    static func container(_ value: JSONValue) throws -> OpenAPIObjectContainer {
        try JSONDecoder().decode(OpenAPIObjectContainer.self, from: JSONEncoder().encode(value))
    }

    /// The generated object container to free-form JSON parameters.
    static func json(_ container: OpenAPIObjectContainer) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(container))
        } catch {
            throw SpinError(.invalidArgument, "parameters are not a JSON object: \(error)", cause: error)
        }
    }
}
