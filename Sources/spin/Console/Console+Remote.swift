import Foundation
import SpinClient
import SpinCore

/// `spin console VM --host …`: the serial console through the server's WebSocket
/// (`/v1/vms/{ref}/console/serial`), with the same terminal handling as on this host.
extension Console {
    func runRemote() async throws {
        guard let host = global.remoteHost else { return }
        let remote = try SpinRemote.connect(root: global.spinRoot, host: host, token: global.token, failFast: true)
        do {
            let record = try await remote.vm(vm)
            try await remote.withSerialConsole(String(record.id)) { console in
                Output.error("connected to the serial console of VM \(record.id) (\(record.name)) through \(host); press Ctrl-] to detach")
                try await RemoteConsoleBridge(console: console).run()
            }
            Output.error("\r\ndetached from VM \(record.id) (\(record.name))")
            try? await remote.close()
        } catch let error as SpinError where error.code == .failedPrecondition {
            try? await remote.close()
            throw SpinError(.failedPrecondition, "\(error.message), or read its log with spin console \(vm) --log --host \(host)", cause: error.cause)
        } catch {
            try? await remote.close()
            throw GlobalOptions.explainUnreachable(error, host: host)
        }
    }
}
