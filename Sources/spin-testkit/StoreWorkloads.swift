import Foundation
import SpinStore

/// Store workloads run in a child process by SpinStoreTests.
enum StoreWorkloads {
    /// Keys written by each transaction of ``writer(_:)``.
    static let keysPerTransaction = 10

    /// `store-writer PATH [LIMIT]`: commits transactions numbered after the store's `last`,
    /// each writing ``keysPerTransaction`` keys plus `last`, and prints `committed N` after each
    /// commit. Runs until killed or LIMIT transactions.
    static func writer(_ arguments: [String]) throws {
        guard arguments.count >= 2 else { fail("usage: store-writer PATH [LIMIT]") }
        let limit = arguments.count > 2 ? Int(arguments[2]) ?? .max : .max
        let store = try Store(path: arguments[1], options: StoreOptions(initialMapSize: 256 << 10))
        var done = 0
        while done < limit {
            let number = try store.write { txn -> UInt64 in
                let db = try txn.createDatabase(named: "crash")
                let last = try txn.get("last", in: db).flatMap { UInt64(storeKey: $0) } ?? 0
                let next = last + 1
                let payload = [UInt8](repeating: UInt8(truncatingIfNeeded: next), count: 512)
                for k in 0..<keysPerTransaction {
                    try txn.put(payload, forKey: "t\(next)-\(k)", in: db)
                }
                try txn.put(next.storeKeyBytes, forKey: "last", in: db)
                return next
            }
            emit("committed \(number)")
            done += 1
        }
    }

    /// `store-sequences PATH COUNT`: takes COUNT values of the `seq` database's sequence, one
    /// transaction each, also recording each under its own key, and prints them.
    static func sequences(_ arguments: [String]) throws {
        guard arguments.count == 3, let count = Int(arguments[2]) else { fail("usage: store-sequences PATH COUNT") }
        let store = try Store(path: arguments[1])
        for _ in 0..<count {
            let value = try store.write { txn -> UInt64 in
                let db = try txn.createDatabase(named: "seq")
                let value = try txn.nextSequence(for: db)
                try txn.put(Array("pid \(getpid())".utf8), forKey: value, in: db)
                return value
            }
            emit(String(value))
        }
    }

    /// `store-open-as PATH UID`: drops to UID, then opens the store; prints the error message
    /// and exits 1 when opening fails.
    static func openAs(_ arguments: [String]) throws {
        guard arguments.count == 3, let uid = UInt32(arguments[2]) else { fail("usage: store-open-as PATH UID") }
        guard setgid(uid) == 0, setuid(uid) == 0 else { fail("cannot switch to uid \(uid)") }
        do {
            _ = try Store(path: arguments[1])
            emit("opened")
        } catch let error as StoreError {
            emit(error.message)
            exit(1)
        }
    }
}
