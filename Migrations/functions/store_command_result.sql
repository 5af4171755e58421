-- Stores the first result of a repeatable request (Repeatability-Request-ID), replayed to its
-- retries, in the transaction of the events it reports; a NULL result is none to store. A request
-- id stored already raises unique_violation on command_results_pkey.
CREATE OR REPLACE FUNCTION store_command_result(p_result jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_result IS NOT NULL THEN
        INSERT INTO command_results (request_id, first_sent, operation, status, headers, body)
        VALUES (p_result->>'requestId', (p_result->>'firstSent')::timestamptz, p_result->>'operation',
                (p_result->>'status')::integer, p_result->'headers', p_result->>'body');
    END IF;
END;
$$;
