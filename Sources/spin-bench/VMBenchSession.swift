import Foundation
import SpinCore
import SpinHarness
import SpinQemu
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One supervisor's run of `spin-bench vm`: a Spin on a fresh root (and, for systemd, a private
/// manager), `rounds` rounds, and a cleanup that kills every qemu and manager it started,
/// whatever failed.
final class VMBenchSession: Sendable {
    let spin: Spin
    let directory: String
    let guests: BenchGuests
    let memoryMiB: Int
    /// The raw qemu currently running, if any (killed by ``cleanUp()``).
    let rawPID = Mutex<pid_t?>(nil)

    private init(spin: Spin, directory: String, guests: BenchGuests, memoryMiB: Int) {
        self.spin = spin
        self.directory = directory
        self.guests = guests
        self.memoryMiB = memoryMiB
    }

    static func run(kind: SupervisorKind, rounds: Int, memoryMiB: Int, guests: BenchGuests) async throws -> VMBenchResults {
        let directory = try makeBenchDirectory("vm-\(kind.rawValue)")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let root = SpinRoot(explicit: directory + "/root")
        var systemd: PrivateSystemdManager?
        do {
            let options: SpinOptions
            if kind == .systemd {
                let manager = try await PrivateSystemdManager.start()
                systemd = manager
                options = SpinOptions(supervisor: .systemd(scope: manager.scope, unitDirectory: manager.unitDirectory))
            } else {
                options = SpinOptions(supervisor: .direct)
            }
            let session = VMBenchSession(spin: try await Spin.open(root: root, options: options), directory: directory, guests: guests, memoryMiB: memoryMiB)
            if kind == .systemd, session.spin.options.resolvedHelperDescription == nil {
                print("note: no spin executable next to spin-bench: units have no ExecStop (build --product spin for the production shape)")
            }
            do {
                let results = try await session.runRounds(rounds)
                await session.cleanUp()
                await systemd?.stop()
                return results
            } catch {
                await session.cleanUp()
                throw error
            }
        } catch {
            await systemd?.stop()
            throw error
        }
    }

    /// Kills the raw qemu and every VM's qemu, forgets the VMs, closes the Spin.
    func cleanUp() async {
        if let pid = rawPID.withLock({ $0 }) {
            kill(pid, SIGKILL)
            _ = try? await ProcessRunner.waitForExit(pid: pid)
        }
        for vm in (try? await spin.listVMs()) ?? [] {
            let ref = String(vm.id)
            if let pid = (try? await spin.status(ref))?.process.pid { kill(pid, SIGKILL) }
            try? await Task.sleep(for: .milliseconds(50))
            try? await spin.stopVM(ref, timeoutSeconds: 1)
            try? await spin.deleteVM(ref)
        }
        await spin.close()
    }

    func spec(_ name: String) -> VMSpec {
        VMSpec(name: name, cpus: 1, memoryMiB: memoryMiB, storage: [.disk(volume: "vol", image: name + ".raw")],
               kernel: DirectBoot(kernel: guests.kernel, initrd: guests.initrd, append: BenchGuests.append),
               stopTimeoutSeconds: 1, newImages: [ImageSpec(volume: "vol", name: name + ".raw", sizeBytes: 16 << 20, format: .raw)])
    }
}

extension SpinOptions {
    /// The ExecStop helper the systemd supervisor will use, if any.
    var resolvedHelperDescription: String? {
        if let helperExecutable { return helperExecutable }
        guard let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        let sibling = URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("spin").path
        return FileManager.default.isExecutableFile(atPath: sibling) ? sibling : nil
    }
}
