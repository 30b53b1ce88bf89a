/// Reads what ``BinaryWriter`` wrote, checking every length against the buffer; a short or
/// malformed buffer throws ``BinaryReader/Malformed`` instead of reading out of bounds.
struct BinaryReader {
    /// The buffer ended early or held an impossible value.
    struct Malformed: Error, Sendable, CustomStringConvertible {
        let description: String
    }

    private let buffer: UnsafeRawBufferPointer
    private(set) var offset: Int

    init(_ buffer: UnsafeRawBufferPointer, offset: Int = 0) {
        self.buffer = buffer
        self.offset = offset
    }

    var isAtEnd: Bool { offset == buffer.count }

    private mutating func take(_ size: Int, _ what: @autoclosure () -> String) throws -> Int {
        guard size >= 0, buffer.count - offset >= size else {
            throw Malformed(description: "\(what()) runs past the end (offset \(offset), \(buffer.count) bytes)")
        }
        defer { offset += size }
        return offset
    }

    mutating func u8() throws -> UInt8 {
        buffer[try take(1, "a byte")]
    }

    mutating func u32() throws -> UInt32 {
        UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: try take(4, "a 32-bit number"), as: UInt32.self))
    }

    mutating func u64() throws -> UInt64 {
        UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: try take(8, "a 64-bit number"), as: UInt64.self))
    }

    mutating func int() throws -> Int { Int(Int64(bitPattern: try u64())) }

    mutating func double() throws -> Double { Double(bitPattern: try u64()) }

    mutating func bool() throws -> Bool {
        switch try u8() {
        case 0: return false
        case 1: return true
        case let other: throw Malformed(description: "flag \(other) at offset \(offset - 1) is neither 0 nor 1")
        }
    }

    mutating func count() throws -> Int { Int(try u32()) }

    mutating func string() throws -> String {
        let length = try count()
        let start = try take(length, "a string of \(length) bytes")
        // `String(decoding:)` on typed bytes is several times faster than `String(validating:)`
        // here; it repairs invalid UTF-8 (U+FFFD) instead of failing, which only a damaged
        // record could contain, since every record is written from Swift strings.
        let slice = UnsafeRawBufferPointer(rebasing: buffer[start..<(start + length)])
        return String(decoding: slice.assumingMemoryBound(to: UInt8.self), as: UTF8.self)
    }

    mutating func optionalString() throws -> String? {
        try bool() ? try string() : nil
    }
}
