import CSystemd

/// Reads arguments from an sd-bus message. Valid only while the message is; use on the bus thread.
struct BusMessageReader {
    let message: OpaquePointer

    private static func type(_ c: Character) -> CChar { CChar(bitPattern: c.asciiValue ?? 0) }

    /// Reads a string-like basic value (`s`, `o` or `g`).
    func readString(_ type: Character = "s") throws(SpinError) -> String {
        var pointer: UnsafePointer<CChar>?
        let r = sd_bus_message_read_basic(message, Self.type(type), &pointer)
        guard r > 0, let pointer else { throw Self.failure("a \(type) value", r) }
        return String(cString: pointer)
    }

    /// Reads a fixed-size basic value into `T`.
    func readFixed<T: FixedWidthInteger>(_ type: Character, as: T.Type) throws(SpinError) -> T {
        var value: T = 0
        let r = sd_bus_message_read_basic(message, Self.type(type), &value)
        guard r > 0 else { throw Self.failure("a \(type) value", r) }
        return value
    }

    /// Reads an `a{sv}` dictionary of basic values.
    func readPropertyDictionary() throws(SpinError) -> [String: BusValue] {
        try enter("a", "{sv}")
        var result: [String: BusValue] = [:]
        while true {
            let r = sd_bus_message_enter_container(message, Self.type("e"), "sv")
            if r == 0 { break }
            guard r > 0 else { throw Self.failure("a dictionary entry", r) }
            let key = try readString()
            result[key] = try readVariant()
            try exit()
        }
        try exit()
        return result
    }

    /// Reads an `as` array.
    func readStringArray() throws(SpinError) -> [String] {
        try enter("a", "s")
        var result: [String] = []
        while true {
            var pointer: UnsafePointer<CChar>?
            let r = sd_bus_message_read_basic(message, Self.type("s"), &pointer)
            if r == 0 { break }
            guard r > 0, let pointer else { throw Self.failure("a string in an array", r) }
            result.append(String(cString: pointer))
        }
        try exit()
        return result
    }

    /// Reads a variant holding a basic value or a string array; skips anything else.
    func readVariant() throws(SpinError) -> BusValue {
        var kind: CChar = 0
        var contentsPointer: UnsafePointer<CChar>?
        let r = sd_bus_message_peek_type(message, &kind, &contentsPointer)
        guard r > 0, let contentsPointer else { throw Self.failure("a variant", r) }
        let contents = String(cString: contentsPointer)
        try enter("v", contents)
        let value: BusValue
        switch contents {
        case "s", "o", "g": value = .string(try readString(Character(contents)))
        case "b": value = .bool(try readFixed("b", as: Int32.self) != 0)
        case "i": value = .int32(try readFixed("i", as: Int32.self))
        case "u": value = .uint32(try readFixed("u", as: UInt32.self))
        case "x": value = .int64(try readFixed("x", as: Int64.self))
        case "t": value = .uint64(try readFixed("t", as: UInt64.self))
        case "as": value = .strings(try readStringArray())
        default:
            let s = sd_bus_message_skip(message, contents)
            guard s >= 0 else { throw Self.failure("a \(contents) value", s) }
            value = .unsupported(contents)
        }
        try exit()
        return value
    }

    private func enter(_ type: Character, _ contents: String) throws(SpinError) {
        let r = sd_bus_message_enter_container(message, Self.type(type), contents)
        guard r > 0 else { throw Self.failure("a container \(type)\(contents)", r) }
    }

    private func exit() throws(SpinError) {
        let r = sd_bus_message_exit_container(message)
        guard r >= 0 else { throw Self.failure("the end of a container", r) }
    }

    private static func failure(_ what: String, _ r: Int32) -> SpinError {
        let reason = r < 0 ? String(cString: strerror(-r)) : "not present"
        return SpinError(.internal, "cannot read \(what) from a systemd D-Bus message: \(reason)")
    }
}
