import Foundation
import SpinCore
import SpinTestSupport
import Testing

/// A running VM's drives are in use: nothing detaches, deletes, moves or resizes them under the
/// live qemu, and deleting the VM stops it first instead of leaving a process behind.
@Suite("spin with a running VM's drives", .serialized)
struct DrivesInUseCLITests {
    @Test("detach, image delete, move and resize of a running VM's disk are refused with the fix; the file stays intact", arguments: CLISupervisor.allCases)
    func runningDiskIsInUse(_ kind: CLISupervisor) async throws {
        let guests = try TestGuests.locate()
        try await ConcurrentCLI.with(kind) { harness in
            try harness.ok(["volume", "create", "vol"])
            try harness.ok(["vm", "create", "web", "vol"] + guests.directBootOptions)
            try harness.ok(["start", "web"])
            let disk = try #require(try harness.vms().first?.disks.first)
            let before = try FileManager.default.attributesOfItem(atPath: disk)[.systemFileNumber] as? Int

            let detach = try harness.run(["vm", "image", "detach", "web", "0"])
            #expect(detach.status == 5 || detach.status == 4, "\(detach)")
            #expect(detach.stderr.contains("stop it first"), "\(detach)")
            #expect(try harness.vms().first?.disks == [disk], "the record keeps the drive")

            let image = (disk as NSString).lastPathComponent
            let delete = try harness.run(["image", "delete", "vol", image])
            #expect(delete.status != 0, "\(delete)")
            let move = try harness.run(["image", "move", "vol", image, "vol", "moved.qcow2"])
            #expect(move.status != 0, "\(move)")
            let resize = try harness.run(["image", "resize", "vol", image, "--size", "128M"])
            #expect(resize.status != 0, "\(resize)")
            #expect(resize.stderr.contains("open by a running qemu") || resize.stderr.contains("stop"), "\(resize)")

            #expect(FileManager.default.fileExists(atPath: disk))
            #expect(try FileManager.default.attributesOfItem(atPath: disk)[.systemFileNumber] as? Int == before, "the very same file")
            #expect(!FileManager.default.fileExists(atPath: (disk as NSString).deletingLastPathComponent + "/moved.qcow2"))
            #expect(harness.qemuPIDs(1).count == 1, "the guest still runs")
            try harness.checkInvariants("after refused changes")

            // Deleting the running VM stops it first (and says so), leaving no process.
            let deleted = try harness.run(["vm", "delete", "web"])
            #expect(deleted.status == 0, "\(deleted)")
            #expect(deleted.stderr.contains("stopping it first"), "\(deleted)")
            #expect(harness.qemuPIDs(1).isEmpty)
            #expect(!FileManager.default.fileExists(atPath: disk))
            try harness.checkInvariants("after deleting the running VM")
        }
    }
}
