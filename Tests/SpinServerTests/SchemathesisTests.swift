import Foundation
import SpinCore
import SpinQemu
import SpinServer
import SpinTestSupport
import Testing

/// schemathesis (PyPI, pinned by `scripts/install-deps` into `/var/tmp/spin-venv`) fuzzes
/// every operation of the served OpenAPI document — VM lifecycle, volume create and raw broker
/// commands included — with every check (`--checks all`) against a live server over TCP with
/// the token. The fuzzed VM is the test guest, whose ACPI daemon powers it off when asked, so
/// the fuzz's starts, stops and restarts each take a boot at most.
/// The server's allowed root is a temporary directory, so a fuzzed volume path or
/// raw command can only land there; everything else is 403. Every qemu the fuzz started is
/// stopped afterwards, and the test fails if one is left.
@Suite("Live: schemathesis fuzzes the served OpenAPI document", .serialized)
struct SchemathesisTests {
    @Test("every operation, every check: no failure")
    func fuzzDocument() async throws {
        let executable = Schemathesis.executable
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            Issue.record("schemathesis is missing at \(executable); run scripts/install-deps")
            return
        }
        let started = ContinuousClock.now
        var directory = ""
        try await ServerFixture.with(configure: { options, temporary in
            options.allowedPaths = AllowedRoots([temporary + "/allowed"])
            // A stop of a guest that ignores ACPI waits out its stop timeout (up to an hour);
            // the fuzz does not wait for it: 504 names the package, which goes on.
            options.actionTimeout = .seconds(3)
        }) { fixture in
            directory = fixture.directory
            try FileManager.default.createDirectory(atPath: fixture.directory + "/allowed", withIntermediateDirectories: true)
            let port = try Loopback.freePort()
            let token = "schemathesis-token-0123456789"
            let server = try await LiveServer.start(fixture, listen: .tcp(host: "127.0.0.1", port: port), token: token)
            // A VM, a volume and an image that the config names, so operations on them reach
            // past "not found".
            // The guest's kernel and initrd are copied inside the allowed root.
            let guests = try TestGuests.locate()
            let boot = fixture.directory + "/allowed/boot"
            try FileManager.default.createDirectory(atPath: boot, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: guests.kernel, toPath: boot + "/vmlinuz")
            try FileManager.default.copyItem(atPath: guests.initrd, toPath: boot + "/initrd.img")
            _ = try await fixture.spin.createVM(VMSpec(
                name: "vm1", memoryMiB: 128,
                kernel: DirectBoot(kernel: boot + "/vmlinuz", initrd: boot + "/initrd.img", append: TestGuests.append),
                stopTimeoutSeconds: 1))
            _ = try await fixture.spin.createVolume(name: "vol1")
            _ = try await fixture.spin.createImage(.init(volume: "vol1", name: "a.qcow2", sizeBytes: 1 << 20))
            let config = fixture.directory + "/schemathesis.toml"
            try Schemathesis.config.write(toFile: config, atomically: true, encoding: .utf8)
            let reports = fixture.directory + "/reports"
            let run = Schemathesis(baseURL: "http://127.0.0.1:\(port)", token: token, configPath: config, reportDirectory: reports)
            let result = await run.run(timeout: .seconds(300), outputPath: fixture.directory + "/schemathesis.out", qemuDirectory: fixture.directory)
            await server.stop()
            let output = result.output
            #expect(result.finished, "schemathesis did not finish within its time limit:\n\(output)")
            #expect(result.exitStatus == 0, "schemathesis found problems:\n\(output)")
            let report = Schemathesis.Report(directory: reports)
            let operations = try Schemathesis.documentOperations()
            #expect(operations.count >= 41, "the document lists \(operations.count) operations")
            let fuzzed = Set(operations)
            #expect(report.testedOperations == fuzzed,
                    "schemathesis exercised \(report.testedOperations.count) of \(fuzzed.count) operations; not exercised: \(fuzzed.subtracting(report.testedOperations).sorted())\n\(output)")
            #expect(report.failures == 0 && report.errors == 0, "the JUnit report has \(report.failures) failures and \(report.errors) errors:\n\(output)")
        }
        // The fixture stopped every VM (forced after 1 s) and closed its agents: no qemu the
        // fuzz started may be left.
        let leftover = Self.killQemuProcesses(naming: directory)
        #expect(leftover.isEmpty, "qemu processes were left after the fuzz (now killed): \(leftover)")
        print("schemathesis run took \(ContinuousClock.now - started)")
    }

    /// SIGKILLs every qemu whose command line names `directory`; returns their pids.
    static func killQemuProcesses(naming directory: String) -> [Int32] {
        guard !directory.isEmpty else { return [] }
        let pids = qemuProcesses(naming: directory)
        for pid in pids { kill(pid, SIGKILL) }
        return pids
    }

    /// Live processes whose command line mentions `directory`.
    static func qemuProcesses(naming directory: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard pid != getpid(), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let line = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return line.contains("qemu-system") && line.contains(directory)
        }
    }
}
