-- Locks the live tables for the swap (ACCESS EXCLUSIVE, which the DROP needs anyway: readers wait
-- from here to the commit) until the end of the transaction. The caller has locked the log first.
CREATE OR REPLACE FUNCTION rebuild_lock_live_tables(p_tables text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE 'LOCK TABLE ' || (SELECT string_agg('public.' || quote_ident(t), ', ') FROM unnest(p_tables) AS t)
         || ' IN ACCESS EXCLUSIVE MODE';
END;
$$;
