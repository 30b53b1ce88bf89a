import Foundation
import SpinClient
import SpinCore

/// Runs a ``ConsoleSession`` (raw terminal, Ctrl-] detaches) against a serial console that
/// arrives over a server's WebSocket: the session gets one end of a socket pair, and two
/// pumps copy between the other end and the WebSocket.
///
/// Either side ending ends both: the VM's console closing shuts the pair's write side, so the
/// session sees end of input; the session returning shuts its end, so the input pump ends.
struct RemoteConsoleBridge {
    /// The open console.
    let console: SerialConsole

    /// Runs until the user detaches, input ends, or the console closes.
    func run() async throws {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else {
            throw SpinError(.internal, "cannot make a socket pair for the console: \(String(cString: strerror(errno)))")
        }
        let terminalSide = pair[0], bridgeSide = pair[1]
        defer {
            close(terminalSide)
            close(bridgeSide)
        }
        let output = console.output
        let guestToTerminal = Task {
            do {
                for try await chunk in output { Self.sendAll(bridgeSide, chunk) }
            } catch {}
            shutdown(bridgeSide, Int32(SHUT_WR))
        }
        let (input, inputContinuation) = AsyncStream<[UInt8]>.makeStream()
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(bridgeSide, &buffer, buffer.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                inputContinuation.yield(Array(buffer[0..<n]))
            }
            inputContinuation.finish()
        }
        let console = console
        let terminalToGuest = Task {
            for await bytes in input { try? await console.send(bytes) }
        }
        let sessionResult: Result<Void, any Error> = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: Result { try ConsoleSession(socket: terminalSide).run() })
            }
        }
        shutdown(terminalSide, Int32(SHUT_RDWR))
        await terminalToGuest.value
        guestToTerminal.cancel()
        await guestToTerminal.value
        try sessionResult.get()
    }

    /// Writes all of `bytes` to the socket; a closed peer (the session ended) drops the rest
    /// without SIGPIPE.
    private static func sendAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }
}
