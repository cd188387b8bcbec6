-- A seller's browser sessions carry this version; making a new resume link bumps it, so whoever
-- signed in with the old link is signed out, not only the old link refused.
ALTER TABLE sellers ADD COLUMN session_version INTEGER NOT NULL DEFAULT 1;
