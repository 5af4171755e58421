-- Rebuilding inline projections from the log (`atrium rebuild`): new tables are filled beside the
-- live ones, in schema atrium_rebuild, by the very dispatcher the append runs (project_inline),
-- then swapped in. How the same functions write elsewhere: they name their tables without a
-- schema, so with search_path = atrium_rebuild, public the names resolve to the shadow tables
-- (PostgreSQL plans plpgsql statements again when the search_path changes), foreign keys between
-- shadow tables point at each other (ON DELETE CASCADE stays inside the shadow), and anything not
-- shadowed resolves to public. The projection functions write their own tables only, so replaying
-- history touches nothing else. One rebuild at a time (the caller holds an advisory lock); the
-- Swift side (ProjectionRebuild) decides which tables form each projection.
--
-- Applies the log's events after (p_after_transaction, p_after_position) and up to
-- (p_through_transaction, p_through_position) — or every visible one when that is NULL — to the
-- shadow tables, in log order, scanning at most p_scan_limit events (NULL: no limit). Only events of
-- streams of one of p_categories (stream_category) are applied, and of those only the share of worker
-- p_worker among p_workers (by a hash of the stream id).
--
-- Workers may run concurrently because every projection function touches only the rows of the
-- event's own stream (a room's rows, a call's rows, ...), and each stream's events stay in order
-- within one worker. A projection that read or wrote another stream's rows would need one worker.
--
-- Returns how many events it scanned and applied and the last position scanned (the next call's
-- p_after_*). One call is one round trip and, in the caller's transaction, one commit per batch.
CREATE OR REPLACE FUNCTION rebuild_apply_events(
    p_categories          text[],
    p_after_transaction   xid8,
    p_after_position      bigint,
    p_through_transaction xid8,
    p_through_position    bigint,
    p_scan_limit          integer,
    p_worker              integer,
    p_workers             integer
) RETURNS TABLE (scanned bigint, applied bigint, last_transaction xid8, last_position bigint)
LANGUAGE plpgsql
SET search_path = atrium_rebuild, public
AS $$
DECLARE
    v_event record;
BEGIN
    scanned := 0;
    applied := 0;
    last_transaction := p_after_transaction;
    last_position := p_after_position;
    FOR v_event IN
        SELECT e.transaction_id, e.global_position, e.stream_id, e.stream_version, e.event_type, e.data,
               e.recorded_at
          FROM events e
         WHERE (e.transaction_id, e.global_position) > (p_after_transaction, p_after_position)
           AND (p_through_transaction IS NULL
                OR (e.transaction_id, e.global_position) <= (p_through_transaction, p_through_position))
         ORDER BY e.transaction_id, e.global_position
         LIMIT p_scan_limit
    LOOP
        scanned := scanned + 1;
        last_transaction := v_event.transaction_id;
        last_position := v_event.global_position;
        CONTINUE WHEN stream_category(v_event.stream_id) <> ALL (p_categories)
                   OR (p_workers > 1 AND mod(hashtext(v_event.stream_id)::bigint + 2147483648, p_workers) <> p_worker);
        PERFORM project_inline(v_event.stream_id, v_event.stream_version, v_event.global_position,
                               v_event.event_type, v_event.data, v_event.recorded_at);
        -- project_subscription records the appending transaction (pg_current_xact_id()), which in
        -- the append is the event's own; here it would be the rebuild's. Put the event's back.
        IF v_event.event_type = 'SubscriptionCreated' THEN
            UPDATE event_subscriptions SET created_transaction_id = v_event.transaction_id
             WHERE created_position = v_event.global_position;
        END IF;
        applied := applied + 1;
    END LOOP;
    RETURN NEXT;
END;
$$;
