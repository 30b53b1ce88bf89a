import Foundation

/// Which supervisor runs VMs.
public enum SupervisorKind: String, Sendable, Codable, CaseIterable {
    /// One systemd unit per VM, driven over D-Bus.
    case systemd
    /// qemu `-daemonize`, tracked by pidfile, process identity and QMP.
    case direct
}
