-- Empty shadow copies of p_tables (same columns, defaults, checks, keys, indexes and foreign keys,
-- under the same names) in schema atrium_rebuild. Leftovers of an interrupted rebuild go first.
-- They are UNLOGGED with room for in-page (HOT) updates while they fill: most events update a row
-- just written. rebuild_seal_shadow_tables makes them like the live ones before the swap.
CREATE OR REPLACE FUNCTION rebuild_create_shadow_tables(p_tables text[]) RETURNS void
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
    FOREACH v_table IN ARRAY p_tables LOOP
        EXECUTE format('DROP TABLE IF EXISTS atrium_rebuild.%I CASCADE', v_table);
    END LOOP;
    FOREACH v_table IN ARRAY p_tables LOOP
        v_statements := v_statements || format(
            'CREATE UNLOGGED TABLE atrium_rebuild.%1$I (LIKE public.%1$I INCLUDING ALL EXCLUDING INDEXES) '
            'WITH (fillfactor = 50)', v_table);
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
