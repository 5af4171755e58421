-- Makes the filled shadow tables like the live ones: their owner and privileges (the server's
-- role may not be the one rebuilding), their storage parameters (the fill factor used while
-- filling goes), logged (referenced tables first: a logged table cannot reference an unlogged
-- one), and with fresh planner statistics so the first queries after the swap plan well.
CREATE OR REPLACE FUNCTION rebuild_seal_shadow_tables(p_tables text[]) RETURNS void
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
