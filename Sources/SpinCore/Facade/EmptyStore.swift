import Foundation
import SpinStore

/// An empty store that exists only in this process: what a read-only look at a root without a
/// store reads, so that looking creates nothing in the root.
///
/// It lives in a fresh private directory under the temporary directory, whose files are
/// unlinked as soon as LMDB has them open and mapped: nothing is left behind, even when the
/// process is killed.
enum EmptyStore {
    static func open() throws -> Store {
        let template = (NSTemporaryDirectory() as NSString).appendingPathComponent("spin-empty.XXXXXX")
        var buffer = Array(template.utf8CString)
        guard let made = mkdtemp(&buffer) else {
            throw SpinError(.internal, "cannot make a temporary directory under \(NSTemporaryDirectory()): \(String(cString: strerror(errno)))")
        }
        let directory = String(cString: made)
        defer {
            unlink(directory + "/data.mdb")
            unlink(directory + "/lock.mdb")
            rmdir(directory)
        }
        let store = try Store(path: directory, options: StoreOptions(initialMapSize: 1 << 20, durable: false))
        try store.prepare(databases: Registry.databaseNames)
        return store
    }
}
