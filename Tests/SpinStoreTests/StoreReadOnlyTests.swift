import Foundation
import SpinStore
import Testing

@Suite("Read-only stores")
struct StoreReadOnlyTests {
    @Test("a read-only store sees other processes' commits, refuses writes and creates nothing")
    func readOnly() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/store"
        #expect(try runTestkit(["store-writer", path, "2"]).status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: path).sorted()

        let store = try Store(path: path, options: .readOnly)
        func last() throws -> UInt64? { try store.read { txn in try txn.get("last", in: "crash").flatMap { UInt64(storeKey: $0) } } }
        #expect(try last() == 2)
        #expect(try store.read { txn in try txn.database(named: "absent") } == nil)
        // Another process commits while this one has the store open read-only.
        #expect(try runTestkit(["store-writer", path, "3"]).status == 0)
        #expect(try last() == 5)
        do {
            try store.write { txn in try txn.put([1], forKey: "x", in: txn.createDatabase(named: "crash")) }
            Issue.record("a write on a read-only store should fail")
        } catch let error as StoreError {
            #expect(error.kind == .readOnlyTransaction)
            #expect(error.message.contains("read-only"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: path).sorted() == files)
    }

    @Test("opening a missing store read-only fails and creates no directory")
    func missing() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            _ = try Store(path: dir + "/none", options: .readOnly)
            Issue.record("a missing store should not open read-only")
        } catch let error as StoreError {
            #expect(error.kind == .openFailed)
            #expect(error.message.contains("no store at"))
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/none"))
    }
}
