import Foundation
import SpinHarness
import SpinPostgres

/// What a contract fixture stands on: a fresh LMDB directory, or a throwaway PostgreSQL
/// server with pools on it — and closing it, whatever the test did.
protocol ContractClosing: AnyObject {
    /// Closes everything and removes the store.
    func close() async
}

/// Runs `body` with `fixture`, always closing it.
func withClosing<F: ContractClosing>(_ fixture: F, _ body: (F) async throws -> Void) async throws {
    do {
        try await body(fixture)
    } catch {
        await fixture.close()
        throw error
    }
    await fixture.close()
}

/// A new directory under /var/tmp for an LMDB store.
func contractDirectory(_ prefix: String) throws -> String {
    var template = Array("/var/tmp/\(prefix).XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw HarnessError("mkdtemp failed") }
    return String(cString: made)
}

/// A throwaway PostgreSQL server with `count` pools on its database, migrated; the server is
/// stopped again when anything fails.
func throwawayStores(count: Int = 2, requestTimeout: Duration) async throws -> (server: ThrowawayPostgres, stores: [PostgresStore]) {
    let server = try await ThrowawayPostgres.start()
    var stores: [PostgresStore] = []
    do {
        let location = try PostgresLocation(server.url)
        let options = PostgresStoreOptions(connectTimeout: .seconds(2), requestTimeout: requestTimeout)
        for _ in 0..<count { stores.append(try await PostgresStore.connect(location, options: options)) }
        try await stores[0].migrate()
        return (server, stores)
    } catch {
        for store in stores { await store.close() }
        await server.stop()
        throw error
    }
}
