-- Jobs are background checks of one seller's stored credentials: a retry of a pending check, the
-- periodic re-check of a verified seller, or the daily follow-up of a failing one. They live here
-- so that a restart loses nothing. A runner claims a due job by moving it to 'running' with a
-- lease; a lease that runs out (the runner crashed or was stopped) makes the job claimable again.
-- A seller has at most one queued job: scheduling a new one replaces it.
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    seller_id   INTEGER NOT NULL REFERENCES sellers (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'queued',
    run_at      TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT NOT NULL DEFAULT '',
    lease_until TEXT,
    result      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE UNIQUE INDEX jobs_one_queued ON jobs (seller_id) WHERE state = 'queued';
CREATE INDEX jobs_due ON jobs (state, run_at, id);
CREATE INDEX jobs_seller ON jobs (seller_id, id DESC);

-- Monitor holds what background work knows about each seller between checks: the last status
-- announced by webhook, how long a check has been pending, and the failing days that make a
-- seller stale. Existing sellers start with their current status as already announced, so that
-- turning this on does not send a webhook for every seller.
CREATE TABLE monitor (
    seller_id       INTEGER PRIMARY KEY REFERENCES sellers (id) ON DELETE CASCADE,
    announced       TEXT NOT NULL DEFAULT '',
    pending_since   TEXT,
    pending_retries INTEGER NOT NULL DEFAULT 0,
    gave_up_at      TEXT,
    failing_since   TEXT,
    fail_days       INTEGER NOT NULL DEFAULT 0,
    last_fail_day   TEXT NOT NULL DEFAULT '',
    stale_at        TEXT,
    updated_at      TEXT NOT NULL
);

INSERT INTO monitor (seller_id, announced, updated_at)
SELECT id, CASE WHEN status IN ('verified', 'needs_action') THEN status ELSE '' END, updated_at
FROM sellers;

-- Webhook deliveries: one row per event and receiving URL, retried with backoff until a 2xx or
-- give_up_at. The payload is exactly the body sent; it never holds a password or a token.
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    event_id        TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    seller_id       INTEGER REFERENCES sellers (id) ON DELETE SET NULL,
    url             TEXT NOT NULL,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_until     TEXT,
    created_at      TEXT NOT NULL,
    give_up_at      TEXT NOT NULL,
    finished_at     TEXT
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at, id);
CREATE INDEX webhook_deliveries_seller ON webhook_deliveries (seller_id, id DESC);

-- Every delivery attempt, kept for staff: when, the HTTP status (0 when none came back), and the
-- error in plain words.
CREATE TABLE webhook_attempts (
    id          INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    http_status INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    duration_ms INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- API keys for the machine API. Only the SHA-256 of a key is kept; prefix is its first characters,
-- shown so people can tell keys apart.
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    key_hash     BLOB NOT NULL UNIQUE,
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);

-- Cached Shiprocket tokens handed to the platform, sealed by the vault with associated data that
-- binds them to their seller. refresh_at is one day before the token's own expiry.
CREATE TABLE tokens (
    seller_id  INTEGER PRIMARY KEY REFERENCES sellers (id) ON DELETE CASCADE,
    api_email  TEXT NOT NULL,
    key_id     TEXT NOT NULL,
    sealed     BLOB NOT NULL,
    expires_at TEXT NOT NULL,
    refresh_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- The machine API lists sellers in order of last change, for the platform to sync from.
CREATE INDEX sellers_updated ON sellers (updated_at, id);

-- The audit log: who did what to which seller, from where. Append-only. Other parts of the portal
-- may write to it too, so it is created only if an earlier migration has not.
CREATE TABLE IF NOT EXISTS audit (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    seller_id INTEGER REFERENCES sellers (id),
    detail    TEXT NOT NULL DEFAULT '',
    address   TEXT NOT NULL DEFAULT ''
);

CREATE INDEX IF NOT EXISTS audit_seller ON audit (seller_id, id DESC);
CREATE INDEX IF NOT EXISTS audit_action ON audit (action, id DESC);

CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
