import Foundation
import OpenAPIRuntime
import SpinAPI
import Testing

@Suite("FastDateTranscoder")
struct FastDateTranscoderTests {
    @Test("encodes like the runtime's ISO 8601 transcoder and decodes with or without fractions", arguments: [
        0, 1, 951_782_400.5, 1_700_000_000.999, 4_102_444_799,
    ])
    func matchesDefault(_ seconds: Double) throws {
        let date = Date(timeIntervalSince1970: seconds)
        let fast = FastDateTranscoder()
        let expected = try ISO8601DateTranscoder().encode(date)
        #expect(try fast.encode(date) == expected)
        #expect(try fast.decode(expected) == Date(timeIntervalSince1970: seconds.rounded(.down)))
        #expect(try fast.decode("2024-02-29T12:34:56.250Z") == Date(timeIntervalSince1970: 1_709_210_096.25))
        #expect(throws: (any Error).self) { try fast.decode("yesterday") }
    }
}
