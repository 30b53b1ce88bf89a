/// Helpers for QEMU's `key=value,key=value` option syntax.
enum QemuOption {
    /// Escapes a value for an option list: QEMU reads `,,` as a literal comma.
    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: ",", with: ",,")
    }

    /// Joins `key=value` pairs, escaping the values.
    static func list(_ pairs: [(String, String)]) -> String { list(nil, pairs) }

    /// Joins `key=value` pairs (values escaped) after a leading bare word such as a driver.
    static func list(_ head: String?, _ pairs: [(String, String)]) -> String {
        let rendered = pairs.map { "\($0.0)=\(escape($0.1))" }
        return ([head].compactMap { $0 } + rendered).joined(separator: ",")
    }
}
