import Foundation
import SpinCore
import SpinTestSupport

/// The supervisors every system test runs under.
enum SupervisorUnderTest: String, CaseIterable, Sendable, CustomStringConvertible {
    case direct
    case systemd
    var description: String { rawValue }
}

/// A spin instance on a temporary root, with the chosen supervisor; `cleanUp` force-stops
/// every VM and kills any qemu left, whatever happened in the test.
struct SystemTestEnvironment: Sendable {
    let spin: Spin
    let directory: String
    let guests: TestGuests
    let systemd: PrivateSystemdManager?
    /// The file the direct supervisor reads the boot id from, when the test simulates boots.
    var bootIDFile: String?

    /// Runs `body` on a fresh root. With `simulatedBoot`, the direct supervisor reads the boot
    /// id from `bootIDFile` (holding `boot-1` at first), so a test can pretend the host restarted.
    static func with(_ kind: SupervisorUnderTest, simulatedBoot: Bool = false,
                     adjust: (inout SpinOptions) -> Void = { _ in },
                     _ body: (SystemTestEnvironment) async throws -> Void) async throws {
        let guests = try TestGuests.locate()
        var template = Array("/var/tmp/spin-sys.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw HarnessError("mkdtemp failed") }
        let directory = String(cString: made)
        // Searchable (not listable) by the unprivileged qemu user, as an operator would set it.
        chmod(directory, 0o711)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let root = SpinRoot(explicit: directory + "/root")
        switch kind {
        case .direct:
            let bootIDFile = simulatedBoot ? directory + "/boot_id" : nil
            if let bootIDFile { try "boot-1\n".write(toFile: bootIDFile, atomically: true, encoding: .utf8) }
            var options = SpinOptions(supervisor: .direct, bootIDFile: bootIDFile)
            adjust(&options)
            let spin = try await Spin.open(root: root, options: options)
            try await run(SystemTestEnvironment(spin: spin, directory: directory, guests: guests, systemd: nil, bootIDFile: bootIDFile), body)
        case .systemd:
            try await withPrivateSystemdManager { manager in
                var options = SpinOptions(supervisor: .systemd(scope: manager.scope, unitDirectory: manager.unitDirectory))
                adjust(&options)
                let spin = try await Spin.open(root: root, options: options)
                try await run(SystemTestEnvironment(spin: spin, directory: directory, guests: guests, systemd: manager), body)
            }
        }
    }

    private static func run(_ environment: SystemTestEnvironment, _ body: (SystemTestEnvironment) async throws -> Void) async throws {
        do {
            try await body(environment)
        } catch {
            await environment.cleanUp()
            throw error
        }
        await environment.cleanUp()
    }

    /// Stops every VM (forced after 1 s) and SIGKILLs any qemu still alive.
    func cleanUp() async {
        for vm in (try? await spin.listVMs()) ?? [] {
            let pid = (try? await spin.status(String(vm.id)))?.process.pid
            try? await spin.stopVM(String(vm.id), timeoutSeconds: 1)
            if let pid, kill(pid, 0) == 0, (try? await spin.status(String(vm.id)))?.state != .stopped {
                kill(pid, SIGKILL)
            }
            try? FileManager.default.removeItem(atPath: RuntimePaths(root: spin.root, vmID: vm.id).runtimeDirectory)
        }
        await spin.close()
    }

    /// Waits for the guest's ready marker on its serial log.
    func waitForReady(_ vm: VM, timeout: Duration = .seconds(90)) async throws {
        let log = RuntimePaths(root: spin.root, vmID: vm.id).serialLog
        let ready = await Loopback.waitUntil(timeout: timeout, every: .milliseconds(100)) {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains(TestGuests.readyMarker)
        }
        if !ready {
            throw HarnessError("VM \(vm.name) printed no ready marker; serial log:\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "(none)")")
        }
    }

    /// Empties the serial log so the next ready marker is a new boot's.
    func clearSerialLog(_ vm: VM) {
        _ = FileManager.default.createFile(atPath: RuntimePaths(root: spin.root, vmID: vm.id).serialLog, contents: Data())
    }
}
