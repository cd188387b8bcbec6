-- Facts about the database itself, one row per key. "mode" records whether the database was
-- created by the portal ("portal") or by demo mode ("demo"): demo sellers' fake credentials must
-- never be checked against the real Shiprocket, nor real sellers' against the fake one.
-- "last_start_at" is rewritten at every start-up, which proves the database takes writes.
CREATE TABLE meta (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
