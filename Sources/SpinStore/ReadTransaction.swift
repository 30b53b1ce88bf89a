import CLMDB
import Foundation

/// A read-only view of the store, valid only inside the closure given to ``Store/read(_:)``
/// (or, as its subclass, ``Store/write(_:)``). Never keep it past the closure.
public class ReadTransaction {
    let store: Store
    let txn: OpaquePointer
    var newHandles: [(String, MDB_dbi)] = []
    var holdsHandleLock = false
    var finished = false

    init(store: Store, txn: OpaquePointer) {
        self.store = store
        self.txn = txn
    }

    /// Whether this transaction may write.
    public var isReadOnly: Bool { true }

    // MARK: Databases

    /// The named database, or nil when it has never been created.
    public func database(named name: String) throws -> Database? {
        try openHandle(name, create: false).map { Database(name: name, handle: $0) }
    }

    func openHandle(_ name: String, create: Bool) throws -> MDB_dbi? {
        if let known = store.environment.handles.withLock({ $0[name] }) { return known }
        if let pending = newHandles.first(where: { $0.0 == name }) { return pending.1 }
        if !holdsHandleLock {
            store.handleOpenLock.lock()
            holdsHandleLock = true
        }
        var dbi: MDB_dbi = 0
        let rc = mdb_dbi_open(txn, name, create ? UInt32(MDB_CREATE) : 0, &dbi)
        if rc == MDB_NOTFOUND { return nil }
        try check(rc, "cannot open database \(name)")
        newHandles.append((name, dbi))
        return dbi
    }

    /// Ends the LMDB transaction. Read transactions commit too, so that database handles they
    /// opened become visible to the whole process.
    func finish(commit: Bool) throws {
        guard !finished else { return }
        finished = true
        defer {
            if holdsHandleLock {
                store.handleOpenLock.unlock()
                holdsHandleLock = false
            }
        }
        if commit {
            let rc = mdb_txn_commit(txn)
            if rc == MDB_MAP_FULL { (self as? WriteTransaction)?.mapFull = true }
            try check(rc, "cannot commit the transaction on \(store.path)", kind: .transactionFailed)
            if !newHandles.isEmpty {
                let opened = newHandles
                store.environment.handles.withLock { handles in
                    for (name, dbi) in opened { handles[name] = dbi }
                }
            }
        } else {
            mdb_txn_abort(txn)
        }
    }

    func check(_ rc: Int32, _ context: @autoclosure () -> String, kind: StoreError.Kind = .operationFailed) throws {
        guard rc != 0 else { return }
        if rc == MDB_MAP_FULL, let write = self as? WriteTransaction { write.mapFull = true }
        throw StoreError.lmdb(rc, kind, context())
    }

    // MARK: Reading

    /// Calls `body` with the stored bytes for `key` (nil when absent) without copying them.
    /// The buffer is valid only inside `body`.
    public func withValue<R>(
        forKey key: some StoreKey, in db: Database, _ body: (UnsafeRawBufferPointer?) throws -> R
    ) throws -> R {
        var value = MDB_val()
        let rc = key.withStoreKeyBytes { keyBytes -> Int32 in
            var mdbKey = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            return mdb_get(txn, db.handle, &mdbKey, &value)
        }
        if rc == MDB_NOTFOUND { return try body(nil) }
        try check(rc, "cannot read from database \(db.name)")
        return try body(UnsafeRawBufferPointer(start: value.mv_data, count: value.mv_size))
    }

    /// The stored bytes for `key`, or nil when absent.
    public func get(_ key: some StoreKey, in db: Database) throws -> [UInt8]? {
        try withValue(forKey: key, in: db) { $0.map { Array($0) } }
    }

    /// The stored bytes for `key` in the named database, or nil when either is absent.
    public func get(_ key: some StoreKey, in name: String) throws -> [UInt8]? {
        guard let db = try database(named: name) else { return nil }
        return try get(key, in: db)
    }

    /// Whether `key` is present.
    public func contains(_ key: some StoreKey, in db: Database) throws -> Bool {
        try withValue(forKey: key, in: db) { $0 != nil }
    }

    /// Decodes the JSON value stored at `key`, or nil when absent.
    /// - Throws: ``StoreError`` of kind `decoding` naming the database and key.
    public func decode<T: Decodable>(_ type: T.Type, forKey key: some StoreKey, in db: Database) throws -> T? {
        guard let bytes = try get(key, in: db) else { return nil }
        return try Self.decode(type, from: bytes, key: key.storeKeyBytes, db: db.name)
    }

    /// Decodes the JSON value stored at `key` in the named database, or nil when absent.
    public func decode<T: Decodable>(_ type: T.Type, forKey key: some StoreKey, in name: String) throws -> T? {
        guard let db = try database(named: name) else { return nil }
        return try decode(type, forKey: key, in: db)
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], key: [UInt8], db: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw StoreError(
                .decoding,
                message: "cannot decode \(T.self) at key \(describeKey(key)) in database \(db): \(error)")
        }
    }

    /// The number of entries in the database.
    public func count(in db: Database) throws -> Int {
        var stat = MDB_stat()
        try check(mdb_stat(txn, db.handle, &stat), "cannot read statistics of database \(db.name)")
        return stat.ms_entries
    }

    /// The last value handed out by ``WriteTransaction/nextSequence(for:)`` for `db`, or 0.
    public func currentSequence(for db: Database) throws -> UInt64 {
        guard let sequences = store.sequences else { return 0 }
        return try withValue(forKey: db.name, in: Database(name: "__spin.sequences", handle: sequences)) {
            $0.flatMap { UInt64(storeKey: $0) } ?? 0
        }
    }
}

/// A key for messages: text when it is printable UTF-8, a number when it is eight bytes,
/// otherwise hex.
func describeKey(_ key: [UInt8]) -> String {
    if let text = String(validating: key, as: UTF8.self), !text.isEmpty,
        text.unicodeScalars.allSatisfy({ $0.value >= 0x20 })
    {
        return "\"\(text)\""
    }
    if key.count == 8, let number = UInt64(storeKey: key) { return String(number) }
    return "0x" + key.map { String(format: "%02x", $0) }.joined()
}
