/// One versioned step of the fleet store's schema. Steps run in order, each in the same
/// transaction as the row that records it, so a server killed halfway leaves the schema at
/// the previous version. A released step is never edited: a change is a new step.
public struct PostgresMigration: Sendable {
    /// The schema version this step brings the database to.
    public let version: Int
    /// What it does, recorded beside the version.
    public let name: String
    /// Its statements, run one by one (the extended protocol takes one statement per query).
    public let statements: [String]

    /// Every step, oldest first.
    public static let all: [PostgresMigration] = [brokerTables, registryTables, brokerCompleteEvents, externalNetworks]

    /// Version 1: packages, commands (a ready command's row carries its lease; a partial index
    /// over ready commands is the queue), dependencies, and the completion function.
    static let brokerTables = PostgresMigration(version: 1, name: "broker: packages, commands, dependencies, queue with leases", statements: [
        """
        CREATE TABLE broker_packages (
            id bigserial PRIMARY KEY,
            state text NOT NULL CHECK (state IN ('open', 'enqueued', 'succeeded', 'failed')),
            command_count integer NOT NULL DEFAULT 0 CHECK (command_count >= 0),
            remaining integer NOT NULL DEFAULT 0 CHECK (remaining >= 0),
            failure_command uuid,
            failure_action text,
            failure_reason text,
            failure_error_code text,
            created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            enqueued_at timestamptz,
            finished_at timestamptz
        )
        """,
        "CREATE INDEX broker_packages_finished ON broker_packages (finished_at) WHERE finished_at IS NOT NULL",
        """
        CREATE TABLE broker_commands (
            id uuid PRIMARY KEY,
            package_id bigint NOT NULL REFERENCES broker_packages (id) ON DELETE CASCADE,
            ord bigserial NOT NULL UNIQUE,
            resource text NOT NULL,
            action text NOT NULL,
            parameters jsonb NOT NULL,
            state text NOT NULL CHECK (state IN ('pending', 'ready', 'succeeded', 'failed', 'cancelled')),
            reason text,
            error_code text,
            unmet_dependencies integer NOT NULL CHECK (unmet_dependencies >= 0),
            created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            finished_at timestamptz,
            lease_token uuid,
            lease_expires_at timestamptz,
            CHECK ((lease_token IS NULL) = (lease_expires_at IS NULL))
        )
        """,
        "CREATE INDEX broker_commands_package ON broker_commands (package_id, ord)",
        "CREATE INDEX broker_commands_ready ON broker_commands (resource, ord) WHERE state = 'ready'",
        """
        CREATE TABLE broker_dependencies (
            command_id uuid NOT NULL REFERENCES broker_commands (id) ON DELETE CASCADE,
            depends_on uuid NOT NULL REFERENCES broker_commands (id) ON DELETE CASCADE,
            PRIMARY KEY (command_id, depends_on)
        )
        """,
        "CREATE INDEX broker_dependencies_depends_on ON broker_dependencies (depends_on)",
        brokerCompleteFunction,
    ])
}
