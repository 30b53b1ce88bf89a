import Foundation
import SpinCore
import SpinQemu

/// An armed watch on one VM's qemu, event-driven: no polling, no waiting for a pid to vanish.
struct CrashWatch: Sendable {
    /// When the watch first saw qemu leave the running state, and when it saw it gone.
    struct Seen: Sendable {
        /// The first sign (QMP EOF; systemd's first ActiveState change away from `active`).
        var firstSign: ContinuousClock.Instant
        /// The supervisor's final word (QMP EOF; systemd's `failed` or `inactive`).
        var gone: ContinuousClock.Instant
    }

    /// Waits for qemu's death; nil if the watch ended without seeing it.
    let wait: @Sendable () async -> Seen?
}

extension Spin {
    /// Arms a crash watch on a running VM — a bench-side sketch of what the SDK could offer.
    ///
    /// - direct: a QMP connection to the VM's `watch.sock` (a second monitor the direct
    ///   supervisor opens for watchers); the kernel closes it the instant qemu dies, so EOF is
    ///   the death notice, whoever reaps the process later.
    /// - systemd: ``SystemdManager/statusChanges(of:timeout:)`` on `spin-<id>.service`
    ///   (PropertiesChanged signals); `failed` or `inactive` is the death notice.
    func armCrashWatch(_ ref: String) async throws -> CrashWatch {
        let id = try vm(ref).id
        if let direct = emulation.supervisor as? DirectSupervisor {
            let client = try await QMPClient.connect(path: direct.watchSocket(id), retryFor: .seconds(2))
            return CrashWatch {
                await client.waitForDisconnect()
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
        throw BenchError("no crash watch for supervisor \(supervisorKind)")
    }
}
