import CLMDB
import Foundation

/// A read-write transaction, valid only inside the closure given to ``Store/write(_:)``.
/// Everything it does becomes visible at once when the closure returns, or not at all.
public final class WriteTransaction: ReadTransaction {
    /// Set when LMDB reported a full map; the store then grows the map and retries.
    var mapFull = false

    /// Whether this transaction may write: always true.
    public override var isReadOnly: Bool { false }

    /// The named database, created when missing.
    public func createDatabase(named name: String) throws -> Database {
        guard !name.isEmpty, !name.hasPrefix("__spin.") else {
            throw StoreError(.operationFailed, message: "database name \"\(name)\" is reserved or empty; choose another name")
        }
        guard let dbi = try openHandle(name, create: true) else {
            throw StoreError(.databaseMissing, message: "database \(name) could not be created")
        }
        return Database(name: name, handle: dbi)
    }

    /// Stores `value` at `key`, replacing any value there.
    public func put(_ value: [UInt8], forKey key: some StoreKey, in db: Database) throws {
        _ = try put(value, forKey: key, in: db, flags: 0)
    }

    /// Stores `value` at `key` in the named database (created when missing).
    public func put(_ value: [UInt8], forKey key: some StoreKey, in name: String) throws {
        try put(value, forKey: key, in: createDatabase(named: name))
    }

    /// Stores `value` at `key` only when the key is absent.
    /// - Returns: true when stored, false when the key already had a value (left unchanged).
    @discardableResult
    public func putIfAbsent(_ value: [UInt8], forKey key: some StoreKey, in db: Database) throws -> Bool {
        try put(value, forKey: key, in: db, flags: UInt32(MDB_NOOVERWRITE))
    }

    private func put(_ value: [UInt8], forKey key: some StoreKey, in db: Database, flags: UInt32) throws -> Bool {
        let rc = key.withStoreKeyBytes { keyBytes in
            value.withUnsafeBytes { valueBytes -> Int32 in
                var mdbKey = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
                var mdbValue = MDB_val(mv_size: valueBytes.count, mv_data: UnsafeMutableRawPointer(mutating: valueBytes.baseAddress))
                return mdb_put(txn, db.handle, &mdbKey, &mdbValue, flags)
            }
        }
        if rc == MDB_KEYEXIST { return false }
        if rc == MDB_BAD_VALSIZE {
            throw StoreError(.operationFailed, code: rc, message: "key of \(key.storeKeyBytes.count) bytes is empty or too long for database \(db.name) (LMDB allows 1 to \(mdb_env_get_maxkeysize(store.env)))")
        }
        try check(rc, "cannot write to database \(db.name)")
        return true
    }

    /// Stores `value` as JSON at `key`.
    public func encode<T: Encodable>(_ value: T, forKey key: some StoreKey, in db: Database) throws {
        try put(Self.encode(value, db: db.name), forKey: key, in: db)
    }

    /// Stores `value` as JSON at `key` only when the key is absent; returns whether it did.
    @discardableResult
    public func encodeIfAbsent<T: Encodable>(_ value: T, forKey key: some StoreKey, in db: Database) throws -> Bool {
        try putIfAbsent(Self.encode(value, db: db.name), forKey: key, in: db)
    }

    static func encode<T: Encodable>(_ value: T, db: String) throws -> [UInt8] {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return Array(try encoder.encode(value))
        } catch {
            throw StoreError(.encoding, message: "cannot encode \(T.self) for database \(db): \(error)")
        }
    }

    /// Removes `key`. Returns whether it was present.
    @discardableResult
    public func delete(_ key: some StoreKey, in db: Database) throws -> Bool {
        let rc = key.withStoreKeyBytes { keyBytes -> Int32 in
            var mdbKey = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            return mdb_del(txn, db.handle, &mdbKey, nil)
        }
        if rc == MDB_NOTFOUND { return false }
        try check(rc, "cannot delete from database \(db.name)")
        return true
    }

    /// Removes every entry of `db`, keeping the database and its sequence.
    public func removeAll(in db: Database) throws {
        try check(mdb_drop(txn, db.handle, 0), "cannot empty database \(db.name)")
    }

    /// The next value of `db`'s sequence: 1 for the first call, then strictly increasing,
    /// never reused even when entries are deleted (bbolt's `NextSequence`). Like every write,
    /// it takes effect only if the transaction commits.
    public func nextSequence(for db: Database) throws -> UInt64 {
        guard let sequences = store.sequences else {
            throw StoreError(.readOnlyTransaction, message: "store \(store.path) is open read-only; sequences are handed out by writers")
        }
        let next = try currentSequence(for: db) + 1
        try put(next.storeKeyBytes, forKey: db.name, in: Database(name: "__spin.sequences", handle: sequences))
        return next
    }
}
