import SpinCore

/// Which of a VM's consoles a WebSocket reaches.
enum ConsoleKind: String, Sendable, CaseIterable {
    /// qemu's VNC server on `vnc.sock` (RFB, for noVNC).
    case vnc
    /// The serial port's chardev on `serial.sock` (the guest's ttyS0).
    case serial

    /// The unix socket of this console.
    func socketPath(_ paths: RuntimePaths) -> String {
        switch self {
        case .vnc: paths.vncSocket
        case .serial: paths.serialSocket
        }
    }

    /// The WebSocket path for VM `id`.
    func webSocketPath(vmID: UInt64) -> String { "/v1/vms/\(vmID)/console/\(rawValue)" }
}
