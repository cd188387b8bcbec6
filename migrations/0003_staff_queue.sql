-- Staff review: who a seller is assigned to, when it was first verified, internal notes, one-time
-- links for staff passwords, and the indexes that keep the review queue fast at 100,000 sellers.

-- The staff member looking after a seller; NULL when nobody is.
ALTER TABLE sellers ADD COLUMN assignee_id INTEGER REFERENCES staff (id);

-- The first time a seller was verified. verified_at moves with every later verified check, so the
-- time from start to verified is measured from this column, which the trigger below fills once.
ALTER TABLE sellers ADD COLUMN first_verified_at TEXT;

UPDATE sellers SET first_verified_at = COALESCE(
    (SELECT MIN(e.at) FROM events e
     WHERE e.seller_id = sellers.id AND e.kind = 'checked' AND e.detail = 'verified'),
    verified_at)
WHERE verified_at IS NOT NULL;

CREATE TRIGGER sellers_first_verified AFTER UPDATE OF verified_at ON sellers
WHEN NEW.verified_at IS NOT NULL AND NEW.first_verified_at IS NULL
BEGIN
    UPDATE sellers SET first_verified_at = NEW.verified_at WHERE id = NEW.id;
END;

-- The queue lists sellers that are not archived, a page at a time after a keyset cursor, ordered
-- by last activity (either way) or by creation. Each filter the queue offers has an index that
-- starts with the filter's column and ends with the order, so a page reads only its own rows, at
-- any depth. The indexes are partial: archived sellers are kept out of them. Counts read an index
-- alone only when it holds every column the query names, the partial index's own archived_at
-- included, so the indexes counts use end with it (always NULL there, so it costs next to nothing).
CREATE INDEX sellers_live_activity ON sellers (last_activity_at, id, status)
    WHERE archived_at IS NULL;
CREATE INDEX sellers_live_status ON sellers (status, last_activity_at, id, archived_at)
    WHERE archived_at IS NULL;
CREATE INDEX sellers_live_created ON sellers (created_at, id) WHERE archived_at IS NULL;
CREATE INDEX sellers_live_status_created ON sellers (status, created_at, id)
    WHERE archived_at IS NULL;
CREATE INDEX sellers_live_assignee ON sellers (assignee_id, last_activity_at, id)
    WHERE archived_at IS NULL;
CREATE INDEX sellers_live_step ON sellers (step, last_activity_at, id, archived_at)
    WHERE archived_at IS NULL;
CREATE INDEX sellers_archived_activity ON sellers (last_activity_at, id)
    WHERE archived_at IS NOT NULL;

-- The summary strip: recent first verifications, and why sellers checked lately need action.
CREATE INDEX sellers_first_verified ON sellers (first_verified_at, created_at)
    WHERE first_verified_at IS NOT NULL;
CREATE INDEX sellers_live_reason ON sellers
    (status, last_checked_at, status_reason, archived_at) WHERE archived_at IS NULL;

-- Internal notes staff write about a seller. Append-only, like the timeline they appear in.
CREATE TABLE notes (
    id        INTEGER PRIMARY KEY,
    seller_id INTEGER NOT NULL REFERENCES sellers (id),
    author_id INTEGER NOT NULL REFERENCES staff (id),
    at        TEXT NOT NULL,
    body      TEXT NOT NULL
);

CREATE INDEX notes_seller ON notes (seller_id, id DESC);

CREATE TRIGGER notes_no_update BEFORE UPDATE ON notes
BEGIN
    SELECT RAISE(ABORT, 'notes are append-only');
END;

CREATE TRIGGER notes_no_delete BEFORE DELETE ON notes
BEGIN
    SELECT RAISE(ABORT, 'notes are append-only');
END;

-- One-time links to set a staff password: for a new member, after a reset, and the first-run
-- set-up link that creates the first admin (staff_id NULL). Only the SHA-256 of a token is kept;
-- a link is deleted when used.
CREATE TABLE staff_links (
    token_hash BLOB PRIMARY KEY,
    staff_id   INTEGER REFERENCES staff (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE INDEX staff_links_staff ON staff_links (staff_id);

-- Search: staff find a seller by any part of the store name, the contact's name or either email.
-- A trigram index answers such a substring search without reading every seller; triggers keep it
-- in step with the sellers table, whoever writes to it.
CREATE VIRTUAL TABLE sellers_search USING fts5 (
    store_name, contact_name, login_email, api_email,
    content = 'sellers', content_rowid = 'id', tokenize = 'trigram'
);

INSERT INTO sellers_search (sellers_search) VALUES ('rebuild');

CREATE TRIGGER sellers_search_insert AFTER INSERT ON sellers
BEGIN
    INSERT INTO sellers_search (rowid, store_name, contact_name, login_email, api_email)
    VALUES (NEW.id, NEW.store_name, NEW.contact_name, NEW.login_email, NEW.api_email);
END;

CREATE TRIGGER sellers_search_update
AFTER UPDATE OF store_name, contact_name, login_email, api_email ON sellers
BEGIN
    INSERT INTO sellers_search (sellers_search, rowid, store_name, contact_name, login_email,
        api_email)
    VALUES ('delete', OLD.id, OLD.store_name, OLD.contact_name, OLD.login_email, OLD.api_email);
    INSERT INTO sellers_search (rowid, store_name, contact_name, login_email, api_email)
    VALUES (NEW.id, NEW.store_name, NEW.contact_name, NEW.login_email, NEW.api_email);
END;

CREATE TRIGGER sellers_search_delete AFTER DELETE ON sellers
BEGIN
    INSERT INTO sellers_search (sellers_search, rowid, store_name, contact_name, login_email,
        api_email)
    VALUES ('delete', OLD.id, OLD.store_name, OLD.contact_name, OLD.login_email, OLD.api_email);
END;
