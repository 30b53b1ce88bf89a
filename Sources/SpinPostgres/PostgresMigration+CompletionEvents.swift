extension PostgresMigration {
    /// Version 3: `spin_broker_complete` also returns the broker events its commit makes, as
    /// `event:…` entries after the notifications (``BrokerEventWire``): the command's new
    /// state, each dependent it made ready or cancelled (in queue order), and the package's end.
    /// The server that completed fans them out to every server's event streams.
    static let brokerCompleteEvents = PostgresMigration(version: 3, name: "broker: completion reports its events", statements: [
        #"""
        CREATE OR REPLACE FUNCTION spin_broker_complete(p_id uuid, p_token uuid, p_success boolean, p_reason text, p_error_code text)
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
            v_events text[] := ARRAY[]::text[];
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
                    RETURNING id, ord, resource, state
                )
                SELECT coalesce(array_agg(DISTINCT 'ready:' || resource), ARRAY[]::text[]),
                       coalesce(array_agg('event:c ' || id || ' ' || c.package_id || ' ready ' || resource ORDER BY ord), ARRAY[]::text[])
                INTO v_notifications, v_events
                FROM released WHERE state = 'ready';
            ELSE
                WITH RECURSIVE downstream (id) AS (
                    SELECT command_id FROM broker_dependencies WHERE depends_on = p_id
                    UNION
                    SELECT d.command_id FROM broker_dependencies d JOIN downstream ON d.depends_on = downstream.id
                )
                , cancelled AS (
                    UPDATE broker_commands SET
                        state = 'cancelled',
                        reason = 'cancelled: ' || c.resource || '.' || c.action || ' (' || upper(p_id::text) || ') failed: ' || v_reason,
                        finished_at = clock_timestamp()
                    WHERE state = 'pending' AND id IN (SELECT id FROM downstream)
                    RETURNING id, ord, resource
                )
                SELECT count(*), coalesce(array_agg('event:c ' || id || ' ' || c.package_id || ' cancelled ' || resource ORDER BY ord), ARRAY[]::text[])
                INTO v_cancelled, v_events
                FROM cancelled;
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
            v_events := ('event:c ' || p_id || ' ' || c.package_id || ' ' || v_state || ' ' || c.resource) || v_events;
            IF v_package_state IN ('succeeded', 'failed') THEN
                v_notifications := v_notifications || ('package:' || c.package_id);
                v_events := v_events || ('event:p ' || c.package_id || ' ' || v_package_state);
            END IF;
            RETURN ARRAY['changed'] || v_notifications || v_events;
        END
        $$
        """#,
    ])
}
