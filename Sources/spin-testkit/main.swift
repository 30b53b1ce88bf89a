// Child-process workloads for spin's crash and multi-process tests. Not installed; tests
// find it next to their own executable.
import Foundation
import SpinStore

let arguments = Array(CommandLine.arguments.dropFirst())
if SlowQemuImg.invoked { SlowQemuImg.run(arguments) }

/// Writes one line to standard output at once (no buffering), so a parent that kills this
/// process has every line printed before the kill.
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

do {
    switch arguments.first {
    case "store-writer": try StoreWorkloads.writer(arguments)
    case "store-sequences": try StoreWorkloads.sequences(arguments)
    case "store-open-as": try StoreWorkloads.openAs(arguments)
    case "broker-take": try BrokerWorkloads.take(arguments)
    case "broker-serve": try await BrokerWorkloads.serve(arguments)
    case "broker-prune": try await BrokerWorkloads.prune(arguments)
    case "pg-serve": try await PostgresWorkloads.serve(arguments)
    case "pg-remote-serve": try await RemoteWorkloads.serve(arguments)
    case "storage-serve": try await StorageWorkloads.serve(arguments)
    case "storage-create-on-ramfs": try await StorageWorkloads.createOnRamfs(arguments)
    default: fail("usage: spin-testkit store-writer|store-sequences|store-open-as …")
    }
} catch {
    fail("spin-testkit: \(error)")
}
