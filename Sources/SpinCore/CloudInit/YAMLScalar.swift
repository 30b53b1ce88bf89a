/// Writes YAML scalars that every YAML parser reads back as exactly the given string.
///
/// Everything spin puts into cloud-init's files goes through ``quoted(_:)``: a double-quoted
/// scalar with `\` escapes, so a value can never be read as a number, a boolean, `null`, a
/// comment, an anchor, a flow collection or a multi-line block, whatever it contains.
enum YAMLScalar {
    /// `text` as a double-quoted YAML scalar: `"`, `\` and every control, line-separator and
    /// byte-order-mark character escaped; other characters (UTF-8) kept as they are.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\0": result += "\\0"
            default:
                if needsEscape(scalar) {
                    result += escape(scalar)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// C0 and C1 controls, DEL, the Unicode line and paragraph separators and the BOM are not
    /// printable in YAML (or would be read as line breaks).
    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value)
            || value == 0x2028 || value == 0x2029 || value == 0xFEFF
    }

    /// `\uXXXX` (the only ones `needsEscape` selects are in the basic plane).
    private static func escape(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
