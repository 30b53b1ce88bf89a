/// The bounds every frontend enforces the same way, because the SDK enforces them: the CLI
/// embedded, the CLI with `--host`, the HTTP API and a Swift program all get the same
/// ``SpinError`` for the same out-of-range request.
public enum ServiceLimits {
    /// The most bytes of a serial log one read returns.
    public static let serialLogChunk = 1 << 20
    /// Seconds a stop or restart may give the guest before forcing it; 0 forces at once.
    public static let stopTimeoutSeconds = 0...3600
    /// Seconds a shutdown (which never forces) waits for the guest.
    public static let shutdownTimeoutSeconds = 1...3600

    /// Checks a stop's or restart's timeout (nil: the VM's own `stopTimeoutSeconds`).
    /// - Throws: ``SpinError`` `.invalidArgument` naming the range.
    public static func checkStopTimeout(_ seconds: Int?) throws {
        guard let seconds, !stopTimeoutSeconds.contains(seconds) else { return }
        throw SpinError(.invalidArgument, "timeout \(seconds) is out of range; give 0 (force at once) to 3600 seconds, or none for the VM's stopTimeoutSeconds")
    }

    /// Checks a shutdown's timeout (nil: the VM's own `stopTimeoutSeconds`).
    /// - Throws: ``SpinError`` `.invalidArgument` naming the range.
    public static func checkShutdownTimeout(_ seconds: Int?) throws {
        guard let seconds, !shutdownTimeoutSeconds.contains(seconds) else { return }
        throw SpinError(.invalidArgument, "timeout \(seconds) is out of range; a shutdown waits 1 to 3600 seconds (or none for the VM's stopTimeoutSeconds); to force a VM off use stop")
    }

    /// Seconds one wait for a package may last.
    public static let packageWaitSeconds = 0...3600

    /// Checks a package wait's timeout.
    /// - Throws: ``SpinError`` `.invalidArgument` naming the range.
    public static func checkPackageWait(_ seconds: Int) throws {
        guard !packageWaitSeconds.contains(seconds) else { return }
        throw SpinError(.invalidArgument, "timeoutSeconds \(seconds) is out of range; give 0 to 3600")
    }

    /// Checks how many bytes one serial-log read asks for.
    /// - Throws: ``SpinError`` `.invalidArgument` naming the range.
    public static func checkSerialLogChunk(_ maxBytes: Int) throws {
        guard !(1...serialLogChunk).contains(maxBytes) else { return }
        throw SpinError(.invalidArgument, "maxBytes \(maxBytes) is out of range; ask for 1 to \(serialLogChunk) bytes at a time")
    }
}
