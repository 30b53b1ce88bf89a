import CSystemd

/// A basic argument appended to an outgoing method call.
enum BusArgument: Sendable {
    case string(String)
    case objectPath(String)
    case int32(Int32)
    case bool(Bool)
    /// `as`: an array of strings.
    case stringArray([String])

    /// Appends this argument to `message`; returns the sd-bus result (negative errno on failure).
    func append(to message: OpaquePointer) -> Int32 {
        switch self {
        case .string(let value):
            value.withCString { sd_bus_message_append_basic(message, CChar(UInt8(ascii: "s")), $0) }
        case .objectPath(let value):
            value.withCString { sd_bus_message_append_basic(message, CChar(UInt8(ascii: "o")), $0) }
        case .int32(let value):
            withUnsafePointer(to: value) { sd_bus_message_append_basic(message, CChar(UInt8(ascii: "i")), $0) }
        case .bool(let value):
            withUnsafePointer(to: Int32(value ? 1 : 0)) {
                sd_bus_message_append_basic(message, CChar(UInt8(ascii: "b")), $0)
            }
        case .stringArray(let values):
            appendArray(values, to: message)
        }
    }

    private func appendArray(_ values: [String], to message: OpaquePointer) -> Int32 {
        var r = sd_bus_message_open_container(message, CChar(UInt8(ascii: "a")), "s")
        for value in values where r >= 0 {
            r = value.withCString { sd_bus_message_append_basic(message, CChar(UInt8(ascii: "s")), $0) }
        }
        return r >= 0 ? sd_bus_message_close_container(message) : r
    }
}
