import Foundation
import Glibc
import SpinQemu
import SpinTestSupport
import Testing
@testable import SpinCore

/// A real Debian 12 guest under TCG: a qcow2 overlay on the built root disk, direct kernel
/// boot, the cloud-init seed on a read-only virtio drive and the guest agent channel.
@Suite(
    "A real Debian 12 guest with a cloud-init seed and the guest agent (TCG)",
    .serialized,
    .enabled(if: DebianTestGuest.isBuilt, "the Debian test guest is not built; run scripts/build-debian-guest")
)
struct DebianGuestAgentTests {
    @Test("the agent answers, reports the seed's host name, runs uname, lists 10.0.2.15 and powers the guest off", .timeLimit(.minutes(15)))
    func bootWithSeedAndAgent() async throws {
        let guest = try DebianTestGuest.locate()
        let directory = try TemporaryDirectory(prefix: "spin-deb")
        let overlay = directory.path + "/root.qcow2"
        try await QemuImg().create(path: overlay, format: .qcow2, sizeBytes: 3 << 30, backingFile: guest.rootDisk, backingFormat: .qcow2)

        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let seed = try CloudInitSeed(instanceID: "spin-e2e-\(suffix)", hostname: "spin-e2e-\(suffix)", authorizedKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBdWJxBqKqYqNwQZ1c2Ry6Wd7P5W0rS8Zx2z4m2b9k1h spin-test"])
        try await CloudInitSeedWriter().write(seed, to: directory.path + "/seed.iso")

        var config = QemuConfiguration(name: "spin-e2e", accelerator: AcceleratorProbe().choose(.auto).accelerator, cpuCount: 2, memoryMiB: 1024)
        config.disks = [QemuDisk(path: overlay)]
        config.seed = QemuSeedImage(path: directory.path + "/seed.iso")
        config.directBoot = QemuDirectBoot(kernel: guest.kernel, initrd: guest.initrd, append: DebianTestGuest.append)
        config.network = QemuNetwork()
        config.serial = QemuSerial(socketPath: directory.path + "/serial.sock", logPath: directory.path + "/serial.log")
        config.guestAgent = QemuGuestAgentChannel(socketPath: directory.path + "/qga.sock")
        config.noReboot = true
        let arguments = try config.arguments()

        let clock = ContinuousClock()
        let started = clock.now
        let qemu = try ProcessRunner.spawnDetached(try QemuBinary.discover().systemPath, arguments, logPath: directory.path + "/qemu.log")
        var reaped = false
        defer {
            // Never kill a pid that was already reaped: it may belong to someone else by now.
            if !reaped {
                kill(qemu, SIGKILL)
                _ = SpawnedChildReaper.reap(qemu)
            }
        }
        do {
            let agent = try await GuestAgentClient.connect(path: directory.path + "/qga.sock", retryFor: .seconds(30), syncTimeout: .seconds(2), commandTimeout: .seconds(60))
            defer { agent.close() }
            try await agent.waitUntilReady(timeout: .seconds(600))
            let firstPing = started.duration(to: clock.now)
            print("DebianGuestAgentTests: first guest-ping answered \(seconds(firstPing)) after exec (accelerator \(config.accelerator.rawValue))")

            // cloud-init sets the host name a little after the agent starts.
            let hostname = try await poll(within: .seconds(300)) { () -> String? in
                let name = try await agent.hostName()
                return name == seed.hostname ? name : nil
            }
            #expect(hostname == seed.hostname, "cloud-init did not apply the seed's local-hostname")
            print("DebianGuestAgentTests: the seed's host name seen \(seconds(started.duration(to: clock.now))) after exec")

            let uname = try await agent.exec(path: "/usr/bin/uname", arguments: ["-a"], timeout: .seconds(120))
            #expect(uname.exitCode == 0)
            #expect(uname.standardOutputText.hasPrefix("Linux \(seed.hostname) "))
            if let release = guest.manifestValue("kernel_release") {
                #expect(uname.standardOutputText.contains(release))
            }
            let failing = try await agent.exec(path: "/bin/sh", arguments: ["-c", "echo no >&2; exit 3"], timeout: .seconds(120))
            #expect(failing.exitCode == 3 && failing.standardErrorText == "no\n")

            let os = try await agent.osInfo()
            #expect(os.id == "debian" && os.versionID == "12")

            let address = try await poll(within: .seconds(300)) { () -> GuestIPAddress? in
                try await agent.networkInterfaces().externalAddresses.first { $0.address == "10.0.2.15" }
            }
            #expect(address == GuestIPAddress(family: .ipv4, address: "10.0.2.15", prefix: 24))

            #expect(try await agent.filesystemFreezeStatus() == .thawed)
            let frozen = try await agent.filesystemFreeze(timeout: .seconds(120))
            #expect(frozen >= 1)
            #expect(try await agent.filesystemFreezeStatus() == .frozen)
            #expect(try await agent.filesystemThaw(timeout: .seconds(120)) == frozen)

            try await agent.shutdown()
            let exited = try await poll(within: .seconds(180)) { ProcessRunner.isAlive(pid: qemu) ? nil : true }
            #expect(exited == true, "qemu did not exit after guest-shutdown")
            if exited == true {
                #expect(try await ProcessRunner.waitForExit(pid: qemu) == .exited(0))
                reaped = true
            }
            print("DebianGuestAgentTests: qemu exited after guest-shutdown \(seconds(started.duration(to: clock.now))) after exec")
        } catch {
            Issue.record("serial console, last lines:\n\(tail(directory.path + "/serial.log"))\nqemu: \(tail(directory.path + "/qemu.log"))")
            throw error
        }
    }

    /// Calls `body` every second until it returns a value or `within` passes (then `nil`).
    private func poll<T>(within limit: Duration, _ body: () async throws -> T?) async throws -> T? {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while clock.now < deadline {
            if let value = try await body() { return value }
            try await Task.sleep(for: .seconds(1))
        }
        return nil
    }

    private func seconds(_ duration: Duration) -> String {
        let (whole, fraction) = duration.components
        return String(format: "%.1f s", Double(whole) + Double(fraction) / 1e18)
    }

    private func tail(_ path: String, lines: Int = 40) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "(no \(path))"
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}

/// Reaps a child synchronously after SIGKILL (for `defer`, which cannot await).
enum SpawnedChildReaper {
    static func reap(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, 0) == pid
    }
}
