/// The guest's first serial port on a unix socket server, optionally logged to a file.
public struct QemuSerial: Sendable, Equatable, Codable {
    /// Where QEMU listens; clients (the console) connect and disconnect at will.
    public var socketPath: String
    /// A file that receives everything the guest writes, appended across restarts.
    public var logPath: String?

    /// Creates a serial port.
    public init(socketPath: String, logPath: String? = nil) {
        self.socketPath = socketPath
        self.logPath = logPath
    }

    /// `-chardev socket,id=serial0,path=…,server=on,wait=off[,logfile=…,logappend=on]`
    /// and `-serial chardev:serial0`.
    public func qemuArguments() -> [String] {
        var pairs = [("id", "serial0"), ("path", socketPath), ("server", "on"), ("wait", "off")]
        if let logPath { pairs += [("logfile", logPath), ("logappend", "on")] }
        return ["-chardev", QemuOption.list("socket", pairs), "-serial", "chardev:serial0"]
    }
}
