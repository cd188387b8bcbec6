-- How many sellers there are in each status and step, archived or not, kept by triggers on
-- sellers. The queue's tab counts and the summary's funnel read these few rows instead of every
-- seller: counting 100,000 sellers took 20 ms and the funnel 10 ms per page, on every page after
-- any write (docs/benchmark.md).
CREATE TABLE seller_counts (
    status TEXT NOT NULL,
    step   INTEGER NOT NULL,
    live   INTEGER NOT NULL, -- 1 for sellers that are not archived, 0 for archived ones
    n      INTEGER NOT NULL,
    PRIMARY KEY (status, step, live)
) WITHOUT ROWID;

INSERT INTO seller_counts (status, step, live, n)
SELECT status, step, archived_at IS NULL, COUNT(*) FROM sellers GROUP BY 1, 2, 3;

CREATE TRIGGER seller_counts_insert AFTER INSERT ON sellers
BEGIN
    INSERT INTO seller_counts (status, step, live, n)
    VALUES (NEW.status, NEW.step, NEW.archived_at IS NULL, 1)
    ON CONFLICT (status, step, live) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER seller_counts_update AFTER UPDATE OF status, step, archived_at ON sellers
WHEN OLD.status IS NOT NEW.status OR OLD.step IS NOT NEW.step
    OR (OLD.archived_at IS NULL) IS NOT (NEW.archived_at IS NULL)
BEGIN
    UPDATE seller_counts SET n = n - 1
    WHERE status = OLD.status AND step = OLD.step AND live = (OLD.archived_at IS NULL);
    INSERT INTO seller_counts (status, step, live, n)
    VALUES (NEW.status, NEW.step, NEW.archived_at IS NULL, 1)
    ON CONFLICT (status, step, live) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER seller_counts_delete AFTER DELETE ON sellers
BEGIN
    UPDATE seller_counts SET n = n - 1
    WHERE status = OLD.status AND step = OLD.step AND live = (OLD.archived_at IS NULL);
END;
