/// One key and its value, copied out of the store.
public struct StoreEntry: Sendable, Equatable {
    /// The key's bytes.
    public var key: [UInt8]
    /// The value's bytes.
    public var value: [UInt8]

    /// Creates an entry.
    public init(key: [UInt8], value: [UInt8]) {
        self.key = key
        self.value = value
    }

    /// The key read as a big-endian integer, when it has eight bytes.
    public var integerKey: UInt64? { UInt64(storeKey: key) }

    /// The key read as UTF-8 text.
    public var stringKey: String { String(decoding: key, as: UTF8.self) }

    /// Decodes the value as JSON into `type`.
    public func decode<T: Decodable>(_ type: T.Type, database: String = "?") throws -> T {
        try ReadTransaction.decode(type, from: value, key: key, db: database)
    }
}
