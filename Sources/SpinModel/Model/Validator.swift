import Glibc

/// Collects ``ValidationProblem``s while the rules of an entity are checked. Internal: callers
/// see only the problems.
package struct Validator {
    private(set) var problems: [ValidationProblem] = []

    /// Records a problem for `field`.
    package mutating func add(_ field: String, _ message: String) {
        problems.append(ValidationProblem(field: field, message: message))
    }

    /// Records a clash of `field` with another field (``ValidationProblem/isConflict``).
    package mutating func conflict(_ field: String, _ message: String) {
        problems.append(ValidationProblem(field: field, message: message, isConflict: true))
    }

    /// Appends another validator's problems, prefixing their fields with `prefix` (e.g. `ports[0].`).
    package mutating func merge(_ other: [ValidationProblem], prefix: String) {
        problems += other.map { ValidationProblem(field: prefix + $0.field, message: $0.message, isConflict: $0.isConflict) }
    }

    /// The longest name of a VM, volume or image.
    package static let maxNameLength = 63

    /// Checks a VM or volume name: `^[a-zA-Z][a-zA-Z0-9_-]*$`, at most 63 characters.
    package mutating func name(_ value: String, field: String = "name") {
        guard Self.isName(value, allowDots: false) else {
            add(field, "\(quoted(value)) must start with a letter and hold only letters, digits, \"-\" and \"_\" (at most \(Self.maxNameLength) characters)")
            return
        }
    }

    /// Checks an image file name: like a VM name, but `.` may follow the first character; never `..`.
    package mutating func imageName(_ value: String, field: String = "name") {
        guard Self.isName(value, allowDots: true), !value.contains("..") else {
            add(field, "\(quoted(value)) must start with a letter and hold only letters, digits, \".\", \"-\" and \"_\", never \"..\" (at most \(Self.maxNameLength) characters), e.g. web.qcow2")
            return
        }
    }

    package static func isName(_ value: String, allowDots: Bool) -> Bool {
        let bytes = Array(value.utf8)
        guard let first = bytes.first, bytes.count <= maxNameLength, isLetter(first) else { return false }
        return bytes.dropFirst().allSatisfy { byte in
            isLetter(byte) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F || (allowDots && byte == 0x2E)
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// The longest host path, in characters (Unicode scalars): within PATH_MAX bytes
    /// whatever the characters, and what the OpenAPI document states as `maxLength`.
    package static let maxPathCharacters = 1023

    /// Checks that `value` is an absolute path without NUL bytes, of at most 1023 characters.
    package mutating func absolutePath(_ value: String, field: String, example: String) {
        if value.utf8.contains(0) {
            add(field, "\(quoted(value)) contains a NUL byte; give a plain absolute path such as \(example)")
        } else if value.utf8.first != UInt8(ascii: "/") {
            add(field, "\(quoted(value)) is not an absolute path; give one starting with \"/\", such as \(example)")
        } else if value.unicodeScalars.count > Self.maxPathCharacters {
            add(field, "is longer than \(Self.maxPathCharacters) characters; use a shorter path")
        }
    }

    /// Checks that `value` lies in `range`, naming the bounds in the fix.
    package mutating func range(_ value: Int, _ range: ClosedRange<Int>, field: String) {
        if value < range.lowerBound {
            add(field, "\(value) is too small; give at least \(range.lowerBound)")
        } else if value > range.upperBound {
            add(field, "\(value) is too large; give at most \(range.upperBound)")
        }
    }
}

/// `value` in double quotes, with quotes, backslashes and control characters escaped, for
/// messages that must show odd input unambiguously.
package func quoted(_ value: String) -> String {
    var result = "\""
    for scalar in value.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\t": result += "\\t"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            result += "\\u{\(String(scalar.value, radix: 16))}"
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}
