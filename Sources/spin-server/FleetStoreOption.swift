import ArgumentParser
import Foundation
import Logging
import SpinCore
import SpinPostgres
import SpinServer

/// `--store URL` (or `$SPIN_STORE`): the PostgreSQL fleet store the records and the queue live
/// in, shared by every server given the same URL. Without it, the root's LMDB store.
struct FleetStoreOption: ParsableArguments {
    @Option(
        name: .long,
        help: "A PostgreSQL fleet store: postgres://USER@HOST[:PORT]/DB or postgresql:///DB?host=SOCKETDIR (default: $SPIN_STORE, else the root's LMDB store).")
    var store: String?

    /// The URL from `--store`, else a non-empty `$SPIN_STORE`, else nil.
    func url(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        store ?? environment["SPIN_STORE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func validate() throws {
        guard let url = url() else { return }
        do {
            _ = try PostgresLocation(url)
        } catch let error as SpinError {
            throw ValidationError("--store: \(error.message)")
        }
    }

    /// Opens the store at `url`: connects, runs the migrations it lacks (several servers may
    /// start at once), and pairs a registry and a broker for the facade's actions.
    static func opener(url: String) -> FleetStoreOpener {
        FleetStoreOpener { logger in
            let location = try PostgresLocation(url)
            let postgres = try await PostgresStore.connect(location)
            do {
                let applied = try await postgres.migrate()
                if !applied.isEmpty { logger.notice("fleet store \(location.description): applied schema migrations \(applied.map(String.init).joined(separator: ", "))") }
            } catch {
                await postgres.close()
                throw error
            }
            let broker = PostgresBroker(store: postgres, catalog: Spin.actionCatalog)
            if await !broker.waitUntilListening(timeout: .seconds(10)) {
                logger.warning("fleet store \(location.description): LISTEN is not up yet; until it is, waiters poll and events from other servers are missed")
            }
            let plane = PostgresControlPlane(registry: PostgresRegistry(store: postgres), broker: broker)
            return .init(controlPlane: plane, description: "the fleet store \(location.description)") {
                await broker.close()
                await postgres.close()
            }
        }
    }
}
