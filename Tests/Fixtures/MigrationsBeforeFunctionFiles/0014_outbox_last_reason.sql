-- Why a delivery's last attempt failed, as a small closed set an operator can filter on: the
-- answer's status (`http_503`), or why no answer came (`dns`, `refused`, `tls`, `timeout`,
-- `connection`). `last_outcome` keeps the human words beside it.
ALTER TABLE outbox ADD COLUMN last_reason text;
