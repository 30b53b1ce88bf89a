import Foundation

/// The JSON coders of the `/v1/events` stream's `data:` lines, shared by the server and the
/// client so the wire matches the document: `time` is an RFC 3339 `date-time` string with
/// milliseconds (`2025-01-02T03:04:05.678Z`), not Foundation's default number of seconds.
public enum EventStreamJSON {
    /// The encoder for one event.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(withFractions))
        }
        return encoder
    }

    /// The decoder for one event: accepts `date-time` with or without fractional seconds.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? withFractions.parse(text) { return date }
            if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\" is not an RFC 3339 date-time")
        }
        return decoder
    }

    private static let withFractions = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
