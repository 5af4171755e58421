-- Drops shadow tables (after a verify, or once a swap has moved the tables away).
CREATE OR REPLACE FUNCTION rebuild_drop_shadow_tables(p_tables text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_table text;
BEGIN
    FOREACH v_table IN ARRAY p_tables LOOP
        EXECUTE format('DROP TABLE IF EXISTS atrium_rebuild.%I CASCADE', v_table);
    END LOOP;
END;
$$;
