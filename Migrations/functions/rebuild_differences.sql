-- The rows that differ between each live table and its shadow, both ways, as multisets (EXCEPT
-- ALL over every column): at most p_limit rows per table and side, each with the side's total.
CREATE OR REPLACE FUNCTION rebuild_differences(p_tables text[], p_limit integer)
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
