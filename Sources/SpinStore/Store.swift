import CLMDB
import Foundation
import Synchronization

/// An LMDB environment: a directory holding `data.mdb` and `lock.mdb`, safe to share between
/// threads and between processes.
///
/// ```swift
/// let store = try Store(path: "/var/lib/app/store")
/// try store.write { txn in
///     let users = try txn.createDatabase(named: "users")
///     try txn.put(Array("ada".utf8), forKey: UInt64(1), in: users)
/// }
/// let name = try store.read { txn in try txn.get(UInt64(1), in: "users") }
/// ```
///
/// Transactions are scoped closures: a write commits when its body returns and aborts when it
/// throws. The map grows by itself; `MDB_MAP_FULL` never reaches a caller. To grow, the store
/// aborts the write and runs its body again, so a write body must only change the store
/// (no other side effects) — which a synchronous body that never awaits naturally does.
public final class Store: @unchecked Sendable {
    /// The environment's directory.
    public let path: String
    /// The options the store was opened with.
    public let options: StoreOptions

    let environment: Environment
    var env: OpaquePointer { environment.env }
    var resizeLock: ReadWriteLock { environment.resizeLock }
    var handleOpenLock: HeldMutex { environment.handleOpenLock }
    var sequences: MDB_dbi? { environment.sequences }

    /// Opens the store at `path`, creating the directory (mode 0700) and its files when missing.
    ///
    /// Opening a path this process already has open shares the one LMDB environment (LMDB
    /// must not be opened twice by one process); the first opener's options then apply.
    /// - Throws: ``StoreError`` when the path is not a usable directory, the files cannot be
    ///   opened, or they are not an LMDB environment.
    public init(path: String, options: StoreOptions = .default) throws {
        self.path = path
        self.options = options
        self.environment = try Environment.shared(path: path, options: options)
    }

    /// The map size in force now, in bytes.
    public var mapSize: Int {
        var info = MDB_envinfo()
        mdb_env_info(env, &info)
        return info.me_mapsize
    }

    /// The id of the last transaction committed to this store by any process: it changes on
    /// every commit, so it keys caches of what was read (one `mdb_env_info`, no transaction).
    public var lastTransactionID: Int {
        var info = MDB_envinfo()
        mdb_env_info(env, &info)
        return info.me_last_txnid
    }

    /// Sizes and counters of the environment.
    public func statistics() -> StoreStatistics {
        var info = MDB_envinfo()
        var stat = MDB_stat()
        mdb_env_info(env, &info)
        mdb_env_stat(env, &stat)
        return StoreStatistics(
            mapSize: info.me_mapsize,
            usedBytes: (info.me_last_pgno + 1) * Int(stat.ms_psize),
            pageSize: Int(stat.ms_psize),
            lastTransactionID: info.me_last_txnid,
            readersInUse: Int(info.me_numreaders)
        )
    }

    /// Opens, in one transaction, the named databases this program will use, creating missing
    /// ones. Optional: transactions open databases on first use, but opening them up front
    /// lets concurrent first uses proceed without waiting for each other.
    ///
    /// When every database exists already (every open after the first) this costs one read
    /// transaction: no writer lock, no commit, no disk flush.
    public func prepare(databases names: [String]) throws {
        let missing = try read { txn in try names.contains { try txn.database(named: $0) == nil } }
        guard missing else { return }
        try write { txn in
            for name in names { _ = try txn.createDatabase(named: name) }
        }
    }
}

/// Sizes and counters of a ``Store``.
public struct StoreStatistics: Sendable, Equatable, Codable {
    /// The map size in force, in bytes.
    public var mapSize: Int
    /// Bytes of the map in use (pages up to the last one written).
    public var usedBytes: Int
    /// LMDB's page size.
    public var pageSize: Int
    /// The id of the last committed transaction.
    public var lastTransactionID: Int
    /// Reader slots in use across processes.
    public var readersInUse: Int
}
