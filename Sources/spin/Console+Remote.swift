import SpinCore

/// `spin console --host …`: the one place remote consoles are decided.
///
/// The server's serial console is a WebSocket at `/v1/vms/{ref}/console/serial` (binary frames,
/// raw bytes both ways) with a `SpinRemote` client for it; until that is wired here, remote mode
/// refuses plainly. To wire it: replace this body with a session that pumps the terminal (raw
/// mode, Ctrl-] detaches, as ``ConsoleSession`` does) to and from that WebSocket.
extension Console {
    func runRemote() async throws {
        let host = global.remoteHost ?? "the server"
        throw SpinError(
            .unavailable,
            "spin console through a server (\(host)) is not available yet; on the server's host run spin console \(vm)\(log ? " --log" : "") without --host, or open the browser console with spin view \(vm) --host HOST:PORT")
    }
}
