import Foundation

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

    /// Seconds a command run in the guest (`spin exec`) may take.
    public static let execTimeoutSeconds = 1...3600
    /// The most arguments of a guest command, with the program.
    public static let execMaxArguments = 64
    /// The most characters (Unicode scalars) of one argument.
    public static let execMaxArgumentCharacters = 1024
    /// The most bytes of a guest command's stdin.
    public static let execMaxInputBytes = 256 << 10

    /// Checks a command to run in the guest: 1 to 64 argv entries of at most 1024 characters
    /// without NUL, stdin up to 256 KiB, a timeout of 1 to 3600 s — the document's rules.
    /// - Throws: ``SpinError`` `.invalidArgument` naming the rule.
    public static func checkGuestCommand(_ command: GuestCommand) throws {
        func invalid(_ message: String) -> SpinError { SpinError(.invalidArgument, message) }
        if command.argv.isEmpty {
            throw invalid("argv is empty; give the program and its arguments, e.g. [\"uname\", \"-a\"]")
        }
        if command.argv.count > execMaxArguments {
            throw invalid("argv has \(command.argv.count) entries; give at most \(execMaxArguments) (pass longer input on stdin)")
        }
        if let long = command.argv.firstIndex(where: { $0.unicodeScalars.count > execMaxArgumentCharacters }) {
            throw invalid("argv[\(long)] is \(command.argv[long].unicodeScalars.count) characters; keep each to \(execMaxArgumentCharacters) (pass a script on stdin: sh -s)")
        }
        if command.argv.contains(where: { $0.utf8.contains(0) }) {
            throw invalid("an argv entry contains a NUL byte, which no program can receive; remove it")
        }
        if let input = command.stdin, input.count > execMaxInputBytes {
            throw invalid("stdin is \(input.count) bytes; give at most \(execMaxInputBytes) bytes (copy larger files with spin ssh)")
        }
        if let seconds = command.timeoutSeconds, !execTimeoutSeconds.contains(seconds) {
            throw invalid("timeoutSeconds \(seconds) is out of range; give 1 to 3600")
        }
    }
}
