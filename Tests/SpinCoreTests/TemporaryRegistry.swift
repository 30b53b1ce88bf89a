import Foundation
import SpinCore
import SpinStore

/// A registry over a store in a fresh directory under /tmp, removed when released.
final class TemporaryRegistry {
    let directory: String
    let store: Store
    let registry: Registry

    init() throws {
        var template = Array("/tmp/spin-registry-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        directory = String(cString: made)
        store = try Store(path: directory + "/store", options: StoreOptions(durable: false))
        registry = try Registry(store: store)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Every entry of every registry database plus each database's sequence, to prove that a
    /// failed call changed nothing.
    func snapshot() throws -> [String: [StoreEntry]] {
        try store.read { txn in
            var result: [String: [StoreEntry]] = [:]
            for name in Registry.databaseNames {
                result[name] = try txn.entries(in: name)
                if let db = try txn.database(named: name) {
                    let sequence = try txn.currentSequence(for: db)
                    result[name + "#sequence"] = [StoreEntry(key: [], value: sequence.storeKeyBytes)]
                }
            }
            return result
        }
    }

    /// A volume `name` at `/srv/<name>` (the directory need not exist).
    @discardableResult
    func volume(_ name: String = "vol1") throws -> Volume {
        try registry.createVolume(name: name, path: "/srv/\(name)")
    }
}

/// The error `body` throws as a ``SpinError``, or nil when it throws none (or another type).
func spinError(_ body: () throws -> Void) -> SpinError? {
    do {
        try body()
        return nil
    } catch {
        return error as? SpinError
    }
}
