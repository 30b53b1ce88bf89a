import Foundation
import SpinCore
import SpinTestSupport
import Testing

@Suite("Real guests under both supervisors", .serialized)
struct VMLifecycleTests {
    @Test("a VM booted from the test ISO serves HTTP through its port forward, sees its disk, and powers off on shutdown", arguments: SupervisorUnderTest.allCases)
    func bootServeShutdown(_ kind: SupervisorUnderTest) async throws {
        try await SystemTestEnvironment.with(kind) { env in
            let spin = env.spin
            try await spin.createVolume(name: "vol", path: env.directory + "/vol")
            let port = try Loopback.freePort()
            let spec = VMSpec(
                name: "web", cpus: 1, memoryMiB: 256,
                ports: [PortForward(protocol: .tcp, guestPort: 80, hostAddress: "127.0.0.1", hostPort: port)],
                storage: [.disk(volume: "vol", image: "web.qcow2"), .cdrom(path: env.guests.iso)],
                stopTimeoutSeconds: 20,
                newImages: [ImageSpec(volume: "vol", name: "web.qcow2", sizeBytes: 64 << 20, format: .qcow2)])
            let vm = try await spin.createVM(spec)
            #expect(try await spin.status("web").state == .stopped)

            try await spin.startVM("web")
            try await spin.startVM("web")  // a second start is a no-op success
            let running = try await spin.status("web")
            #expect(running.state == .running)
            #expect(running.supervisor.rawValue == kind.rawValue)
            #expect(running.accelerator == "tcg", "KVM does not work on these machines")

            try await env.waitForReady(vm)
            let page = await Self.fetch(port: port, path: "/")
            #expect(page?.contains("spin test guest") == true, "HTTP through the forward: \(page ?? "no answer")")
            let disks = await Self.fetch(port: port, path: "/disks.txt")
            #expect(disks?.contains("vda") == true, "the guest sees its virtio disk: \(disks ?? "no answer")")

            try await spin.shutdownVM("web")
            let stopped = try await spin.status("web")
            #expect(stopped.state == .stopped)
            if kind == .systemd {
                // A non-zero exit would leave the unit failed with Result=exit-code.
                #expect(stopped.process.detail.hasSuffix("inactive/dead (success)"), "\(stopped.process)")
            }
            try await spin.shutdownVM("web")  // a second shutdown is a no-op success
            try await spin.stopVM("web")      // and so is stopping a stopped VM

            if let harness = env.systemd {
                // systemd stopping the unit itself (host shutdown, systemctl stop) runs
                // ExecStop = `spin qmp shutdown`: the guest powers off cleanly, no kill.
                env.clearSerialLog(vm)
                try await spin.startVM("web")
                try await env.waitForReady(vm)
                let manager = try await SystemdManager.connect(scope: harness.scope)
                let result = try await manager.stopUnit("spin-\(vm.id).service", timeout: .seconds(60))
                #expect(result.isDone)
                let unit = try await manager.status(of: "spin-\(vm.id).service")
                #expect(unit.activeState == "inactive" && unit.result == "success", "\(unit)")
                await manager.close()
                #expect(try await spin.status("web").state == .stopped)
            }
        }
    }

    /// Fetches a page, retrying while the guest's network comes up.
    static func fetch(port: Int, path: String) async -> String? {
        var answer: String?
        _ = await Loopback.waitUntil(timeout: .seconds(30), every: .milliseconds(200)) {
            answer = Loopback.httpGet(port: port, path: path)
            return answer?.contains("200") == true
        }
        return answer
    }
}
