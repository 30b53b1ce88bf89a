import Foundation
import SpinCore
import SpinTestSupport

/// A running test guest for the console tests.
extension ServerFixture {
    /// The guest's command line for screen tests: kernel messages on the VGA console too
    /// (`console=tty0` first), while `/dev/console` — and so the ready marker and the shell —
    /// stays on ttyS0, the last `console=`.
    static let appendWithScreen = "console=tty0 console=ttyS0 panic=-1"

    /// Creates and starts VM `name` from the test guest and waits for its ready marker.
    func bootGuest(_ name: String, append: String = TestGuests.append) async throws -> VM {
        let guests = try TestGuests.locate()
        let vm = try await spin.createVM(VMSpec(
            name: name, memoryMiB: 256,
            kernel: DirectBoot(kernel: guests.kernel, initrd: guests.initrd, append: append),
            stopTimeoutSeconds: 5))
        try await spin.startVM(name)
        let log = RuntimePaths(root: root, vmID: vm.id).serialLog
        let ready = await Loopback.waitUntil(timeout: .seconds(120), every: .milliseconds(100)) {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains(TestGuests.readyMarker)
        }
        guard ready else {
            throw FixtureError("VM \(name) printed no ready marker; serial log:\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "(none)")")
        }
        return vm
    }

    /// Creates VM `name` without starting it.
    func defineGuest(_ name: String) async throws -> VM {
        let guests = try TestGuests.locate()
        return try await spin.createVM(VMSpec(name: name, memoryMiB: 128, kernel: DirectBoot(kernel: guests.kernel, initrd: guests.initrd, append: TestGuests.append)))
    }
}
