import Foundation
import Testing
@testable import SpinQemu

@Suite("JSON value")
struct JSONTests {
    @Test("parsing keeps integers exact and distinguishes numbers, bools and null")
    func parse() throws {
        let value = try JSON(parsing: #"{"big": 9007199254740993, "f": 1.5, "t": true, "n": null, "a": [1, "x"]}"#)
        #expect(value["big"] == .integer(9_007_199_254_740_993))
        #expect(value["f"] == .double(1.5))
        #expect(value["t"] == .bool(true))
        #expect(value["n"] == .null)
        #expect(value["a"] == [1, "x"])
    }

    @Test("text is compact with sorted keys and round-trips")
    func text() throws {
        let value: JSON = ["b": [true, nil], "a": "s/x", "c": 2]
        let text = try value.text()
        #expect(text == #"{"a":"s/x","b":[true,null],"c":2}"#)
        #expect(try JSON(parsing: text) == value)
    }

    @Test("values decode into and encode from Codable types")
    func codable() throws {
        let status = try (["running": true, "status": "running"] as JSON).decode(QMPStatus.self)
        #expect(status == QMPStatus(running: true, status: "running"))
        struct Args: Encodable { var id: String }
        #expect(try JSON(encoding: Args(id: "x")) == ["id": "x"])
    }
}
