import Foundation
import SpinCore
import SpinTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Manager restarts, host restarts and autostart", .serialized)
struct VMHostRestartTests {
    @Test("the user manager killed and started again while a VM runs: spin's next call reconnects, sees the VM and stops it")
    func managerRestart() async throws {
        try await SystemTestEnvironment.with(.systemd) { env in
            let harness = try #require(env.systemd)
            let vm = try await env.spin.createVM(Self.spec(env, "web"))
            try await env.spin.startVM("web")
            let pid = try #require(try await env.spin.status("web").process.pid)
            try await env.withKilledOnExit([pid]) {
                try await env.waitForReady(vm)
                harness.crash()
                try await harness.startAgain()

                // The old connection is dead; the next calls reconnect. The new manager never
                // knew the unit, but qemu still answers on QMP: running, not stopped.
                let seen = try await env.spin.status("web")
                #expect(seen.state == .running, "\(seen.process)")
                try await env.spin.stopVM("web", timeoutSeconds: 20)
                #expect(try await env.spin.status("web").state == .stopped)
                #expect(!Self.isAlive(pid), "qemu \(pid) still runs after stop")

                // And the new manager runs the VM as usual.
                env.clearSerialLog(vm)
                try await env.spin.startVM("web")
                try await env.waitForReady(vm)
                #expect(try await env.spin.status("web").state == .running)
                try await env.spin.stopVM("web", timeoutSeconds: 20)
                #expect(try await env.spin.status("web").state == .stopped)
            }
        }
    }

    @Test("a simulated host restart: VMs read stopped, the autostart VM comes back, the other starts cleanly",
          arguments: SupervisorUnderTest.allCases)
    func hostRestart(_ kind: SupervisorUnderTest) async throws {
        try await SystemTestEnvironment.with(kind, simulatedBoot: true) { env in
            let spin = env.spin
            let auto = try await spin.createVM(Self.spec(env, "auto", autostart: true))
            let manual = try await spin.createVM(Self.spec(env, "manual"))
            #expect(auto.autostart && !manual.autostart)
            try await spin.startVM("auto")
            try await spin.startVM("manual")
            var pids: [Int32] = []
            for name in ["auto", "manual"] { pids.append(try #require(try await spin.status(name).process.pid)) }
            try await env.withKilledOnExit(pids) {
                try await env.waitForReady(auto)
                try await env.waitForReady(manual)

                // The host goes down: every qemu and the manager die, /run is emptied.
                for pid in pids { kill(pid, SIGKILL) }
                env.systemd?.crash()
                try env.emptyRuntimeDirectories()
                if let file = env.bootIDFile { try "boot-2\n".write(toFile: file, atomically: true, encoding: .utf8) }
                env.clearSerialLog(auto)
                env.clearSerialLog(manual)

                let statuses = await spin.statuses(try spin.listVMs())
                for vm in [auto, manual] {
                    let status = try #require(statuses[vm.id], "no status for \(vm.name)")
                    #expect(status.state == .stopped, "\(vm.name): \(status.process)")
                }

                // The host comes up: the manager (systemd) or the server (direct) starts.
                let server = try await env.bootUp()
                defer { server?.terminate() }
                let cameBack = await Loopback.waitUntil(timeout: .seconds(60), every: .milliseconds(100)) {
                    (try? await spin.status("auto"))?.state == .running
                }
                let autoStatus = try? await spin.status("auto")
                #expect(cameBack, "the autostart VM did not come back: \(String(describing: autoStatus?.process))")
                try await env.waitForReady(auto)
                #expect(try await spin.status("manual").state == .stopped)

                try await spin.startVM("manual")
                try await env.waitForReady(manual)
                #expect(try await spin.status("manual").state == .running)
                try await spin.stopVM("manual", timeoutSeconds: 20)
                try await spin.stopVM("auto", timeoutSeconds: 20)
            }
        }
    }

    static func spec(_ env: SystemTestEnvironment, _ name: String, autostart: Bool = false) -> VMSpec {
        VMSpec(name: name, cpus: 1, memoryMiB: 128,
               kernel: DirectBoot(kernel: env.guests.kernel, initrd: env.guests.initrd, append: TestGuests.append),
               stopTimeoutSeconds: 20, autostart: autostart)
    }

    /// Whether `pid` is a live process (a zombie is not).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].split(separator: " ").first
        return state != "Z" && state != "X"
    }
}
