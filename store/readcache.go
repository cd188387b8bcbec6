package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// Limits of the read cache.
const (
	// cacheMaxAge bounds how long a cached figure is used while nothing is written: the stuck
	// tab and the summary's windows move with the clock, not only with writes.
	cacheMaxAge = time.Minute
	// cacheMaxEntries bounds the cache; searches each have their own counts.
	cacheMaxEntries = 256
)

// readCache keeps the results of the review queue's aggregate queries (tab counts, the summary
// strip) for as long as the database is unchanged. Each of them reads every live seller, which
// at 100,000 sellers costs tens of milliseconds, while the page around them costs about one;
// staff load the queue far more often than the counts change.
//
// A change is noticed through SQLite's data_version, asked on a connection of the cache's own:
// it moves whenever any other connection, in this process or another, commits. Whatever writes
// to the database, the next read after the commit computes afresh, so a cached figure is never
// older than the last write.
type readCache struct {
	mu      sync.Mutex
	conn    *sql.DB // one connection, never used to write, so every commit it sees is another's
	version int64
	entries map[string]cacheEntry
	group   singleflight.Group
}

type cacheEntry struct {
	value   any
	at      time.Time
	version int64
}

func newReadCache(conn *sql.DB) *readCache {
	conn.SetMaxOpenConns(1)
	return &readCache{conn: conn, version: -1, entries: map[string]cacheEntry{}}
}

// close closes the cache's connection.
func (c *readCache) close() error {
	return c.conn.Close()
}

// dataVersion returns SQLite's data_version as seen by the cache's connection, dropping every
// entry when it moved.
func (c *readCache) dataVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := c.conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read data version: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v != c.version {
		c.version = v
		clear(c.entries)
	}
	return v, nil
}

// get returns the value cached under key when the database has not changed since it was
// computed and it is younger than cacheMaxAge by now; otherwise it computes it with fn, once
// for all the callers that ask at the same time.
func (c *readCache) get(ctx context.Context, key string, now time.Time,
	fn func() (any, error)) (any, error) {
	v, err := c.dataVersion(ctx)
	if err != nil {
		return nil, err
	}

	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && e.version == v && !now.Before(e.at) && now.Sub(e.at) < cacheMaxAge {
		return e.value, nil
	}

	value, err, _ := c.group.Do(strconv.FormatInt(v, 10)+"\x00"+key, func() (any, error) {
		value, err := fn()
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.version == v {
			if len(c.entries) >= cacheMaxEntries {
				clear(c.entries)
			}
			c.entries[key] = cacheEntry{value: value, at: now, version: v}
		}
		return value, nil
	})
	return value, err
}

// QueueCounts returns how many sellers each tab holds under the filter's other conditions
// (search, assignee, step, reason): the count a tab shows is the number of rows it lists. Keys
// are TabAll, TabStuck, TabArchived and every status in QueueStatuses. The counts are computed
// again after any write to the database (see readCache); the map returned is the caller's own.
func (s *Store) QueueCounts(ctx context.Context, f QueueFilter) (map[string]int, error) {
	conds, args := f.conditions(s.Now(), false)
	// The stuck cutoff is left out of the key: it moves with the clock, which cacheMaxAge
	// bounds.
	key := "counts\x00" + strings.Join(conds, "\x00") + "\x00" + fmt.Sprint(args...) +
		"\x00" + strconv.FormatInt(int64(f.StuckAfter), 10)
	v, err := s.cache.get(ctx, key, s.Now(), func() (any, error) {
		return s.queueCounts(context.WithoutCancel(ctx), f)
	})
	if err != nil {
		return nil, err
	}
	counts := v.(map[string]int)
	out := make(map[string]int, len(counts))
	for k, n := range counts {
		out[k] = n
	}
	return out, nil
}

// Summary returns the queue's summary strip. maxStep is the furthest step a seller can reach.
// Like QueueCounts, it is computed again after any write to the database.
func (s *Store) Summary(ctx context.Context, maxStep int) (QueueSummary, error) {
	v, err := s.cache.get(ctx, "summary\x00"+strconv.Itoa(maxStep), s.Now(),
		func() (any, error) {
			return s.summary(context.WithoutCancel(ctx), maxStep)
		})
	if err != nil {
		return QueueSummary{}, err
	}
	sum := v.(QueueSummary)
	sum.Reached = append([]int(nil), sum.Reached...)
	sum.Reasons = append([]ReasonCount(nil), sum.Reasons...)
	return sum, nil
}
