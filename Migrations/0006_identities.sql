-- Inline read model of identities: what user-token authentication checks on every request
-- (does the identity exist, and were its tokens revoked after a token was issued?).
-- Deleted identities keep their row, marked deleted: their tokens must keep failing, and an id
-- is never handed out twice.
CREATE TABLE identities (
    raw_id            text        PRIMARY KEY,
    created_at        timestamptz NOT NULL,
    tokens_revoked_at timestamptz NULL,  -- tokens issued at or before this instant are void
    deleted_at        timestamptz NULL,
    version           bigint      NOT NULL
);
