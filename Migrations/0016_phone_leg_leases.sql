-- The phone legs a node carries (its SIP dialog and RTP live in that process): a lease it renews
-- while it runs. A lease not renewed for a while belongs to a node that died; another node ends
-- the leg in the log, so no leg stays "connected" with nobody carrying it. The row is written
-- before the INVITE goes out: a dial retried after a crash finds it and is not placed twice.
CREATE TABLE phone_leg_leases (
    leg_id         text PRIMARY KEY,
    call_id        text NOT NULL,
    raw_id         text NOT NULL,
    node           uuid NOT NULL,
    answered       boolean NOT NULL DEFAULT false,
    correlation_id uuid NOT NULL,
    causation_id   uuid NOT NULL,
    renewed_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX phone_leg_leases_by_node ON phone_leg_leases (node);
