import Foundation
import SpinCore

/// `spin console VM --log [--follow]`: copies a VM's serial log to standard output a chunk at
/// a time, from this host's store or a server alike; with `follow`, keeps asking from where
/// it stopped (Ctrl-C ends it).
struct SerialLogPrinter {
    let backend: any SpinService
    /// The VM's id or name.
    let vm: String
    /// How often `follow` asks again once it reached the end.
    var interval: Duration = .milliseconds(250)

    func print(follow: Bool) async throws {
        let record = try await backend.vm(vm)
        let ref = String(record.id)
        var offset: UInt64 = 0
        while true {
            let chunk: Data
            do {
                chunk = try await backend.serialLog(ref, from: offset, maxBytes: ServiceLimits.serialLogChunk)
            } catch let error as SpinError where error.code == .notFound && follow {
                // No log until the VM first runs: wait for it.
                try await Task.sleep(for: interval)
                continue
            }
            if !chunk.isEmpty {
                FileHandle.standardOutput.write(chunk)
                offset += UInt64(chunk.count)
            }
            if chunk.count == ServiceLimits.serialLogChunk { continue }
            if !follow { return }
            try await Task.sleep(for: interval)
        }
    }
}
