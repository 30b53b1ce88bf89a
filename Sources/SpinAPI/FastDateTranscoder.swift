import Foundation
import OpenAPIRuntime

/// RFC 3339 `date-time` for the generated server and client without a lock: the runtime's
/// default transcoder serializes every date of every response through one locked
/// `ISO8601DateFormatter`, which under load made listing VMs wait on a futex. Encodes whole
/// seconds in UTC (`2025-01-02T03:04:05Z`, as the default did); decodes with or without
/// fractional seconds.
public struct FastDateTranscoder: DateTranscoder {
    /// Creates the transcoder.
    public init() {}

    /// The date as `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds rounded down).
    public func encode(_ date: Date) throws -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return date.formatted(.iso8601) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        func digits(_ value: Int32, _ count: Int) {
            var divisor: Int32 = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: (rest / divisor) % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(parts.tm_year + 1900, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(parts.tm_mon + 1, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(parts.tm_mday, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(parts.tm_hour, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(parts.tm_min, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(parts.tm_sec, 2)
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A date from RFC 3339 text, with or without fractional seconds.
    public func decode(_ text: String) throws -> Date {
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\"\(text)\" is not an RFC 3339 date-time"))
    }
}
