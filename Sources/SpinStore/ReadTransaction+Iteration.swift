import CLMDB

extension ReadTransaction {
    /// Calls `body` with a cursor on `db`, closing it afterwards.
    public func withCursor<R>(in db: Database, _ body: (Cursor) throws -> R) throws -> R {
        var handle: OpaquePointer?
        try check(mdb_cursor_open(txn, db.handle, &handle), "cannot open a cursor on database \(db.name)")
        guard let handle else { throw StoreError(.operationFailed, message: "LMDB returned no cursor for database \(db.name)") }
        defer { mdb_cursor_close(handle) }
        return try body(Cursor(cursor: handle, database: db))
    }

    /// Visits the entries of `db` inside `range` in key order (or reverse order), handing the
    /// bytes to `body` without copying. Return false from `body` to stop.
    public func forEach(
        in db: Database, range: KeyRange = .all, reverse: Bool = false,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        try withCursor(in: db) { cursor in
            var keepGoing = true
            let visit = { (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws in
                keepGoing = range.contains(key) ? try body(key, value) : false
            }
            var found: Bool
            if !reverse {
                if let lower = range.lower {
                    found = try cursor.position(MDB_SET_RANGE, key: lower, visit)
                } else {
                    found = try cursor.position(MDB_FIRST, key: nil, visit)
                }
                while found && keepGoing { found = try cursor.position(MDB_NEXT, key: nil, visit) }
            } else {
                found = try positionAtEnd(cursor, upper: range.upper, visit)
                while found && keepGoing { found = try cursor.position(MDB_PREV, key: nil, visit) }
            }
        }
    }

    /// Places the cursor on the last key below `upper` and visits it.
    private func positionAtEnd(
        _ cursor: Cursor, upper: [UInt8]?,
        _ visit: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void
    ) throws -> Bool {
        guard let upper else { return try cursor.position(MDB_LAST, key: nil, visit) }
        if try cursor.position(MDB_SET_RANGE, key: upper, { _, _ in }) {
            return try cursor.position(MDB_PREV, key: nil, visit)
        }
        return try cursor.position(MDB_LAST, key: nil, visit)
    }

    /// The entries of `db` inside `range`, copied out, in key order or reversed, at most `limit`.
    public func entries(in db: Database, range: KeyRange = .all, reverse: Bool = false, limit: Int = .max) throws -> [StoreEntry] {
        var result: [StoreEntry] = []
        guard limit > 0 else { return result }
        try forEach(in: db, range: range, reverse: reverse) { key, value in
            result.append(StoreEntry(key: Array(key), value: Array(value)))
            return result.count < limit
        }
        return result
    }

    /// The entries of the named database inside `range`; empty when the database does not exist.
    public func entries(in name: String, range: KeyRange = .all, reverse: Bool = false, limit: Int = .max) throws -> [StoreEntry] {
        guard let db = try database(named: name) else { return [] }
        return try entries(in: db, range: range, reverse: reverse, limit: limit)
    }

    /// Decodes every JSON value of `db` inside `range`, in key order or reversed.
    public func decodeAll<T: Decodable>(
        _ type: T.Type, in db: Database, range: KeyRange = .all, reverse: Bool = false, limit: Int = .max
    ) throws -> [T] {
        var result: [T] = []
        guard limit > 0 else { return result }
        try forEach(in: db, range: range, reverse: reverse) { key, value in
            result.append(try Self.decode(type, from: Array(value), key: Array(key), db: db.name))
            return result.count < limit
        }
        return result
    }
}
