import Foundation

/// What a supervisor knows about a VM's qemu process.
public struct ProcessStatus: Sendable, Equatable, Codable {
    /// The process's life, as the supervisor sees it.
    public enum State: String, Sendable, Codable {
        /// Starting (systemd `activating`).
        case starting
        /// The process is alive.
        case running
        /// Stopping (systemd `deactivating`).
        case stopping
        /// Not running, and it ended cleanly (or never ran).
        case stopped
        /// Not running, and it died of a signal or a failure exit.
        case crashed
    }

    /// The state.
    public var state: State
    /// qemu's pid while it runs.
    public var pid: Int32?
    /// The exit status of the last run, when known.
    public var exitStatus: Int32?
    /// The signal that ended the last run, when known.
    public var signal: Int32?
    /// A short explanation (systemd's ActiveState/SubState/Result, or the direct evidence).
    public var detail: String

    /// Creates a status.
    public init(state: State, pid: Int32? = nil, exitStatus: Int32? = nil, signal: Int32? = nil, detail: String) {
        self.state = state
        self.pid = pid
        self.exitStatus = exitStatus
        self.signal = signal
        self.detail = detail
    }
}
