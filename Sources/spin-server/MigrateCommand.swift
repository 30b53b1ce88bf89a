import ArgumentParser
import Foundation
import SpinCore
import SpinPostgres

/// `spin-server migrate`: brings a PostgreSQL fleet store's schema to this version of spin.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the schema of a PostgreSQL fleet store (idempotent).",
        discussion: """
            Runs the versioned migrations the store lacks, each in one transaction; several
            servers may run it at once. A store whose schema is newer than this spin is refused.
            Example: spin-server migrate --store postgresql:///spin?host=/run/postgresql
            """)

    @OptionGroup var fleet: FleetStoreOption

    @Flag(name: .long, help: "Only print the schema version the store is at and the one this spin knows.")
    var status = false

    func run() async throws {
        do {
            guard let url = fleet.url() else {
                throw SpinError(.invalidArgument, "no store given; pass --store postgres://USER@HOST/DB or set SPIN_STORE")
            }
            let location = try PostgresLocation(url)
            let postgres = try await PostgresStore.connect(location)
            do {
                if status {
                    print("migrate: \(location.description) is at schema version \(try await postgres.currentSchemaVersion()); this spin knows \(PostgresStore.schemaVersion)")
                } else {
                    let applied = try await postgres.migrate()
                    let what = applied.isEmpty ? "already current" : "applied " + applied.map(String.init).joined(separator: ", ")
                    print("migrate: \(location.description) at schema version \(PostgresStore.schemaVersion) (\(what))")
                }
            } catch {
                await postgres.close()
                throw error
            }
            await postgres.close()
        } catch let error as SpinError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(error.code.exitCode)
        }
    }
}
