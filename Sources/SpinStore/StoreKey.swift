/// A value usable as an LMDB key. Keys sort by their bytes, so integers are stored
/// big-endian and strings as UTF-8: ordered iteration then matches numeric and text order.
public protocol StoreKey {
    /// Calls `body` with the key's bytes.
    func withStoreKeyBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension String: StoreKey {
    /// The key's UTF-8 bytes.
    public func withStoreKeyBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var copy = self
        return try copy.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
    }
}

extension UInt64: StoreKey {
    /// The key's eight big-endian bytes, so that keys sort numerically.
    public func withStoreKeyBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var bigEndian = self.bigEndian
        return try Swift.withUnsafeBytes(of: &bigEndian) { try body($0) }
    }

    /// Reads a big-endian key written by ``withStoreKeyBytes(_:)``; nil unless `bytes` has
    /// exactly eight bytes.
    public init?(storeKey bytes: some Collection<UInt8>) {
        guard bytes.count == 8 else { return nil }
        self = bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}

extension Array: StoreKey where Element == UInt8 {
    /// The bytes themselves.
    public func withStoreKeyBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes { try body($0) }
    }
}

extension StoreKey {
    /// The key's bytes as an array.
    public var storeKeyBytes: [UInt8] { withStoreKeyBytes { Array($0) } }
}

import Foundation

extension UUID: StoreKey {
    /// The UUID's sixteen raw bytes (no text formatting on hot paths).
    public func withStoreKeyBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var raw = uuid
        return try Swift.withUnsafeBytes(of: &raw) { try body($0) }
    }

    /// Reads sixteen raw bytes written by ``withStoreKeyBytes(_:)``; nil for any other length.
    public init?(storeKey bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 16 else { return nil }
        var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        Swift.withUnsafeMutableBytes(of: &raw) { $0.copyMemory(from: bytes) }
        self.init(uuid: raw)
    }

    /// Reads sixteen raw bytes; nil for any other length.
    public init?(storeKey bytes: [UInt8]) {
        guard let value = bytes.withUnsafeBytes({ UUID(storeKey: $0) }) else { return nil }
        self = value
    }
}
