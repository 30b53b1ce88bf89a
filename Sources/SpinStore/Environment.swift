import CLMDB
import Foundation
import Synchronization

/// One open LMDB environment, shared by every ``Store`` value this process opens on the same
/// directory: LMDB's locks are per process, and opening one environment twice in a process
/// breaks them.
final class Environment: @unchecked Sendable {
    let path: String
    let env: OpaquePointer
    let resizeLock = ReadWriteLock()
    /// Held by a transaction from the moment it opens a new database handle until it ends.
    let handleOpenLock = HeldMutex()
    let handles = Mutex<[String: MDB_dbi]>([:])
    /// The internal sequence database; nil in a read-only environment whose store never
    /// handed out a sequence (there is nothing to read then).
    let sequences: MDB_dbi?
    /// Whether the environment was opened `MDB_RDONLY`.
    let readOnly: Bool

    private static let open = Mutex<[String: WeakEnvironment]>([:])

    /// The environment for `path`, opened now or shared with an earlier opener.
    ///
    /// A writable environment serves a read-only opener too; a read-only one cannot serve a
    /// writer (LMDB forbids a second open in one process), which is refused with the fix.
    static func shared(path: String, options: StoreOptions) throws -> Environment {
        if options.readOnly { try requireExisting(path) } else { try prepareDirectory(path) }
        let key = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
        return try open.withLock { open in
            if let existing = open[key]?.environment {
                if existing.readOnly && !options.readOnly {
                    throw StoreError(
                        .openFailed,
                        message: "store \(path) is open read-only in this process; close the read-only store before opening it for writing")
                }
                return existing
            }
            let environment = try Environment(path: path, options: options)
            open[key] = WeakEnvironment(environment: environment)
            return environment
        }
    }

    private init(path: String, options: StoreOptions) throws {
        self.path = path
        self.readOnly = options.readOnly
        var created: OpaquePointer?
        var rc = mdb_env_create(&created)
        guard rc == 0, let env = created else {
            throw StoreError.lmdb(rc, .openFailed, "cannot create an LMDB environment for \(path)")
        }
        self.env = env
        var flags = UInt32(MDB_NOTLS)
        if !options.durable { flags |= UInt32(MDB_NOSYNC) }
        if options.ephemeral && !options.readOnly { flags |= UInt32(MDB_NOSYNC | MDB_WRITEMAP | MDB_MAPASYNC) }
        if options.readOnly { flags |= UInt32(MDB_RDONLY) }
        rc = mdb_env_set_maxdbs(env, MDB_dbi(options.maxDatabases + 1))
        if rc == 0 { rc = mdb_env_set_maxreaders(env, UInt32(options.maxReaders)) }
        if rc == 0 { rc = mdb_env_set_mapsize(env, options.initialMapSize) }
        if rc == 0 { rc = mdb_env_open(env, path, flags, mdb_mode_t(options.fileMode)) }
        guard rc == 0 else {
            mdb_env_close(env)
            throw Environment.openError(rc, path: path)
        }
        do {
            sequences = try Environment.openInternalDatabase(env, name: "__spin.sequences", readOnly: options.readOnly)
        } catch {
            mdb_env_close(env)
            throw error
        }
    }

    deinit {
        mdb_env_close(env)
    }

    // MARK: - Opening helpers

    static func prepareDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw StoreError(
                    .openFailed, code: ENOTDIR,
                    message: "store path \(path) is a file, not a directory; "
                        + "give a directory path (it is created when missing)")
            }
            return
        }
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            let code = errno
            throw StoreError(
                .openFailed, code: code,
                message: "cannot create store directory \(path): \(String(cString: strerror(code))); "
                    + "create its parent or choose another path")
        }
    }

    /// A read-only open needs the store to exist: it creates nothing.
    static func requireExisting(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
            FileManager.default.fileExists(atPath: path + "/data.mdb")
        else {
            throw StoreError(
                .openFailed, code: ENOENT,
                message: "no store at \(path) to open read-only; open it for writing once to create it")
        }
    }

    private static func openError(_ rc: Int32, path: String) -> StoreError {
        switch rc {
        case EACCES, EPERM:
            return StoreError(
                .openFailed, code: rc,
                message: "permission denied opening store \(path); "
                    + "check the owner and mode of the directory and its data.mdb/lock.mdb")
        case MDB_INVALID, MDB_VERSION_MISMATCH, MDB_CORRUPTED:
            return StoreError(
                .corrupt, code: rc,
                message: "\(path)/data.mdb is not a readable LMDB file (\(String(cString: mdb_strerror(rc)))); "
                    + "restore it from a backup or move it aside to start empty")
        default:
            return StoreError.lmdb(rc, .openFailed, "cannot open store \(path)")
        }
    }

    /// Opens (creating it unless `readOnly`) an internal database; nil when read-only and
    /// the database does not exist.
    private static func openInternalDatabase(_ env: OpaquePointer, name: String, readOnly: Bool) throws -> MDB_dbi? {
        var txn: OpaquePointer?
        var rc = mdb_txn_begin(env, nil, readOnly ? UInt32(MDB_RDONLY) : 0, &txn)
        guard rc == 0 else { throw StoreError.lmdb(rc, .transactionFailed, "cannot begin the setup transaction") }
        var dbi: MDB_dbi = 0
        rc = mdb_dbi_open(txn, name, readOnly ? 0 : UInt32(MDB_CREATE), &dbi)
        if readOnly && rc == MDB_NOTFOUND {
            mdb_txn_abort(txn)
            return nil
        }
        guard rc == 0 else {
            mdb_txn_abort(txn)
            throw StoreError.lmdb(rc, .openFailed, "cannot open the internal database \(name)")
        }
        rc = mdb_txn_commit(txn)
        guard rc == 0 else { throw StoreError.lmdb(rc, .transactionFailed, "cannot commit the setup transaction") }
        return dbi
    }
}


private struct WeakEnvironment {
    weak var environment: Environment?
}
