-- Rebuilding inline projections from the log (`atrium rebuild`): new tables are filled beside the
-- live ones, in schema atrium_rebuild, by the very functions the append path runs (project_inline
-- and the project_* functions it dispatches to), then swapped in.
--
-- How the same functions write elsewhere: they name their tables without a schema, so with
-- search_path = atrium_rebuild, public the names resolve to the shadow tables (PostgreSQL plans
-- plpgsql statements again when the search_path changes), foreign keys between shadow tables point
-- at each other (ON DELETE CASCADE stays inside the shadow), and anything not shadowed resolves
-- to public. Tables a projection function writes that are not projections (the outbox, which
-- project_subscription clears for a deleted subscription) get an empty shadow, a sink, so that
-- replaying history never touches them.
--
-- One rebuild at a time (the caller holds an advisory lock); the Swift side (ProjectionRebuild)
-- decides which tables form each projection.
CREATE SCHEMA atrium_rebuild;

-- Empty shadow copies of p_tables (same columns, defaults, checks, keys, indexes and foreign keys,
-- under the same names) and empty sinks for p_sinks. Leftovers of an interrupted rebuild go first.
-- They are UNLOGGED with room for in-page (HOT) updates while they fill: most events update a row
-- just written. rebuild_seal_shadow_tables makes them like the live ones before the swap.
CREATE FUNCTION rebuild_create_shadow_tables(p_tables text[], p_sinks text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_table      text;
    v_statement  text;
    v_statements text[] := '{}';
    v_live       oid[];
BEGIN
    -- Definitions are printed while only public is on the search path, so the names in them come
    -- out unqualified; run below with atrium_rebuild first, a foreign key between two rebuilt
    -- tables then points at the other shadow table.
    PERFORM set_config('search_path', 'public', true);
    v_live := ARRAY(SELECT ('public.' || quote_ident(t))::regclass::oid FROM unnest(p_tables) AS t);
    FOREACH v_table IN ARRAY p_tables || p_sinks LOOP
        EXECUTE format('DROP TABLE IF EXISTS atrium_rebuild.%I CASCADE', v_table);
    END LOOP;
    FOREACH v_table IN ARRAY p_tables LOOP
        v_statements := v_statements || format(
            'CREATE UNLOGGED TABLE atrium_rebuild.%1$I (LIKE public.%1$I INCLUDING ALL EXCLUDING INDEXES) '
            'WITH (fillfactor = 50)', v_table);
    END LOOP;
    FOREACH v_table IN ARRAY p_sinks LOOP
        v_statements := v_statements || format('CREATE UNLOGGED TABLE atrium_rebuild.%1$I (LIKE public.%1$I)', v_table);
    END LOOP;
    -- Keys (foreign keys need them), then the other indexes, then foreign keys.
    v_statements := v_statements || ARRAY(
        SELECT format('ALTER TABLE atrium_rebuild.%I ADD CONSTRAINT %I %s', r.relname, c.conname,
                      pg_get_constraintdef(c.oid))
          FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
         WHERE c.conrelid = ANY (v_live) AND c.contype IN ('p', 'u', 'x')
         ORDER BY r.relname, c.conname);
    v_statements := v_statements || ARRAY(
        SELECT regexp_replace(pg_get_indexdef(i.indexrelid), ' ON (ONLY )?public\.', ' ON \1atrium_rebuild.')
          FROM pg_index i
         WHERE i.indrelid = ANY (v_live)
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
         ORDER BY i.indexrelid);
    v_statements := v_statements || ARRAY(
        SELECT format('ALTER TABLE atrium_rebuild.%I ADD CONSTRAINT %I %s', r.relname, c.conname,
                      pg_get_constraintdef(c.oid))
          FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
         WHERE c.conrelid = ANY (v_live) AND c.contype = 'f'
         ORDER BY r.relname, c.conname);
    PERFORM set_config('search_path', 'atrium_rebuild, public', true);
    FOREACH v_statement IN ARRAY v_statements LOOP
        EXECUTE v_statement;
    END LOOP;
END;
$$;

-- Applies the log's events after (p_after_transaction, p_after_position) and up to
-- (p_through_transaction, p_through_position) — or every visible one when that is NULL — to the
-- shadow tables, in log order, scanning at most p_scan_limit events (NULL: no limit). Only events of
-- streams matching one of p_stream_patterns are applied, and of those only the share of worker
-- p_worker among p_workers (by a hash of the stream id).
--
-- Workers may run concurrently because every projection function touches only the rows of the
-- event's own stream (a room's rows, a call's rows, ...), and each stream's events stay in order
-- within one worker. A projection that read or wrote another stream's rows would need one worker.
--
-- Returns how many events it scanned and applied and the last position scanned (the next call's
-- p_after_*). One call is one round trip and, in the caller's transaction, one commit per batch.
CREATE FUNCTION rebuild_apply_events(
    p_stream_patterns     text[],
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
        CONTINUE WHEN NOT v_event.stream_id LIKE ANY (p_stream_patterns)
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

-- Makes the filled shadow tables like the live ones: their owner and privileges (the server's
-- role may not be the one rebuilding), their storage parameters (the fill factor used while
-- filling goes), logged (referenced tables first: a logged table cannot reference an unlogged
-- one), and with fresh planner statistics so the first queries after the swap plan well.
CREATE FUNCTION rebuild_seal_shadow_tables(p_tables text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_table record;
    v_grant record;
BEGIN
    FOR v_table IN
        SELECT t AS name, live.reloptions, live.relowner, live.relacl,
               (SELECT count(*) FROM pg_constraint c WHERE c.conrelid = live.oid AND c.contype = 'f') AS foreign_keys
          FROM unnest(p_tables) AS t
          JOIN pg_class live ON live.oid = ('public.' || quote_ident(t))::regclass
         ORDER BY foreign_keys, name
    LOOP
        IF v_table.relowner <> (SELECT relowner FROM pg_class
                                 WHERE oid = ('atrium_rebuild.' || quote_ident(v_table.name))::regclass) THEN
            EXECUTE format('ALTER TABLE atrium_rebuild.%I OWNER TO %I', v_table.name, pg_get_userbyid(v_table.relowner));
        END IF;
        FOR v_grant IN SELECT privilege_type, grantee, is_grantable FROM aclexplode(v_table.relacl) LOOP
            EXECUTE format('GRANT %s ON atrium_rebuild.%I TO %s%s', v_grant.privilege_type, v_table.name,
                           CASE v_grant.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(v_grant.grantee)) END,
                           CASE WHEN v_grant.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
        END LOOP;
        EXECUTE format('ALTER TABLE atrium_rebuild.%I RESET (fillfactor)', v_table.name);
        IF v_table.reloptions IS NOT NULL THEN
            EXECUTE format('ALTER TABLE atrium_rebuild.%I SET (%s)', v_table.name,
                           array_to_string(v_table.reloptions, ', '));
        END IF;
        EXECUTE format('ALTER TABLE atrium_rebuild.%I SET LOGGED', v_table.name);
        EXECUTE format('ANALYZE atrium_rebuild.%I', v_table.name);
    END LOOP;
END;
$$;

-- Replaces the live tables by the shadow ones. The caller holds the log and the live tables locked
-- (rebuild_lock_live_tables) and has applied every event. Appends waiting for the lock plan their
-- statements again once they get it (the old tables are gone), and so write to the new ones.
CREATE FUNCTION rebuild_swap_in_shadow_tables(p_tables text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_table text;
BEGIN
    EXECUTE 'DROP TABLE ' || (SELECT string_agg('public.' || quote_ident(t), ', ') FROM unnest(p_tables) AS t);
    FOREACH v_table IN ARRAY p_tables LOOP
        EXECUTE format('ALTER TABLE atrium_rebuild.%I SET SCHEMA public', v_table);
    END LOOP;
END;
$$;

-- The rows that differ between each live table and its shadow, both ways, as multisets (EXCEPT
-- ALL over every column): at most p_limit rows per table and side, each with the side's total.
CREATE FUNCTION rebuild_differences(p_tables text[], p_limit integer)
RETURNS TABLE (table_name text, only_in text, total bigint, row_data jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    v_table text;
BEGIN
    FOREACH v_table IN ARRAY p_tables LOOP
        RETURN QUERY EXECUTE format(
            'SELECT %1$L, ''live'', count(*) OVER (), to_jsonb(d) FROM '
            '(SELECT * FROM public.%1$I EXCEPT ALL SELECT * FROM atrium_rebuild.%1$I) AS d LIMIT $1', v_table)
            USING p_limit;
        RETURN QUERY EXECUTE format(
            'SELECT %1$L, ''rebuild'', count(*) OVER (), to_jsonb(d) FROM '
            '(SELECT * FROM atrium_rebuild.%1$I EXCEPT ALL SELECT * FROM public.%1$I) AS d LIMIT $1', v_table)
            USING p_limit;
    END LOOP;
END;
$$;

-- Locks the live tables for the swap (ACCESS EXCLUSIVE, which the DROP needs anyway: readers wait
-- from here to the commit) until the end of the transaction. The caller has locked the log first.
CREATE FUNCTION rebuild_lock_live_tables(p_tables text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE 'LOCK TABLE ' || (SELECT string_agg('public.' || quote_ident(t), ', ') FROM unnest(p_tables) AS t)
         || ' IN ACCESS EXCLUSIVE MODE';
END;
$$;

-- Drops shadow tables and sinks (after a verify, or once a swap has moved the tables away).
CREATE FUNCTION rebuild_drop_shadow_tables(p_tables text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_table text;
BEGIN
    FOREACH v_table IN ARRAY p_tables LOOP
        EXECUTE format('DROP TABLE IF EXISTS atrium_rebuild.%I CASCADE', v_table);
    END LOOP;
END;
$$;
