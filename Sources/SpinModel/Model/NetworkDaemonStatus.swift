/// Whether a managed network's dnsmasq runs now, as ``Network/dnsmasq`` reports it on reads.
///
/// JSON: `{"running":true,"pid":4242,"supervisor":"systemd spin-net-lan.service active/running"}`
/// (`pid` absent when it does not run).
public struct NetworkDaemonStatus: Sendable, Codable, Equatable {
    /// Whether the process named by its pidfile is alive and is this network's dnsmasq.
    public var running: Bool
    /// Its process id, when it runs.
    public var pid: Int32?
    /// What keeps it running: `direct` (spin restarts a dead one when a command touches the
    /// network) or `systemd <unit> <state>` (systemd restarts it when it dies).
    public var supervisor: String

    /// Creates a status.
    public init(running: Bool, pid: Int32? = nil, supervisor: String) {
        self.running = running
        self.pid = pid
        self.supervisor = supervisor
    }
}
