import CLMDB
import Glibc

/// The baseline: direct C calls into LMDB, as a careful C programmer would write them.
final class RawLMDB {
    let env: OpaquePointer
    var dbi: MDB_dbi = 0

    struct Failure: Error { let rc: Int32 }

    init(path: String) throws {
        var env: OpaquePointer?
        mdb_env_create(&env)
        guard let env else { throw Failure(rc: -1) }
        self.env = env
        mdb_env_set_maxdbs(env, 4)
        mdb_env_set_mapsize(env, 1 << 30)
        mkdir(path, 0o700)
        try check(mdb_env_open(env, path, UInt32(MDB_NOTLS), 0o600))
        var txn: OpaquePointer?
        try check(mdb_txn_begin(env, nil, 0, &txn))
        try check(mdb_dbi_open(txn, "bench", UInt32(MDB_CREATE), &dbi))
        try check(mdb_txn_commit(txn))
    }

    deinit { mdb_env_close(env) }

    func check(_ rc: Int32) throws { if rc != 0 { throw Failure(rc: rc) } }

    func putAll(_ keys: [UInt64], value: [UInt8], batch: Int) throws {
        var index = 0
        try value.withUnsafeBytes { valueBytes in
            while index < keys.count {
                var txn: OpaquePointer?
                try check(mdb_txn_begin(env, nil, 0, &txn))
                for key in keys[index..<min(index + batch, keys.count)] {
                    var be = key.bigEndian
                    try withUnsafeMutableBytes(of: &be) { keyBytes in
                        var k = MDB_val(mv_size: 8, mv_data: keyBytes.baseAddress)
                        var v = MDB_val(mv_size: valueBytes.count, mv_data: UnsafeMutableRawPointer(mutating: valueBytes.baseAddress))
                        try check(mdb_put(txn, dbi, &k, &v, 0))
                    }
                }
                try check(mdb_txn_commit(txn))
                index += batch
            }
        }
    }

    func getAll(_ keys: [UInt64]) throws {
        var txn: OpaquePointer?
        try check(mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &txn))
        defer { mdb_txn_abort(txn) }
        var total = 0
        for key in keys {
            var be = key.bigEndian
            try withUnsafeMutableBytes(of: &be) { keyBytes in
                var k = MDB_val(mv_size: 8, mv_data: keyBytes.baseAddress)
                var v = MDB_val()
                try check(mdb_get(txn, dbi, &k, &v))
                total &+= UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size).count
            }
        }
        precondition(total > 0)
    }

    func scan(expected: Int) throws {
        var txn: OpaquePointer?
        try check(mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &txn))
        defer { mdb_txn_abort(txn) }
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(txn, dbi, &cursor))
        defer { mdb_cursor_close(cursor) }
        var k = MDB_val(), v = MDB_val()
        var count = 0
        var rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST)
        while rc == 0 {
            count += 1
            rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)
        }
        precondition(count == expected)
    }
}
