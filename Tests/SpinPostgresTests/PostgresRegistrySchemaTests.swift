import Foundation
import Logging
import PostgresNIO
import SpinCore
import SpinModel
import SpinPostgres
import Testing

/// The PostgreSQL registry's uniqueness rules live in the schema, not only in spin's checks:
/// rows written behind the registry's back are refused by the database itself.
@Suite("PostgreSQL registry schema", .serialized)
struct PostgresRegistrySchemaTests {
    /// Runs `sql` on `store` and returns the SQLSTATE it failed with (nil: it succeeded).
    private func sqlState(_ store: PostgresStore, _ sql: String) async -> String? {
        do {
            try await store.withConnection { connection in
                _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test"))
            }
            return nil
        } catch let error as SpinError {
            return (error.cause as? PSQLError)?.serverInfo?[.sqlState] ?? "\(error.code)"
        } catch {
            return "\(error)"
        }
    }

    @Test("a duplicate VM name, host port, volume path, bridge, overlapping subnet or reserved address is refused by the schema; a used network or base cannot go")
    func constraints() async throws {
        let (server, stores) = try await throwawayStores(count: 1, requestTimeout: .seconds(30))
        let store = stores[0]
        do {
            let registry = PostgresRegistry(store: store)
            try await registry.createVolume(name: "v", path: "/srv/v")
            try await registry.createImage(ImageSpec(volume: "v", name: "base", sizeBytes: 1), base: true)
            try await registry.createImage(ImageSpec(volume: "v", name: "o", sizeBytes: 1, backingImage: "base"), base: false)
            try await registry.createNetwork(Network(name: "lan", subnet: try IPv4Subnet(parsing: "10.77.0.0/24"), bridge: "spinbr0"))
            let web = try await registry.createVM(VMSpec(name: "web", ports: [port("0.0.0.0")], networks: [NetworkAttachment(network: "lan")]))
            let body = "'{}'::jsonb"
            #expect(await sqlState(store, "INSERT INTO registry_vms (name, body) VALUES ('web', \(body))") == "23505")
            #expect(await sqlState(store, "INSERT INTO registry_vm_ports VALUES (\(web.id), 'tcp', '0.0.0.0', 8080)") == "23505")
            #expect(await sqlState(store, "INSERT INTO registry_volumes VALUES ('w', '/srv/v', \(body))") == "23505")
            #expect(await sqlState(store, "INSERT INTO registry_images (volume, name, body) VALUES ('v', 'base', \(body))") == "23505")
            #expect(await sqlState(store, "INSERT INTO registry_images (volume, name, body) VALUES ('nov', 'x', \(body))") == "23503")
            #expect(await sqlState(store, "INSERT INTO registry_networks VALUES ('b', 'spinbr0', '10.78.0.0/24', \(body))") == "23505")
            #expect(await sqlState(store, "INSERT INTO registry_networks VALUES ('c', 'spinbr1', '10.77.0.128/25', \(body))") == "23P01")
            #expect(await sqlState(store, "INSERT INTO registry_network_addresses VALUES ('lan', \(0x0A4D_0002), \(web.id))") == "23505")
            #expect(await sqlState(store, "DELETE FROM registry_networks WHERE name = 'lan'") == "23503")
            #expect(await sqlState(store, "DELETE FROM registry_images WHERE name = 'base'") == "23503")
            #expect(await sqlState(store, "INSERT INTO registry_snapshots VALUES (999, 's', \(body))") == "23503")
            // What the registry wrote is still all there.
            #expect(try await registry.listVMs() == [web])
            #expect(try await registry.networkUsers("lan") == [web.id])
        } catch {
            for store in stores { await store.close() }
            await server.stop()
            throw error
        }
        for store in stores { await store.close() }
        await server.stop()
    }
}
