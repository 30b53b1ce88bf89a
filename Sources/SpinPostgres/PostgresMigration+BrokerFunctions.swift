extension PostgresMigration {
    /// `spin_broker_complete(id, token, success, reason, error_code)`: one command's outcome
    /// in one round trip. It locks, in this order, the command's row (which holds its lease),
    /// its dependents' rows, the package's row — the same order for every
    /// completion, so completions in one package wait for each other instead of deadlocking.
    /// Returns `{outcome, notification…}`: the outcome is `changed`, `unchanged` (finished
    /// already, or another agent holds a live lease), `missing`, or `not-ready:STATE`; the
    /// notifications are for the caller to send after the commit (``NotificationOutbox``):
    /// NOTIFY inside the transaction would serialize every commit on NOTIFY's lock, through
    /// its WAL flush.
    static let brokerCompleteFunction = #"""
        CREATE FUNCTION spin_broker_complete(p_id uuid, p_token uuid, p_success boolean, p_reason text, p_error_code text)
        RETURNS text[] LANGUAGE plpgsql AS $$
        DECLARE
            c record;
            v_state text;
            v_reason text;
            v_code text;
            v_finished integer := 1;
            v_cancelled integer;
            v_package_state text;
            v_notifications text[] := ARRAY[]::text[];
        BEGIN
            SELECT package_id, resource, action, state, lease_token, lease_expires_at > clock_timestamp() AS live INTO c
            FROM broker_commands WHERE id = p_id FOR UPDATE;
            IF NOT FOUND THEN
                RETURN ARRAY['missing'];
            END IF;
            IF p_token IS NOT NULL AND c.live AND c.lease_token IS DISTINCT FROM p_token THEN
                RETURN ARRAY['unchanged'];
            END IF;
            IF c.state IN ('succeeded', 'failed', 'cancelled') THEN
                RETURN ARRAY['unchanged'];
            END IF;
            IF c.state <> 'ready' THEN
                RETURN ARRAY['not-ready:' || c.state];
            END IF;
            v_state := CASE WHEN p_success THEN 'succeeded' ELSE 'failed' END;
            v_reason := CASE WHEN p_success THEN p_reason ELSE coalesce(p_reason, 'failed without a reason') END;
            v_code := CASE WHEN p_success THEN NULL ELSE p_error_code END;
            UPDATE broker_commands SET state = v_state, reason = v_reason, error_code = v_code, finished_at = clock_timestamp(),
                lease_token = NULL, lease_expires_at = NULL
            WHERE id = p_id;
            IF p_success THEN
                WITH released AS (
                    UPDATE broker_commands SET
                        unmet_dependencies = unmet_dependencies - 1,
                        state = CASE WHEN unmet_dependencies = 1 THEN 'ready' ELSE state END
                    WHERE state = 'pending' AND id IN (SELECT command_id FROM broker_dependencies WHERE depends_on = p_id)
                    RETURNING resource, state
                )
                SELECT coalesce(array_agg(DISTINCT 'ready:' || resource), ARRAY[]::text[]) INTO v_notifications
                FROM released WHERE state = 'ready';
            ELSE
                WITH RECURSIVE downstream (id) AS (
                    SELECT command_id FROM broker_dependencies WHERE depends_on = p_id
                    UNION
                    SELECT d.command_id FROM broker_dependencies d JOIN downstream ON d.depends_on = downstream.id
                )
                UPDATE broker_commands SET
                    state = 'cancelled',
                    reason = 'cancelled: ' || c.resource || '.' || c.action || ' (' || upper(p_id::text) || ') failed: ' || v_reason,
                    finished_at = clock_timestamp()
                WHERE state = 'pending' AND id IN (SELECT id FROM downstream);
                GET DIAGNOSTICS v_cancelled = ROW_COUNT;
                v_finished := 1 + v_cancelled;
                UPDATE broker_packages SET failure_command = p_id, failure_action = c.resource || '.' || c.action,
                    failure_reason = v_reason, failure_error_code = v_code
                WHERE id = c.package_id AND failure_command IS NULL;
            END IF;
            UPDATE broker_packages SET
                remaining = remaining - v_finished,
                state = CASE WHEN remaining - v_finished > 0 THEN state
                             WHEN failure_command IS NULL THEN 'succeeded' ELSE 'failed' END,
                finished_at = CASE WHEN remaining - v_finished > 0 THEN finished_at ELSE clock_timestamp() END
            WHERE id = c.package_id
            RETURNING state INTO v_package_state;
            IF v_package_state IN ('succeeded', 'failed') THEN
                v_notifications := v_notifications || ('package:' || c.package_id);
            END IF;
            RETURN ARRAY['changed'] || v_notifications;
        END
        $$
        """#
}
