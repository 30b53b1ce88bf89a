import Foundation

/// A VM's state, derived from the live process and QMP every time — never only from the
/// registry.
public enum VMState: String, Sendable, Codable, CaseIterable {
    /// qemu is starting.
    case starting
    /// The guest runs.
    case running
    /// The guest's CPUs are frozen (`spin vm pause`, or qemu paused it).
    case paused
    /// A power-off is in progress.
    case shuttingDown = "shutting-down"
    /// Not running; it ended cleanly or never ran.
    case stopped
    /// qemu died of a signal or a failure exit.
    case crashed
    /// qemu runs but the guest hit an emulation error (QMP `internal-error`).
    case internalError = "internal-error"
}

/// The live status of a VM.
public struct VMStatus: Sendable, Codable, Equatable {
    /// The VM's id.
    public var vmID: UInt64
    /// The state.
    public var state: VMState
    /// What QMP reported (`running`, `paused`, `internal-error`, …), when qemu answered.
    public var qmpStatus: String?
    /// What the supervisor reported.
    public var process: ProcessStatus
    /// Which supervisor runs the VM.
    public var supervisor: SupervisorKind
    /// The accelerator the VM runs with, and why.
    public var accelerator: String?
    /// Why that accelerator.
    public var acceleratorReason: String?

    /// Combines the supervisor's and QMP's views.
    package static func derive(vmID: UInt64, process: ProcessStatus, qmpStatus: String?, supervisor: SupervisorKind) -> VMStatus {
        let state: VMState
        switch process.state {
        case .starting: state = .starting
        case .stopping: state = .shuttingDown
        case .stopped: state = .stopped
        case .crashed: state = .crashed
        case .running:
            switch qmpStatus {
            case "paused", "suspended": state = .paused
            case "internal-error", "io-error", "guest-panicked": state = .internalError
            case "shutdown": state = .stopped
            case "prelaunch", "inmigrate", "restore-vm": state = .starting
            default: state = .running
            }
        }
        return VMStatus(vmID: vmID, state: state, qmpStatus: qmpStatus, process: process, supervisor: supervisor)
    }
}
