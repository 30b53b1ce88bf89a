import NIOCore
import NIOPosix
import SpinCore

/// Opens a VM's console socket (qemu's VNC or serial chardev) for the WebSocket proxies.
///
/// The VM is looked up the way the SDK does (id or name, through ``Spin/vm(_:)``); an unknown
/// VM is `.notFound` (404), and a socket that is absent or refuses is `.failedPrecondition`
/// (409): the VM is not running.
struct ConsoleConnector: Sendable {
    /// The connected socket, as bytes in and out.
    typealias Connection = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    let spin: Spin

    /// Connects to `kind`'s socket of VM `ref`.
    func connect(_ ref: String, _ kind: ConsoleKind) async throws -> Connection {
        let vm = try await spin.vm(ref)
        let path = kind.socketPath(try await spin.paths(String(vm.id)))
        do {
            return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(5))
                .connect(unixDomainSocketPath: path) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw SpinError(.failedPrecondition, "VM \"\(vm.name)\" is not running; start it with spin start \(vm.name)", cause: error)
        }
    }

    /// Checks that the console is reachable, for the plain-HTTP route: connects and closes.
    func probe(_ ref: String, _ kind: ConsoleKind) async throws {
        let connection = try await connect(ref, kind)
        try? await connection.channel.close()
    }
}
