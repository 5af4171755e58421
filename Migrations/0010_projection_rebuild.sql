-- Rebuilding inline projections from the log (`atrium rebuild`) fills new tables in this schema
-- beside the live ones, then swaps them in (functions/rebuild_*.sql).
CREATE SCHEMA atrium_rebuild;
