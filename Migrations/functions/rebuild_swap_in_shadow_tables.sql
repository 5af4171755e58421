-- Replaces the live tables by the shadow ones. The caller holds the log and the live tables locked
-- (rebuild_lock_live_tables) and has applied every event. Appends waiting for the lock plan their
-- statements again once they get it (the old tables are gone), and so write to the new ones.
CREATE OR REPLACE FUNCTION rebuild_swap_in_shadow_tables(p_tables text[]) RETURNS void
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
