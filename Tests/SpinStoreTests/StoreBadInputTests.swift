import Foundation
import SpinStore
import Testing

@Suite("Bad input")
struct StoreBadInputTests {
    @Test("a store path that is a file is refused with a message that says so")
    func pathIsFile() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/file"
        _ = FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        do {
            _ = try Store(path: file)
            Issue.record("opening a file as a store should fail")
        } catch let error as StoreError {
            #expect(error.kind == .openFailed)
            #expect(error.message.contains("is a file, not a directory"))
        }
    }

    @Test("a directory the user may not write is refused with a permission message")
    func noPermission() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let storeDir = dir + "/locked"
        try FileManager.default.createDirectory(atPath: storeDir, withIntermediateDirectories: false)
        chmod(dir, 0o755)
        chmod(storeDir, 0o500)
        if getuid() == 0 {
            // Root ignores modes: open it as nobody in a child process.
            let result = try runTestkit(["store-open-as", storeDir, "65534"])
            #expect(result.status == 1)
            #expect(result.output.contains("permission denied"))
        } else {
            do {
                _ = try Store(path: storeDir)
                Issue.record("opening a read-only directory should fail")
            } catch let error as StoreError {
                #expect(error.message.contains("permission denied"))
            }
        }
    }

    @Test("a corrupt data file gives a corrupt-store error, not a crash")
    func corruptFile() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let storeDir = dir + "/bad"
        try FileManager.default.createDirectory(atPath: storeDir, withIntermediateDirectories: false)
        let garbage = Data((0..<65536).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        _ = FileManager.default.createFile(atPath: storeDir + "/data.mdb", contents: garbage)
        do {
            _ = try Store(path: storeDir)
            Issue.record("opening garbage should fail")
        } catch let error as StoreError {
            #expect(error.kind == .corrupt)
            #expect(error.message.contains("data.mdb"))
        }
    }

    @Test("a missing parent directory is reported with the path")
    func missingParent() throws {
        do {
            _ = try Store(path: "/nonexistent-spin-parent/x/store")
            Issue.record("should fail")
        } catch let error as StoreError {
            #expect(error.message.contains("/nonexistent-spin-parent/x/store"))
        }
    }

    @Test("store files are created with mode 0600")
    func fileMode() throws {
        let temp = try TemporaryStore()
        let attributes = try FileManager.default.attributesOfItem(atPath: temp.path + "/data.mdb")
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
        #expect(mode & 0o777 == 0o600)
    }
}
