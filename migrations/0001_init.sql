-- Sellers: one row per store going through onboarding. Times are UTC, stored as RFC 3339 text
-- with a fixed width so that text order is time order.
CREATE TABLE sellers (
    id               INTEGER PRIMARY KEY,
    store_name       TEXT NOT NULL,
    contact_name     TEXT NOT NULL,
    login_email      TEXT NOT NULL,
    api_email        TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'not_started',
    status_reason    TEXT NOT NULL DEFAULT '',
    step             INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    last_activity_at TEXT NOT NULL,
    submitted_at     TEXT,
    verified_at      TEXT,
    last_checked_at  TEXT,
    archived_at      TEXT
);

CREATE INDEX sellers_activity ON sellers (last_activity_at DESC, id DESC);
CREATE INDEX sellers_status_activity ON sellers (status, last_activity_at DESC, id DESC);

-- Secrets hold encrypted values (the Shiprocket API password). The key id names the vault key that
-- sealed the value; the associated data binds it to seller and purpose, so a blob moved to another
-- row does not open.
CREATE TABLE secrets (
    seller_id  INTEGER NOT NULL REFERENCES sellers (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    key_id     TEXT NOT NULL,
    sealed     BLOB NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (seller_id, purpose)
);

-- Resume links: only the SHA-256 of the token is kept. A seller has at most one live link.
CREATE TABLE resume_tokens (
    token_hash BLOB PRIMARY KEY,
    seller_id  INTEGER NOT NULL REFERENCES sellers (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE INDEX resume_tokens_seller ON resume_tokens (seller_id);

-- Events form each seller's append-only timeline: steps reached, submissions, checks, staff actions.
CREATE TABLE events (
    id        INTEGER PRIMARY KEY,
    seller_id INTEGER NOT NULL REFERENCES sellers (id),
    at        TEXT NOT NULL,
    kind      TEXT NOT NULL,
    step      INTEGER NOT NULL DEFAULT 0,
    actor     TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT ''
);

CREATE INDEX events_seller ON events (seller_id, id DESC);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

-- Checks record every live verification against Shiprocket. A row is written as "running" before
-- Shiprocket is called, so a crash leaves evidence. report holds the per-module result as JSON.
CREATE TABLE checks (
    id          INTEGER PRIMARY KEY,
    seller_id   INTEGER NOT NULL REFERENCES sellers (id) ON DELETE CASCADE,
    trigger     TEXT NOT NULL,
    api_email   TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    outcome     TEXT NOT NULL DEFAULT 'running',
    http_status INTEGER NOT NULL DEFAULT 0,
    message     TEXT NOT NULL DEFAULT '',
    report      TEXT NOT NULL DEFAULT ''
);

CREATE INDEX checks_seller ON checks (seller_id, id DESC);

-- Staff accounts for the review pages. session_version is bumped to end every session at once.
CREATE TABLE staff (
    id              INTEGER PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name            TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    role            TEXT NOT NULL DEFAULT 'admin',
    session_version INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    disabled_at     TEXT
);
