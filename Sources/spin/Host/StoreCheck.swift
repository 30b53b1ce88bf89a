import ArgumentParser
import Foundation
import SpinCore
import SpinStore

/// `spin store …`: maintenance of the embedded store.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Inspect the embedded LMDB store.",
        discussion: "Example: spin store check",
        subcommands: [StoreCheck.self]
    )
}

/// `spin store check`: opens the store, writes and reads back a probe, prints its size.
struct StoreCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Open the store, write and read back a probe record, and print its statistics.",
        discussion: "Example: spin store check --root /var/tmp/spin"
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try global.requireLocal(
            "spin store check", why: "it opens the LMDB store files under the data root",
            instead: "run spin store check on the server's host without --host, or spin doctor --host to see the server's store")
        let root = global.spinRoot
        try root.create()
        let store = try Store(path: root.storePath)
        let probe = Array("spin self-check \(Date().timeIntervalSince1970)".utf8)
        try store.write { txn in
            try txn.put(probe, forKey: "probe", in: "selfcheck")
        }
        let readBack = try store.read { txn in try txn.get("probe", in: "selfcheck") }
        guard readBack == probe else {
            throw ValidationError("store at \(root.storePath) returned a different probe value; it may be damaged")
        }
        let stats = store.statistics()
        print("store \(root.storePath): OK (map \(stats.mapSize >> 20) MiB, used \(stats.usedBytes >> 10) KiB, last transaction \(stats.lastTransactionID))")
    }
}
