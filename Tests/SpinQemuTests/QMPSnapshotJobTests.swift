import Foundation
import Testing
@testable import SpinQemu

/// QMP snapshot calls against a real QEMU (TCG, no guest): jobs waited for, errors read and
/// dismissed, the disk-only transaction atomic across disks.
@Suite("QMP snapshot jobs against a real QEMU (TCG)", .serialized)
struct QMPSnapshotJobTests {
    @Test("snapshot-save/load/delete jobs conclude and are dismissed; a failing job throws its error; the transaction takes both disks or neither; query-block lists the snapshots")
    func jobs() async throws {
        let directory = try TemporaryDirectory()
        let qmpPath = directory.file("qmp")
        let disks = [directory.file("a.qcow2"), directory.file("b.qcow2")]
        for disk in disks { try await QemuImg().create(path: disk, format: .qcow2, sizeBytes: 16 << 20) }
        var arguments = ["-accel", "tcg", "-machine", "q35", "-m", "64", "-nodefaults", "-no-user-config", "-display", "none", "-S",
                         "-qmp", "unix:\(qmpPath),server=on,wait=off"]
        for (index, disk) in disks.enumerated() {
            arguments += QemuDisk(path: disk).qemuArguments(index: index)
        }
        try await withQemu(arguments, log: directory.file("log")) { _ in
            let qmp = try await QMPClient.connect(path: qmpPath, retryFor: .seconds(10), commandTimeout: .seconds(60))
            defer { qmp.close() }
            let blocks = try await qmp.blockSnapshots()
            let nodes = try disks.map { disk in try #require(blocks.first { $0.file == disk }?.nodeName) }

            try await qmp.saveSnapshot(tag: "m1", vmstate: nodes[0], devices: nodes, jobID: "job1")
            #expect(try await qmp.queryJobs().isEmpty, "the concluded job was dismissed")
            let after = try await qmp.blockSnapshots().filter { nodes.contains($0.nodeName) }
            #expect(after.allSatisfy { $0.snapshots.map(\.name) == ["m1"] })
            #expect(after.first { $0.nodeName == nodes[0] }?.snapshots.first?.vmStateSize ?? 0 > 0)

            try await qmp.loadSnapshot(tag: "m1", vmstate: nodes[0], devices: nodes, jobID: "job2")
            do {
                try await qmp.loadSnapshot(tag: "nope", vmstate: nodes[0], devices: nodes, jobID: "job3")
                Issue.record("loading a missing snapshot succeeded")
            } catch QMPError.commandFailed(let errorClass, let description) {
                #expect(errorClass == "JobFailed" && description.contains("job3"), "\(description)")
            }
            #expect(try await qmp.queryJobs().isEmpty, "the failed job was dismissed too")
            try await qmp.finishJob("no-such-job")

            try await qmp.snapshotDisks(name: "d1", devices: nodes)
            // A name taken on the second disk only: the transaction refuses, the first gets none.
            try await qmp.execute("blockdev-snapshot-internal-sync", arguments: ["device": .string(nodes[1]), "name": "d2"])
            await #expect(throws: QMPError.self) { try await qmp.snapshotDisks(name: "d2", devices: nodes) }
            let held = try await qmp.blockSnapshots().first { $0.nodeName == nodes[0] }?.snapshots.map(\.name)
            #expect(held == ["m1", "d1"], "\(String(describing: held))")

            try await qmp.deleteSnapshot(tag: "m1", devices: nodes, jobID: "job4")
            let left = try await qmp.blockSnapshots().filter { nodes.contains($0.nodeName) }.map { $0.snapshots.map(\.name) }
            #expect(left == [["d1"], ["d1", "d2"]], "\(left)")
            try await qmp.quit()
        }
    }
}
