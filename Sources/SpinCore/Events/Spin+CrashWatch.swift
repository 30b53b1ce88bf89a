import Foundation
import SpinQemu

/// An armed, event-driven watch on one VM's qemu: no polling, no waiting for a pid to vanish.
public struct CrashWatch: Sendable {
    /// When the watch first saw qemu leave the running state, and when it saw it gone.
    public struct Seen: Sendable {
        /// The first sign (QMP EOF; systemd's first ActiveState change away from `active`).
        public var firstSign: ContinuousClock.Instant
        /// The supervisor's final word (QMP EOF; systemd's `failed` or `inactive`).
        public var gone: ContinuousClock.Instant
    }

    /// Waits for qemu to go; nil if the watch ended (was cancelled) without seeing it.
    public let wait: @Sendable () async -> Seen?
}

extension Spin {
    /// Arms a watch that reports, within milliseconds, when a running VM's qemu goes away —
    /// crashed, killed or stopped.
    ///
    /// - direct: a QMP connection to the VM's `watch.sock` (a second monitor the direct
    ///   supervisor opens for watchers); the kernel closes it the instant qemu dies, so EOF is
    ///   the notice, whoever reaps the process later.
    /// - systemd: ``SystemdManager/statusChanges(of:timeout:)`` on `spin-<id>.service`
    ///   (PropertiesChanged signals); `failed` or `inactive` is the notice.
    ///
    /// Cancelling the task that awaits `wait` ends the watch (it then returns nil).
    /// - Throws: ``SpinError`` when the VM does not exist or its qemu cannot be watched (not
    ///   running).
    public func armCrashWatch(_ ref: String) async throws -> CrashWatch {
        let id = try await vm(ref).id
        if let direct = emulation.supervisor as? DirectSupervisor {
            let client: QMPClient
            do {
                client = try await QMPClient.connect(path: direct.watchSocket(id), retryFor: .seconds(2))
            } catch {
                throw SpinError(.failedPrecondition, "cannot watch VM \(id): \(error)", cause: error)
            }
            return CrashWatch {
                await withTaskCancellationHandler {
                    await client.waitForDisconnect()
                } onCancel: {
                    client.close()
                }
                guard !Task.isCancelled else { return nil }
                let now = ContinuousClock.now
                return CrashWatch.Seen(firstSign: now, gone: now)
            }
        }
        if let systemd = emulation.supervisor as? SystemdSupervisor {
            let changes = try await systemd.manager.statusChanges(of: "spin-\(id).service", timeout: .seconds(5))
            return CrashWatch {
                var first: ContinuousClock.Instant?
                for await status in changes where status.activeState != "active" {
                    let now = ContinuousClock.now
                    if first == nil { first = now }
                    if status.activeState == "failed" || status.activeState == "inactive" {
                        return CrashWatch.Seen(firstSign: first ?? now, gone: now)
                    }
                }
                return nil
            }
        }
        throw SpinError(.failedPrecondition, "no crash watch for supervisor \(supervisorKind.rawValue)")
    }
}
