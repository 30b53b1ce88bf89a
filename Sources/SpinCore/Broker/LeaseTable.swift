import Foundation
import SpinStore
import Synchronization

/// Live leases, kept in a store of their own beside the main one.
///
/// A lease is ephemeral: when a process dies its leases must run out, and after a reboot none
/// is valid. So leases are committed without fsync (fast `next`), live apart from the durable
/// store (whose integrity never depends on them), are voided when the boot id changes, and
/// the table is rebuilt from scratch if a host crash ever leaves it unreadable. Losing a lease
/// only makes its command ready again, which at-least-once delivery allows.
final class LeaseTable: Sendable {
    struct Entry: Sendable {
        var token: UUID
        var resource: String
        var expiresAtMillis: Int64
        /// The process that took the lease: once it is gone the lease is void at once, so a
        /// killed agent's command goes to the next agent without waiting for the expiry.
        var holder: ProcessIdentity?

        /// Token (16 bytes), expiry (8 bytes, big-endian), resource (UTF-8), then a zero byte
        /// and the holder's pid and start time (8 bytes each). Entries written without a
        /// holder end after the resource.
        var bytes: [UInt8] {
            var bytes = token.storeKeyBytes + UInt64(bitPattern: expiresAtMillis).storeKeyBytes + Array(resource.utf8)
            if let holder {
                bytes += [0] + UInt64(UInt32(bitPattern: holder.pid)).storeKeyBytes + holder.startTime.storeKeyBytes
            }
            return bytes
        }

        init(token: UUID, resource: String, expiresAtMillis: Int64, holder: ProcessIdentity? = LeaseTable.thisProcess) {
            self.token = token
            self.resource = resource
            self.expiresAtMillis = expiresAtMillis
            self.holder = holder
        }

        init?(bytes: [UInt8]) {
            guard bytes.count >= 24, let token = UUID(storeKey: Array(bytes[0..<16])),
                let expiry = UInt64(storeKey: bytes[16..<24])
            else { return nil }
            var rest = bytes[24...]
            var holder: ProcessIdentity?
            if let zero = rest.firstIndex(of: 0), bytes.endIndex - zero == 17,
                let pid = UInt64(storeKey: bytes[(zero + 1)..<(zero + 9)]), let start = UInt64(storeKey: bytes[(zero + 9)...])
            {
                holder = ProcessIdentity(pid: Int32(truncatingIfNeeded: pid), startTime: start)
                rest = bytes[24..<zero]
            }
            self.init(token: token, resource: String(decoding: rest, as: UTF8.self), expiresAtMillis: Int64(bitPattern: expiry), holder: holder)
        }

        /// Whether the lease still counts at `now`: not expired, and its holder alive.
        func isLive(now: Int64) -> Bool {
            guard expiresAtMillis > now else { return false }
            guard let holder, holder != LeaseTable.thisProcess else { return true }
            return holder.isAlive
        }
    }

    /// This process, as lease holder.
    static let thisProcess = ProcessIdentity.current(pid: getpid())

    /// The table's directory.
    let path: String
    /// Whether this process only looks (read-only commands): the table is then opened
    /// `MDB_RDONLY` if it exists, never created, and a missing table holds no lease.
    let readOnly: Bool
    private let opened = Mutex<Store?>(nil)
    private static let leases = "leases"
    private static let meta = "meta"

    /// A table at `path`, opened on first use, so a process that never asks about leases
    /// (a read-only listing) never touches it.
    init(path: String, readOnly: Bool = false) {
        self.path = path
        self.readOnly = readOnly
    }

    /// The table's store, opened (and, writable, created and checked against the boot id)
    /// on first use; nil when read-only and the table does not exist.
    func store() throws -> Store? {
        try opened.withLock { opened in
            if let opened { return opened }
            let store = readOnly ? try Self.openReadOnly(path) : try Self.openWritable(path)
            opened = store
            return store
        }
    }

    private static func openReadOnly(_ path: String) throws -> Store? {
        guard FileManager.default.fileExists(atPath: path + "/data.mdb") else { return nil }
        return try Store(path: path, options: StoreOptions(initialMapSize: 8 << 20, durable: false, readOnly: true))
    }

    private static func openWritable(_ path: String) throws -> Store {
        let options = StoreOptions(initialMapSize: 8 << 20, durable: false, ephemeral: true)
        let bootID = LeaseTable.currentBootID()
        var store: Store
        do {
            store = try Store(path: path, options: options)
        } catch let error as StoreError where error.kind == .corrupt {
            try? FileManager.default.removeItem(atPath: path)
            store = try Store(path: path, options: options)
        }
        // Every open after the first finds this boot's id recorded: a read, no commit.
        let current = try store.read { txn -> Bool in
            guard try txn.database(named: Self.leases) != nil, let meta = try txn.database(named: Self.meta) else { return false }
            return try txn.get("boot", in: meta).map { String(decoding: $0, as: UTF8.self) } == bootID
        }
        if current { return store }
        try store.write { txn in
            let meta = try txn.createDatabase(named: Self.meta)
            let leases = try txn.createDatabase(named: Self.leases)
            let recorded = try txn.get("boot", in: meta).map { String(decoding: $0, as: UTF8.self) }
            if recorded != bootID {
                try txn.removeAll(in: leases)
                try txn.put(Array(bootID.utf8), forKey: "boot", in: meta)
            }
        }
        return store
    }

    /// Runs `body` in a read transaction of the table; nil when there is no table to read.
    func read<R>(_ body: (ReadTransaction, Database) throws -> R?) throws -> R? {
        guard let store = try store() else { return nil }
        return try store.read { txn in
            guard let db = try txn.database(named: Self.leases) else { return nil }
            return try body(txn, db)
        }
    }

    /// Runs `body` in the lease table's write transaction: leases are taken one process at a
    /// time, which is what makes a command go to one agent.
    func withLock<R>(_ body: (WriteTransaction, Database) throws -> R) throws -> R {
        guard let store = try store() else {
            throw SpinError(.failedPrecondition, "the lease table \(path) is open read-only in this process; leases are taken by agents")
        }
        return try store.write { txn in try body(txn, try txn.createDatabase(named: Self.leases)) }
    }

    /// The live lease of a command, if any.
    static func live(_ txn: ReadTransaction, _ db: Database, command: UUID, now: Int64) throws -> Entry? {
        guard let entry = try txn.get(command, in: db).flatMap(Entry.init(bytes:)) else { return nil }
        return entry.isLive(now: now) ? entry : nil
    }

    /// Every live lease of the resource (or all), for status and wake-up deadlines.
    func liveLeases(resource: String? = nil, now: Int64) throws -> [UUID: Entry] {
        try read { txn, db in
            var result: [UUID: Entry] = [:]
            for entry in try txn.entries(in: db) {
                guard let id = UUID(storeKey: entry.key), let lease = Entry(bytes: entry.value),
                    lease.isLive(now: now), resource == nil || lease.resource == resource
                else { continue }
                result[id] = lease
            }
            return result
        } ?? [:]
    }

    /// Drops a command's lease if `token` still holds it (live or not).
    /// - Returns: whether a lease was dropped.
    func release(_ command: UUID, token: UUID) throws -> Bool {
        try withLock { txn, db in
            guard let entry = try txn.get(command, in: db).flatMap(Entry.init(bytes:)), entry.token == token else { return false }
            return try txn.delete(command, in: db)
        }
    }

    private static func currentBootID() -> String {
        (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
    }
}
