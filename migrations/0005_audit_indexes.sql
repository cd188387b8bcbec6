-- The audit page filters by person and by date; without these, those filters scan the whole log.
CREATE INDEX audit_actor ON audit (actor, id DESC);
CREATE INDEX audit_at ON audit (at, id DESC);
