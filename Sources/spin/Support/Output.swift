import Foundation
import SpinCore

/// Printing results: JSON for scripts, text for people.
enum Output {
    /// The encoder behind every JSON document spin prints: sorted keys, ISO 8601 dates.
    static func encoder(pretty: Bool = true) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// Prints `value` as JSON when `--format json`, else the text `text()` builds.
    static func emit<T: Encodable>(_ global: GlobalOptions, _ value: T, text: () -> String) throws {
        if global.json {
            print(try json(value))
        } else {
            let rendered = text()
            if !rendered.isEmpty { print(rendered) }
        }
    }

    /// `value` as pretty JSON text.
    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder().encode(value), as: UTF8.self)
    }

    /// Writes a line to standard output at once, unbuffered (for streams read through a pipe);
    /// don't mix with `print` in one command.
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes a line to standard error.
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

