import Logging
import PostgresNIO
import SpinModel

extension PostgresStore {
    /// The schema version this build of spin knows.
    public static var schemaVersion: Int { PostgresMigration.all.last?.version ?? 0 }

    /// Brings the database's schema to ``schemaVersion``, running the steps it lacks.
    ///
    /// Safe to run from several servers at once: they take turns on a transaction-scoped
    /// advisory lock, and each step commits with the row recording it.
    /// - Returns: the versions this call applied (empty when the schema was current).
    /// - Throws: ``SpinError`` `.failedPrecondition` when the database's schema is newer than
    ///   this spin, which must then be upgraded first.
    @discardableResult
    public func migrate() async throws -> [Int] {
        let known = Self.schemaVersion
        let description = location.description
        return try await transaction { connection in
            let logger = Logger(label: "spin.postgres.migrate")
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS spin_schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
                )
                """, logger: logger
            )
            var applied: Set<Int> = []
            for try await version in try await connection.query("SELECT version FROM spin_schema_migrations", logger: logger).decode(Int.self) {
                applied.insert(version)
            }
            if let newest = applied.max(), newest > known {
                throw SpinError(.failedPrecondition, "the PostgreSQL store at \(description) has schema version \(newest), newer than this spin knows (\(known)); upgrade spin on this host")
            }
            var ran: [Int] = []
            for migration in PostgresMigration.all where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO spin_schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger)
                ran.append(migration.version)
            }
            return ran
        }
    }

    /// The schema version the database is at (0 before the first migration).
    public func currentSchemaVersion() async throws -> Int {
        try await withConnection { connection in
            let logger = Logger(label: "spin.postgres")
            let exists = try await connection.query("SELECT to_regclass('spin_schema_migrations') IS NOT NULL", logger: logger)
                .decode(Bool.self).first { _ in true } ?? false
            guard exists else { return 0 }
            return try await connection.query("SELECT coalesce(max(version), 0) FROM spin_schema_migrations", logger: logger)
                .decode(Int.self).first { _ in true } ?? 0
        }
    }

    /// The advisory lock migrations take turns on ("spinmigr" in ASCII).
    static let migrationLockKey: Int64 = 0x7370_696E_6D69_6772
}
