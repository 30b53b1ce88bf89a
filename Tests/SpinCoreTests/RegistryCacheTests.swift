import Foundation
import SpinCore
import Testing

@Suite("Registry listing cache")
struct RegistryCacheTests {
    @Test("a listing sees changes another registry on the same store made after it cached")
    func seesOtherWriters() throws {
        let temp = try TemporaryRegistry()
        let mine = temp.registry
        let theirs = try Registry(store: temp.store)
        for name in ["a", "b", "c"] { try mine.createVM(VMSpec(name: name)) }
        #expect(try mine.listVMs().map(\.name) == ["a", "b", "c"])

        try theirs.updateVM("b") { $0.cpus = 8 }
        try theirs.deleteVM("c")
        try theirs.createVM(VMSpec(name: "d"))
        let listed = try mine.listVMs()
        #expect(listed.map(\.name) == ["a", "b", "d"])
        #expect(listed[1].cpus == 8)
        #expect(try mine.listVMs() == theirs.listVMs())
    }

    @Test("a listing after this registry's own changes is current")
    func seesOwnChanges() throws {
        let temp = try TemporaryRegistry()
        let r = temp.registry
        try r.createVM(VMSpec(name: "a"))
        _ = try r.listVMs()
        let changed = try r.updateVM("a") { $0.labels = ["k": "v"] }
        #expect(try r.listVMs() == [changed])
        try r.deleteVM("a")
        #expect(try r.listVMs().isEmpty)
    }
}
