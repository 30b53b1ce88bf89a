import Foundation
import SpinCore
import SpinTestSupport
import Testing

/// Snapshots of the real Debian 12 guest under TCG: two boots cover a memory snapshot
/// (a counter process continues from its value, no reboot), listing and deleting while it
/// runs, a disk-only snapshot taken with the guest's filesystems frozen, and a disk revert
/// of the stopped VM that brings a deleted file back.
@Suite(
    "spin snapshot with a real Debian 12 guest (TCG)",
    .serialized,
    .enabled(if: DebianTestGuest.isBuilt, "the Debian test guest is not built; run scripts/build-debian-guest")
)
struct DebianSnapshotCLITests {
    @Test("write a file, snapshot, delete it, revert: it is back; --memory: a counter continues from its value and the boot id stays; list while running; delete frees the space", .timeLimit(.minutes(25)))
    func fileAndMemoryRevert() async throws {
        let guest = try DebianTestGuest.locate()
        try await CLI.with { cli in
            defer { LifecycleCLITests.cleanUp(cli) }
            func spin(_ arguments: [String]) throws -> CLI.Result { try cli.run(cli.rooted(arguments), root: false) }
            func guestText(_ command: String) throws -> String {
                let result = try spin(["exec", "web", "--", "sh", "-c", command])
                #expect(result.status == 0, "\(command): \(result)")
                return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            func waitForExec() async throws {
                var last: CLI.Result?
                let answered = await Loopback.waitUntil(timeout: .seconds(900), every: .seconds(2)) {
                    last = try? spin(["exec", "web", "--", "true"])
                    return last?.status == 0
                }
                try #require(answered, "spin exec web -- true never succeeded: \(last.map(String.init(describing:)) ?? "-")\n\(DebianGuestCLITests.serialTail(cli))")
            }
            try cli.ok(["volume", "create", "vol"])
            try cli.ok(["image", "import", "vol", "debian-12", guest.rootDisk, "--base"])
            try cli.ok(["vm", "create", "web", "--from", "vol/debian-12", "-c", "2", "-m", "1024", "--kernel", guest.kernel, "--initrd", guest.initrd,
                        "--append", DebianTestGuest.append])
            let disk = cli.root + "/images/vol/web.qcow2"
            let clock = ContinuousClock()
            let started = clock.now
            try cli.ok(["start", "web"])
            try await waitForExec()
            print("DebianSnapshotCLITests: exec answered \(started.duration(to: clock.now)) after start")
            #expect((try cli.json(["snapshot", "list", "web"]) as? [Any])?.isEmpty == true, "list works while the VM runs")

            // A disk-only snapshot of the running guest (filesystems frozen through its agent).
            _ = try guestText("echo kept > /root/keep.txt && sync")
            var timer = clock.now
            try cli.ok(["snapshot", "create", "web", "files"])
            print("DebianSnapshotCLITests: disk-only create while running took \(timer.duration(to: clock.now))")
            #expect(try guestText("echo still-writable > /root/after.txt && cat /root/after.txt") == "still-writable", "the guest was thawed")
            // qemu-ga logs each freeze to the journal: the snapshot was taken with the filesystems frozen.
            let journal = try spin(["exec", "web", "--", "journalctl", "-b", "--no-pager", "-q", "-t", "qemu-ga"]).stdout
            #expect(journal.contains("guest-fsfreeze called"), "qemu-ga's journal: \(journal.suffix(800))")

            // A counter in memory only (/run is tmpfs), then a memory snapshot.
            _ = try guestText("setsid sh -c 'i=0; while true; do i=$((i+1)); echo $i > /run/counter; sleep 0.2; done' </dev/null >/dev/null 2>&1 &")
            let bootID = try guestText("cat /proc/sys/kernel/random/boot_id")
            try await Task.sleep(for: .seconds(2))
            let beforeSnapshot = Int(try guestText("cat /run/counter")) ?? -1
            timer = clock.now
            try cli.ok(["snapshot", "create", "web", "mem", "--memory"])
            print("DebianSnapshotCLITests: memory create (1 GiB guest) took \(timer.duration(to: clock.now))")
            let afterSnapshot = Int(try guestText("cat /run/counter")) ?? -1
            #expect(afterSnapshot >= beforeSnapshot && beforeSnapshot > 0, "\(beforeSnapshot) → \(afterSnapshot)")
            try await Task.sleep(for: .seconds(4))
            _ = try guestText("rm /root/keep.txt && sync")
            let later = Int(try guestText("cat /run/counter")) ?? -1

            let listed = try #require(try cli.json(["snapshot", "list", "web"]) as? [[String: Any]])
            #expect(listed.map { $0["name"] as? String } == ["files", "mem"] && listed.allSatisfy { $0["state"] as? String == "ready" && $0["missingDisks"] == nil }, "\(listed)")
            #expect(listed.last?["memory"] as? Bool == true)
            let memoryBytes = ((listed.last?["disks"] as? [[String: Any]]) ?? []).compactMap { $0["vmStateBytes"] as? Int }.reduce(0, +)
            #expect(memoryBytes > 0, "the memory snapshot holds the guest's memory state: \(listed)")
            print("DebianSnapshotCLITests: memory state of the 1 GiB guest: \(memoryBytes) bytes")
            #expect(try cli.ok(["snapshot", "list", "web"]).contains("memory"))

            // A disk-only snapshot cannot be loaded into a running guest.
            #expect(try cli.fails(["snapshot", "revert", "web", "files"], 5).contains("spin stop web"))

            timer = clock.now
            try cli.ok(["snapshot", "revert", "web", "mem"])
            print("DebianSnapshotCLITests: memory revert took \(timer.duration(to: clock.now))")
            let reverted = Int(try guestText("cat /run/counter")) ?? -1
            #expect(reverted >= beforeSnapshot && reverted < later, "the counter continues from its saved value: before \(beforeSnapshot), after \(afterSnapshot), later \(later), after revert \(reverted)")
            #expect(try guestText("cat /proc/sys/kernel/random/boot_id") == bootID, "no reboot")
            #expect(try guestText("cat /root/keep.txt") == "kept", "the file deleted after the snapshot is back")
            try await Task.sleep(for: .seconds(2))
            #expect((Int(try guestText("cat /run/counter")) ?? -1) > reverted, "the counter process runs on")

            // A revert leaves the loaded memory state referenced by the disk's current state
            // (qcow2 copies the snapshot's whole table); the next memory snapshot lets it go.
            try cli.ok(["snapshot", "create", "web", "mem2", "--memory"])

            // Stopped: delete the memory snapshots (their space is freed), revert the disks.
            _ = try guestText("rm /root/keep.txt && sync")
            try cli.ok(["stop", "web"])
            for name in ["mem", "mem2"] {
                let sizeBefore = try #require(try Self.actualSize(disk))
                try cli.ok(["snapshot", "delete", "web", name])
                let sizeAfter = try #require(try Self.actualSize(disk))
                #expect(try !SnapshotCLITests.held(disk).contains(name))
                #expect(sizeAfter + memoryBytes / 4 < sizeBefore, "deleting \(name) frees its memory state (\(memoryBytes) bytes for mem): \(sizeBefore) → \(sizeAfter) bytes")
                print("DebianSnapshotCLITests: deleting \(name) freed \(sizeBefore - sizeAfter) bytes")
            }
            try cli.ok(["snapshot", "revert", "web", "files"])

            try cli.ok(["start", "web"])
            try await waitForExec()
            #expect(try guestText("cat /root/keep.txt") == "kept", "the disk revert brought the file back")
            #expect(try spin(["exec", "web", "--", "test", "-e", "/root/after.txt"]).status != 0, "written after the snapshot: gone")
            // Deleting while running goes through QMP.
            try cli.ok(["snapshot", "delete", "web", "files"])
            #expect((try cli.json(["snapshot", "list", "web"]) as? [Any])?.isEmpty == true)
            try cli.ok(["stop", "web"])
            #expect(try SnapshotCLITests.held(disk).isEmpty)
        }
    }

    /// `qemu-img info -U`'s actual-size of a qcow2 file.
    static func actualSize(_ path: String) throws -> Int? {
        let result = try SnapshotCLITests.tool("qemu-img", ["info", "-U", "-f", "qcow2", "--output=json", path])
        let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        return object?["actual-size"] as? Int
    }
}
