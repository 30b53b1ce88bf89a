import Foundation

/// The terminal settings to put back, for the signal handlers (which can capture nothing).
/// Written once before raw mode starts and read only to restore it.
nonisolated(unsafe) private var savedTerminal = termios()
nonisolated(unsafe) private var terminalIsRaw = false

/// Puts the saved terminal settings back; safe to call from a signal handler.
private func restoreTerminal() {
    if terminalIsRaw {
        var settings = savedTerminal
        tcsetattr(STDIN_FILENO, TCSANOW, &settings)
        terminalIsRaw = false
    }
}

/// Copies bytes both ways between the terminal and a serial console socket until the user
/// presses Ctrl-] (0x1d), the console closes, or (stdin not a terminal) input ends.
struct ConsoleSession {
    /// The connected console socket.
    let socket: Int32
    /// The detach key.
    static let detachByte: UInt8 = 0x1D

    /// Runs the session; the terminal is raw while it runs and restored on every exit path,
    /// including SIGTERM, SIGHUP and SIGQUIT.
    func run() throws {
        let interactive = isatty(STDIN_FILENO) == 1
        if interactive { try enterRawMode() }
        defer { restoreTerminal() }
        var stdinOpen = true
        var drainUntil: ContinuousClock.Instant?
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if let drainUntil, ContinuousClock.now >= drainUntil { return }
            var fds = [pollfd(fd: socket, events: Int16(POLLIN), revents: 0)]
            if stdinOpen { fds.append(pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), 100)
            if ready < 0 {
                if errno == EINTR { continue }
                throw POSIXError(.init(rawValue: errno) ?? .EIO)
            }
            if fds[0].revents != 0 {
                let n = read(socket, &buffer, buffer.count)
                if n <= 0 { return }  // the console closed: the VM stopped.
                writeAll(STDOUT_FILENO, buffer[0..<n])
            }
            if stdinOpen, fds.count > 1, fds[1].revents != 0 {
                let n = read(STDIN_FILENO, &buffer, buffer.count)
                if n <= 0 {
                    stdinOpen = false
                    drainUntil = ContinuousClock.now + .seconds(2)
                    continue
                }
                let chunk = buffer[0..<n]
                if let detach = chunk.firstIndex(of: Self.detachByte) {
                    writeAll(socket, chunk[..<detach])
                    return
                }
                writeAll(socket, chunk)
            }
        }
    }

    private func enterRawMode() throws {
        var settings = termios()
        guard tcgetattr(STDIN_FILENO, &settings) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .ENOTTY) }
        savedTerminal = settings
        for sig in [SIGTERM, SIGHUP, SIGQUIT, SIGINT] {
            signal(sig) { received in
                restoreTerminal()
                _exit(128 + received)
            }
        }
        cfmakeraw(&settings)
        terminalIsRaw = true
        tcsetattr(STDIN_FILENO, TCSANOW, &settings)
    }

    private func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) {
        var rest = bytes
        while !rest.isEmpty {
            let n = rest.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            rest = rest.dropFirst(n)
        }
    }
}
