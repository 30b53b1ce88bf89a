import Glibc

/// A range of keys in byte order: from `lower` (inclusive) up to `upper` (exclusive); a nil
/// bound is open.
public struct KeyRange: Sendable, Equatable {
    /// The first key in range, or nil to start at the beginning.
    public var lower: [UInt8]?
    /// The first key past the range, or nil to run to the end.
    public var upper: [UInt8]?

    /// A range between two bounds.
    public init(from lower: (some StoreKey)? = nil as [UInt8]?, to upper: (some StoreKey)? = nil as [UInt8]?) {
        self.lower = lower?.storeKeyBytes
        self.upper = upper?.storeKeyBytes
    }

    /// Every key.
    public static let all = KeyRange()

    /// Every key that starts with `prefix`.
    public static func prefix(_ prefix: some StoreKey) -> KeyRange {
        let bytes = prefix.storeKeyBytes
        var range = KeyRange()
        range.lower = bytes.isEmpty ? nil : bytes
        range.upper = successor(of: bytes)
        return range
    }

    /// Whether `key` lies inside the range.
    public func contains(_ key: UnsafeRawBufferPointer) -> Bool {
        if let lower, compare(key, lower) < 0 { return false }
        if let upper, compare(key, upper) >= 0 { return false }
        return true
    }

    /// The smallest key greater than every key starting with `prefix`, or nil when none is.
    static func successor(of prefix: [UInt8]) -> [UInt8]? {
        var bytes = prefix
        while let last = bytes.last {
            if last < 0xFF {
                bytes[bytes.count - 1] = last + 1
                return bytes
            }
            bytes.removeLast()
        }
        return nil
    }
}

/// Lexicographic byte comparison, as LMDB orders keys by default.
func compare(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Int {
    b.withUnsafeBytes { b in
        let common = min(a.count, b.count)
        if common > 0, let pa = a.baseAddress, let pb = b.baseAddress {
            let result = memcmp(pa, pb, common)
            if result != 0 { return Int(result) }
        }
        return a.count - b.count
    }
}
