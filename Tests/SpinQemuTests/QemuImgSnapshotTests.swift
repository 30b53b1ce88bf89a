import Foundation
import SpinQemu
import Testing

@Suite("qemu-img snapshots")
struct QemuImgSnapshotTests {
    @Test("create, list, apply and delete internal snapshots of a real qcow2 file, read as qcow2 without probing; a path with a comma works")
    func lifecycle() async throws {
        let directory = NSTemporaryDirectory() + "spin-qemuimg-snap-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/a,b.qcow2"
        let img = QemuImg()
        try await img.create(path: path, format: .qcow2, sizeBytes: 1 << 20)
        #expect(try await img.listSnapshots(path: path).isEmpty)
        try await img.createSnapshot(path: path, name: "s1")
        try await img.createSnapshot(path: path, name: "s2")
        let listed = try await img.listSnapshots(path: path, forceShare: true)
        #expect(listed.map(\.name) == ["s1", "s2"] && listed.allSatisfy { $0.vmStateSize == 0 && $0.dateSeconds > 0 })
        try await img.applySnapshot(path: path, name: "s1")
        try await img.deleteSnapshot(path: path, name: "s1")
        #expect(try await img.listSnapshots(path: path).map(\.name) == ["s2"])
        await #expect(throws: QemuImg.Error.self) { try await img.deleteSnapshot(path: path, name: "s1") }
        await #expect(throws: QemuImg.Error.self) { try await img.createSnapshot(path: path, name: "-x") }
    }

    @Test("a raw file is never read as qcow2: the snapshot calls fail instead of probing")
    func rawFails() async throws {
        let path = NSTemporaryDirectory() + "spin-qemuimg-raw-\(UUID().uuidString).raw"
        FileManager.default.createFile(atPath: path, contents: Data(count: 1 << 16))
        defer { try? FileManager.default.removeItem(atPath: path) }
        await #expect(throws: QemuImg.Error.self) { try await QemuImg().createSnapshot(path: path, name: "s1") }
    }
}
