import CLMDB

/// An error from the store: which operation failed, LMDB's code when there is one, and a
/// message that names the thing and the way out.
public struct StoreError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        enum Value: String, Sendable {
            case openFailed = "open failed"
            case transactionFailed = "transaction failed"
            case operationFailed = "operation failed"
            case corrupt = "corrupt store"
            case decoding = "decoding failed"
            case encoding = "encoding failed"
            case readOnlyTransaction = "read-only transaction"
            case databaseMissing = "database missing"
        }
        let value: Value
        /// The store could not be opened (path, permissions, version, corrupt file).
        public static let openFailed = Kind(value: .openFailed)
        /// A transaction could not begin or commit.
        public static let transactionFailed = Kind(value: .transactionFailed)
        /// A get, put, delete or cursor call failed.
        public static let operationFailed = Kind(value: .operationFailed)
        /// LMDB found the data file corrupt or of another format.
        public static let corrupt = Kind(value: .corrupt)
        /// A stored value could not be decoded into the requested type.
        public static let decoding = Kind(value: .decoding)
        /// A value could not be encoded.
        public static let encoding = Kind(value: .encoding)
        /// A write was attempted inside a read transaction.
        public static let readOnlyTransaction = Kind(value: .readOnlyTransaction)
        /// A named database was required but does not exist.
        public static let databaseMissing = Kind(value: .databaseMissing)
        public var description: String { value.rawValue }
    }

    /// What kind of failure this is.
    public let kind: Kind
    /// LMDB's return code (an errno value or an `MDB_*` code), when LMDB reported the failure.
    public let code: Int32?
    /// A readable message naming the thing that failed and, where there is one, the fix.
    public let message: String

    /// Creates an error.
    public init(_ kind: Kind, code: Int32? = nil, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    /// Builds an error from an LMDB return code, adding LMDB's own text.
    static func lmdb(_ rc: Int32, _ kind: Kind, _ context: String) -> StoreError {
        let text = String(cString: mdb_strerror(rc))
        switch rc {
        case MDB_CORRUPTED, MDB_INVALID, MDB_VERSION_MISMATCH, MDB_PAGE_NOTFOUND:
            return StoreError(.corrupt, code: rc, message: "\(context): \(text)")
        default:
            return StoreError(kind, code: rc, message: "\(context): \(text)")
        }
    }

    public var description: String {
        if let code { return "\(message) (\(kind), code \(code))" }
        return "\(message) (\(kind))"
    }
}
