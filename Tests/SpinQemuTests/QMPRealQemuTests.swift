import Foundation
import Glibc
import Testing
@testable import SpinQemu

@Suite("QMP against a real QEMU (TCG)", .serialized)
struct QMPRealQemuTests {
    private func baseArguments(qmp: String) -> [String] {
        ["-accel", "tcg", "-machine", "q35", "-nodefaults", "-no-user-config", "-display", "none", "-S",
         "-qmp", "unix:\(qmp),server=on,wait=off"]
    }

    @Test("prelaunch, cont, stop with events, then quit disconnects and QEMU exits")
    func lifecycle() async throws {
        let directory = try TemporaryDirectory()
        let qmpPath = directory.file("qmp")
        try await withQemu(baseArguments(qmp: qmpPath), log: directory.file("log")) { pid in
            let qmp = try await QMPClient.connect(path: qmpPath, retryFor: .seconds(10), commandTimeout: .seconds(30))
            #expect(qmp.version >= QMPVersion(major: 7, minor: 2, micro: 0))
            let before = try await qmp.queryStatus()
            #expect(before.running == false)
            #expect(["prelaunch", "paused"].contains(before.status))

            var events = qmp.events().makeAsyncIterator()
            try await qmp.cont()
            #expect(try await qmp.queryStatus() == QMPStatus(running: true, status: "running"))
            #expect(await events.next()?.name == "RESUME")
            try await qmp.stop()
            #expect(await events.next()?.name == "STOP")
            #expect(try await qmp.queryStatus().status == "paused")

            let raw = try await qmp.raw(line: #"{"execute": "query-status", "id": 7}"#)
            #expect(raw.contains(#""status":"paused""#))
            #expect(raw.contains(#""id":7"#))
            await #expect(throws: QMPError.self) { try await qmp.execute("no-such-command") }

            try await qmp.quit()
            await qmp.waitForDisconnect()
            await #expect(throws: QMPError.disconnected) { try await qmp.queryStatus() }
            #expect(try await ProcessRunner.waitForExit(pid: pid) == .exited(0))
        }
    }

    @Test("a killed QEMU wakes waitForDisconnect and fails pending calls at once")
    func crashNoticed() async throws {
        let directory = try TemporaryDirectory()
        let qmpPath = directory.file("qmp")
        try await withQemu(baseArguments(qmp: qmpPath), log: directory.file("log")) { pid in
            let qmp = try await QMPClient.connect(path: qmpPath, retryFor: .seconds(10))
            let events = qmp.events()
            kill(pid, SIGKILL)
            await qmp.waitForDisconnect()
            for await _ in events {}
            await #expect(throws: QMPError.disconnected) { try await qmp.queryStatus() }
        }
    }

    @Test("a full QemuConfiguration with comma paths and the sandbox is accepted by QEMU")
    func fullConfiguration() async throws {
        let directory = try TemporaryDirectory()
        let img = QemuImg()
        let diskPath = directory.file("d,1.qcow2")
        let isoPath = directory.file("c,1.iso")
        try await img.create(path: diskPath, format: .qcow2, sizeBytes: 16 << 20)
        try await img.create(path: isoPath, format: .raw, sizeBytes: 1 << 20)
        let thirdDisk = directory.file("f.raw")
        try await img.create(path: thirdDisk, format: .raw, sizeBytes: 1 << 20)
        let secondDisk = directory.file("e.raw")
        try await img.create(path: secondDisk, format: .raw, sizeBytes: 1 << 20)
        let binary = try QemuBinary.discover()
        var config = QemuConfiguration(name: "t,1", accelerator: AcceleratorProbe().choose(.auto).accelerator, memoryMiB: 128)
        config.disks = [QemuDisk(path: diskPath), QemuDisk(path: secondDisk, format: .raw, interface: .ide, cache: .none),
                        QemuDisk(path: thirdDisk, format: .raw, readOnly: true)]
        config.cdroms = [QemuCDROM(path: isoPath)]
        config.bootOrder = [.cdrom, .disk]
        config.network = QemuNetwork(
            forwards: [QemuPortForward(hostPort: Int.random(in: 20000...60000), guestPort: 80)],
            macAddress: "52:54:00:12:34:56")
        config.serial = QemuSerial(socketPath: directory.file("s,1"), logPath: directory.file("l,1"))
        config.qmpSocketPath = directory.file("q,1")
        config.vncSocketPath = directory.file("v,1")
        config.pidFilePath = directory.file("p,1")
        config.noReboot = true
        config.sandbox = await binary.supportsSandbox()
        config.extraArguments = ["-S"]
        let arguments = try config.arguments()
        try await withQemu(arguments, log: directory.file("log")) { _ in
            let qmp: QMPClient
            do {
                qmp = try await QMPClient.connect(path: directory.file("q,1"), retryFor: .seconds(10))
            } catch {
                let log = (try? String(contentsOfFile: directory.file("log"), encoding: .utf8)) ?? ""
                Issue.record("QEMU did not start: \(log)\nargv: \(arguments)")
                throw error
            }
            let blocks = try await qmp.queryBlock()
            #expect(blocks.contains { $0.inserted?.file == diskPath })
            #expect(blocks.contains { $0.inserted?.file == isoPath && $0.removable })
            let chardevs = try await qmp.queryChardev()
            #expect(chardevs.contains { $0.label == "serial0" && $0.filename.contains("s,1") })
            let vnc = try await qmp.queryVNC()
            #expect(vnc.enabled)
            #expect(vnc.family == "unix")
            #expect(FileManager.default.fileExists(atPath: directory.file("p,1")))
            try await qmp.quit()
            await qmp.waitForDisconnect()
        }
    }

    @Test("qemu -daemonize started through ProcessRunner returns when ready and is stoppable")
    func daemonized() async throws {
        let directory = try TemporaryDirectory()
        let binary = try QemuBinary.discover()
        var config = QemuConfiguration(name: "d", memoryMiB: 64)
        config.qmpSocketPath = directory.file("q")
        config.pidFilePath = directory.file("pid")
        config.daemonize = true
        config.sandbox = await binary.supportsSandbox()
        config.extraArguments = ["-S"]
        _ = try await ProcessRunner.run(binary.systemPath, try config.arguments())
        let pidText = try String(contentsOfFile: directory.file("pid"), encoding: .utf8)
        let pid = try #require(pid_t(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
        defer { kill(pid, SIGKILL) }
        let qmp = try await QMPClient.connect(path: directory.file("q"), retryFor: .seconds(5))
        #expect(try await qmp.queryStatus().running == false)
        // No guest is running to honour the power button: the graceful path times out.
        #expect(try await qmp.shutdown(timeout: .milliseconds(300)) == false)
        try await qmp.quit()
        await qmp.waitForDisconnect()
        #expect(try await waitUntilGone(pid))
    }
}
