-- From here on, every function lives in functions/, one per file, and the migrator applies a file
-- again whenever it changes. Two functions changed their parameters on the way, which CREATE OR
-- REPLACE cannot do: a database migrated before drops their old forms here (a new one has none).
--
-- rebuild_create_shadow_tables(tables, sinks): deleted subscriptions' outbox rows are purged by
-- the fan-out now, not by project_subscription, so a rebuild no longer needs sinks for them.
DROP FUNCTION IF EXISTS rebuild_create_shadow_tables(text[], text[]);
-- rebuild_apply_events(stream patterns, ...): it selects streams by category now.
DROP FUNCTION IF EXISTS rebuild_apply_events(text[], xid8, bigint, xid8, bigint, integer, integer, integer);
