import Foundation
import SpinCore
import SpinTestSupport
import Testing

@Suite("Forced stops, crashes and deletion under both supervisors", .serialized)
struct VMForceAndCrashTests {
    static func deafGuest(_ env: SystemTestEnvironment, timeout: Int) -> VMSpec {
        VMSpec(name: "deaf", cpus: 1, memoryMiB: 256, storage: [.disk(volume: "vol", image: "deaf.raw")],
               kernel: DirectBoot(kernel: env.guests.kernel, initrd: env.guests.initrd, append: TestGuests.appendIgnoringACPI),
               stopTimeoutSeconds: timeout,
               newImages: [ImageSpec(volume: "vol", name: "deaf.raw", sizeBytes: 16 << 20, format: .raw)])
    }

    @Test("stop forces a guest that ignores ACPI within its timeout; SIGKILL shows as crashed; start works again; delete leaves nothing", arguments: SupervisorUnderTest.allCases)
    func forceCrashDelete(_ kind: SupervisorUnderTest) async throws {
        try await SystemTestEnvironment.with(kind) { env in
            let spin = env.spin
            try await spin.createVolume(name: "vol", path: env.directory + "/vol")
            let vm = try await spin.createVM(Self.deafGuest(env, timeout: 2))
            try await spin.startVM("deaf")
            try await env.waitForReady(vm)

            // Shutdown never forces: the deaf guest stays up and the action fails.
            await #expect(throws: SpinError.self) { try await spin.shutdownVM("deaf", timeoutSeconds: 1) }
            #expect(try await spin.status("deaf").state == .running)

            let clock = ContinuousClock()
            let stopTook = try await clock.measure { try await spin.stopVM("deaf") }
            let afterStop = try await spin.status("deaf")
            #expect(afterStop.state == .stopped, "\(afterStop.process)")
            #expect(stopTook < .seconds(2 + 2 + 3), "graceful window 2 s, then SIGTERM/SIGKILL: took \(stopTook)")
            try await spin.stopVM("deaf")  // no-op

            // SIGKILL of qemu is a crash, noticed at once; start works again.
            try await spin.startVM("deaf")
            let pid = try #require(try await spin.status("deaf").process.pid)
            kill(pid, SIGKILL)
            let crashed = try await Loopback.waitUntil(timeout: .seconds(2), every: .milliseconds(20)) {
                try await spin.status("deaf").state == .crashed
            }
            let afterKill = try await spin.status("deaf")
            #expect(crashed, "status after SIGKILL: \(afterKill)")
            env.clearSerialLog(vm)
            try await spin.startVM("deaf")
            #expect(try await spin.status("deaf").state == .running)
            try await env.waitForReady(vm)

            // Delete: stop, image, config, runtime files and records all go; the volume stays.
            let paths = RuntimePaths(root: spin.root, vmID: vm.id)
            try await spin.deleteVM("deaf")
            await #expect(throws: SpinError.self) { try await spin.vm("deaf") }
            await #expect(throws: SpinError.self) { try await spin.image(volume: "vol", name: "deaf.raw") }
            #expect(!FileManager.default.fileExists(atPath: env.directory + "/vol/deaf.raw"))
            #expect(!FileManager.default.fileExists(atPath: paths.runtimeDirectory))
            #expect(!FileManager.default.fileExists(atPath: paths.vmDirectory))
            #expect(FileManager.default.fileExists(atPath: env.directory + "/vol"))
            if let systemd = env.systemd {
                #expect(!FileManager.default.fileExists(atPath: systemd.unitDirectory + "/spin-\(vm.id).service"))
            }
            // The commands behind delete are idempotent: running them again succeeds.
            let stopAgain = try CommandDraft(StopAction.self, .init(vmID: vm.id))
            try await spin.run([stopAgain, CommandDraft(RemoveConfigAction.self, .init(vmID: vm.id), dependencies: [stopAgain.id])])
            #expect(!FileManager.default.fileExists(atPath: paths.vmDirectory), "repeating the delete leaves nothing behind")
        }
    }
}
