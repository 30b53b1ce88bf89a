import CLMDB

extension Store {
    /// Runs `body` in a read transaction: a consistent snapshot that never blocks writers.
    /// Usable from any thread (the environment is opened with `MDB_NOTLS`).
    public func read<R>(_ body: (ReadTransaction) throws -> R) throws -> R {
        resizeLock.lockShared()
        defer { resizeLock.unlock() }
        let txn = try begin(readOnly: true)
        let transaction = ReadTransaction(store: self, txn: txn)
        do {
            let result = try body(transaction)
            try transaction.finish(commit: true)
            return result
        } catch {
            try? transaction.finish(commit: false)
            throw error
        }
    }

    /// Runs `body` in a write transaction, committing when it returns and aborting when it
    /// throws. Writers are serialized across threads and processes.
    ///
    /// When the map is full the store aborts, grows the map and runs `body` again, so the body
    /// must have no effect outside the transaction.
    /// - Throws: ``StoreError`` `.readOnlyTransaction` on a store opened
    ///   ``StoreOptions/readOnly``.
    public func write<R>(_ body: (WriteTransaction) throws -> R) throws -> R {
        if environment.readOnly {
            throw StoreError(.readOnlyTransaction, message: "store \(path) is open read-only; open it without readOnly to change it")
        }
        while true {
            resizeLock.lockShared()
            let sizeAtStart = mapSize
            let txn: OpaquePointer
            do { txn = try begin(readOnly: false) } catch {
                resizeLock.unlock()
                throw error
            }
            let transaction = WriteTransaction(store: self, txn: txn)
            var outcome: Result<R, any Error>
            do {
                let result = try body(transaction)
                if transaction.mapFull { throw StoreError(.operationFailed, code: MDB_MAP_FULL, message: "map full") }
                try transaction.finish(commit: true)
                outcome = .success(result)
            } catch {
                if !transaction.finished { try? transaction.finish(commit: false) }
                outcome = .failure(error)
            }
            resizeLock.unlock()
            if transaction.mapFull {
                try grow(from: sizeAtStart)
                continue
            }
            return try outcome.get()
        }
    }

    /// Begins an LMDB transaction, adopting a map grown by another process when LMDB says so.
    /// The caller holds `resizeLock` shared; it is released and re-taken around an adoption.
    private func begin(readOnly: Bool) throws -> OpaquePointer {
        var attempts = 0
        while true {
            var txn: OpaquePointer?
            let rc = mdb_txn_begin(env, nil, readOnly ? UInt32(MDB_RDONLY) : 0, &txn)
            if rc == 0, let txn { return txn }
            guard rc == MDB_MAP_RESIZED, attempts < 8 else {
                throw StoreError.lmdb(rc, .transactionFailed, "cannot begin a \(readOnly ? "read" : "write") transaction on \(path)")
            }
            attempts += 1
            resizeLock.unlock()
            resizeLock.lockExclusive()
            mdb_env_set_mapsize(env, 0)
            resizeLock.unlock()
            resizeLock.lockShared()
        }
    }

    /// Doubles the map (up to 1 GiB at a time) unless another thread already grew it.
    private func grow(from observed: Int) throws {
        resizeLock.lockExclusive()
        defer { resizeLock.unlock() }
        let current = mapSize
        guard current == observed else { return }
        let step = min(current, 1 << 30)
        let rc = mdb_env_set_mapsize(env, current + step)
        guard rc == 0 else {
            throw StoreError.lmdb(rc, .operationFailed, "cannot grow the map of \(path) to \(current + step) bytes")
        }
    }
}
