import Foundation
import SpinCore
import SpinTestSupport
import Synchronization

/// Connects to the harness's manager, runs `body`, and closes the connection.
func withSystemd<T>(
    _ harness: PrivateSystemdManager,
    timeout: Duration = .seconds(10),
    _ body: (SystemdManager) async throws -> T
) async throws -> T {
    let systemd = try await SystemdManager.connect(scope: harness.scope, timeout: timeout)
    do {
        let result = try await body(systemd)
        await systemd.close()
        return result
    } catch {
        await systemd.close()
        throw error
    }
}

/// Writes `unit` into the harness's unit directory and reloads the manager if it changed.
func install(_ unit: UnitFile, in harness: PrivateSystemdManager, on systemd: SystemdManager) async throws {
    if try UnitFileWriter.write(unit, to: harness.unitDirectory) {
        try await systemd.reload()
    }
}

/// Waits, via the property-change stream, for the first status of `unit` that satisfies `predicate`.
func waitForStatus(
    of unit: String,
    on systemd: SystemdManager,
    timeout: Duration = .seconds(10),
    until predicate: @escaping @Sendable (UnitStatus) -> Bool
) async throws -> UnitStatus {
    let stream = try await systemd.statusChanges(of: unit)
    let seen = StatusHistory()
    return try await withThrowingTaskGroup(of: UnitStatus?.self) { group in
        group.addTask {
            for await status in stream {
                seen.statuses.withLock { $0.append(status) }
                if predicate(status) { return status }
            }
            return nil
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        let first = try await group.next() ?? nil
        group.cancelAll()
        guard let first else {
            let history = seen.statuses.withLock { $0 }.map { "\($0.activeState)/\($0.subState)/\($0.result)" }
            throw HarnessError("\(unit) did not reach the expected state within \(timeout); saw \(history)")
        }
        return first
    }
}

/// Statuses seen while waiting, for failure messages.
final class StatusHistory: Sendable {
    let statuses = Mutex<[UnitStatus]>([])
}
