import Foundation
import SpinCore
import SpinTestSupport
import Testing

@Suite("qemu runs unprivileged when spin is root, under both supervisors", .serialized)
struct VMPrivilegeTests {
    static func guest(_ env: SystemTestEnvironment, cdrom: String? = nil) -> VMSpec {
        VMSpec(name: "low", cpus: 1, memoryMiB: 256,
               storage: [.disk(volume: "vol", image: "low.qcow2")] + (cdrom.map { [StorageAttachment.cdrom(path: $0)] } ?? []),
               kernel: DirectBoot(kernel: env.guests.kernel, initrd: env.guests.initrd, append: TestGuests.append),
               newImages: [ImageSpec(volume: "vol", name: "low.qcow2", sizeBytes: 16 << 20, format: .qcow2)])
    }

    @Test("qemu's real uid is the qemu user's, never 0, with no capabilities and no new privileges; its runtime directory is its own", arguments: SupervisorUnderTest.allCases)
    func unprivilegedQemu(_ kind: SupervisorUnderTest) async throws {
        try #require(geteuid() == 0, "this test needs root (it checks qemu drops it)")
        let qemuUser = try #require(QemuUser.lookup(name: QemuUser.defaultName), "scripts/install-deps creates \(QemuUser.defaultName)")
        try await SystemTestEnvironment.with(kind) { env in
            let spin = env.spin
            try await spin.createVolume(name: "vol", path: env.directory + "/vol")
            let vm = try await spin.createVM(Self.guest(env))
            try await spin.startVM("low")
            try await env.waitForReady(vm)
            let paths = RuntimePaths(root: spin.root, vmID: vm.id)
            let pids = QemuProcesses.pids(runtimeDirectory: paths.runtimeDirectory)
            #expect(pids.count == 1)
            for pid in pids {
                let uids = try #require(QemuProcesses.uids(of: pid))
                #expect(uids == [qemuUser.uid, qemuUser.uid, qemuUser.uid, qemuUser.uid], "qemu pid \(pid) uids \(uids)")
                #expect(!uids.contains(0))
                #expect(QemuProcesses.field("CapEff", of: pid) == "0000000000000000")
                #expect(QemuProcesses.field("NoNewPrivs", of: pid) == "1")
                #expect(QemuProcesses.field("Seccomp", of: pid) == "2", "qemu's -sandbox is on")
            }
            var info = stat()
            #expect(lstat(paths.runtimeDirectory, &info) == 0)
            #expect(info.st_uid == qemuUser.uid)
            #expect(info.st_mode & 0o777 == 0o700)
            #expect(try await spin.status("low").process.pid == pids.first)
            try await spin.stopVM("low")
            #expect(QemuProcesses.pids(runtimeDirectory: paths.runtimeDirectory).isEmpty)
        }
    }

    @Test("a CD-ROM only root can read fails the start before any qemu runs, naming the file and the qemu user", arguments: SupervisorUnderTest.allCases)
    func rootOnlyCDROM(_ kind: SupervisorUnderTest) async throws {
        try #require(geteuid() == 0, "this test needs root")
        try await SystemTestEnvironment.with(kind) { env in
            let spin = env.spin
            let secret = env.directory + "/secret.iso"
            try Data(repeating: 0x5A, count: 4096).write(to: URL(fileURLWithPath: secret))
            chmod(secret, 0o600)
            try await spin.createVolume(name: "vol", path: env.directory + "/vol")
            let vm = try await spin.createVM(Self.guest(env, cdrom: secret))
            let paths = RuntimePaths(root: spin.root, vmID: vm.id)
            do {
                try await spin.startVM("low")
                Issue.record("the start of a VM with a root-only CD-ROM succeeded")
            } catch let error as SpinError {
                #expect(error.code == .failedPrecondition)
                #expect(error.message.contains(secret), "\(error.message)")
                #expect(error.message.contains(QemuUser.defaultName), "\(error.message)")
            }
            #expect(QemuProcesses.pids(runtimeDirectory: paths.runtimeDirectory).isEmpty)
            #expect(try await spin.status("low").state == .stopped)
            // The file itself was not touched: same mode, no ACL given to anyone.
            var info = stat()
            #expect(stat(secret, &info) == 0 && info.st_mode & 0o777 == 0o600)
            // Made readable by the operator, the same VM starts.
            chmod(secret, 0o644)
            try await spin.startVM("low")
            #expect(try await spin.status("low").state == .running)
            try await spin.stopVM("low", timeoutSeconds: 1)
        }
    }
}
