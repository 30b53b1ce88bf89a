import CLMDB

/// A position in a database's ordered keys. Valid only inside the closure given to
/// ``ReadTransaction/withCursor(in:_:)``.
public final class Cursor {
    let cursor: OpaquePointer
    /// The database the cursor walks.
    public let database: Database

    init(cursor: OpaquePointer, database: Database) {
        self.cursor = cursor
        self.database = database
    }

    /// Moves to the first entry.
    public func first() throws -> StoreEntry? { try move(MDB_FIRST) }
    /// Moves to the last entry.
    public func last() throws -> StoreEntry? { try move(MDB_LAST) }
    /// Moves to the next entry.
    public func next() throws -> StoreEntry? { try move(MDB_NEXT) }
    /// Moves to the previous entry.
    public func previous() throws -> StoreEntry? { try move(MDB_PREV) }

    /// Moves to the first entry whose key is at least `key`.
    public func seek(atLeast key: some StoreKey) throws -> StoreEntry? {
        var entry: StoreEntry?
        _ = try position(MDB_SET_RANGE, key: key.storeKeyBytes) { k, v in entry = StoreEntry(key: Array(k), value: Array(v)) }
        return entry
    }

    private func move(_ op: MDB_cursor_op) throws -> StoreEntry? {
        var entry: StoreEntry?
        _ = try position(op, key: nil) { k, v in entry = StoreEntry(key: Array(k), value: Array(v)) }
        return entry
    }

    /// Positions the cursor and hands the entry's bytes to `body` without copying.
    /// - Returns: false when there is no entry at that position.
    func position(
        _ op: MDB_cursor_op, key: [UInt8]?,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void
    ) throws -> Bool {
        var mdbKey = MDB_val()
        var mdbValue = MDB_val()
        let rc: Int32
        if let key {
            rc = key.withUnsafeBytes { bytes in
                mdbKey = MDB_val(mv_size: bytes.count, mv_data: UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                return mdb_cursor_get(cursor, &mdbKey, &mdbValue, op)
            }
        } else {
            rc = mdb_cursor_get(cursor, &mdbKey, &mdbValue, op)
        }
        if rc == MDB_NOTFOUND { return false }
        guard rc == 0 else { throw StoreError.lmdb(rc, .operationFailed, "cannot move a cursor in database \(database.name)") }
        try body(
            UnsafeRawBufferPointer(start: mdbKey.mv_data, count: mdbKey.mv_size),
            UnsafeRawBufferPointer(start: mdbValue.mv_data, count: mdbValue.mv_size))
        return true
    }
}
