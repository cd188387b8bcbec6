// Package store keeps the portal's state in a SQLite file: sellers, their encrypted secrets,
// resume links, timelines, Shiprocket checks and staff accounts.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aicofounder/shiprocket-portal/migrations"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// ErrNotFound is returned when a requested row does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrExpired is returned when a resume link exists but has expired.
var ErrExpired = errors.New("store: expired")

// timeLayout is how every time is stored: UTC, fixed width, so text order is time order.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// readConns is the size of the read pool.
const readConns = 4

// Store is the portal's database. Writes go through a single connection, because SQLite allows one
// writer at a time and queuing in Go is kinder than SQLITE_BUSY; reads use a pool of their own.
type Store struct {
	write *sql.DB
	read  *sql.DB
	now   func() time.Time
	// cache keeps the review queue's counts and summary until the next write (readcache.go).
	cache *readCache
	// prepared holds the read pool's statements prepared once (see readStmt); writes the
	// writer's, and toPrepare those it is still to prepare (see wtx).
	preparedMu sync.Mutex
	prepared   map[string]*sql.Stmt
	writes     map[string]*sql.Stmt
	toPrepare  map[string]bool
	// writesPrepared counts the statements run prepared, which tests read.
	writesPrepared int
}

// Option changes how Open builds a Store.
type Option func(*Store)

// WithClock makes the store stamp rows with the given clock instead of time.Now; tests use it.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// Open opens (creating if needed) the SQLite file at path and applies every pending migration.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
	}
	// SQLite would create the file 0644; it holds sellers' details, so it is made 0600 first.
	// The -wal and -shm files SQLite adds beside it take the database file's mode.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		err = f.Close()
	}
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("create database file: %w", err)
	}

	// busy_timeout comes first so that every other pragma already waits for a lock; WAL lets
	// readers run beside the one writer; _txlock=immediate takes the write lock at BEGIN, so a
	// transaction never fails half-way with SQLITE_BUSY_SNAPSHOT.
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate"

	// The writer copies the log back into the database every 4000 pages (16 MiB) rather than
	// 1000: the same index pages are written again and again, and each copy writes a page once
	// however often it changed, so rarer copies write less.
	write, err := sql.Open("sqlite", dsn+"&_pragma=wal_autocheckpoint(4000)")
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	write.SetMaxOpenConns(1)

	read, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	// Idle connections are kept: database/sql would otherwise close all but two after each
	// burst, and opening one again costs its files, its pragmas and its page cache.
	read.SetMaxOpenConns(readConns)
	read.SetMaxIdleConns(readConns)

	version, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}

	s := &Store{write: write, read: read, now: time.Now, cache: newReadCache(version),
		prepared: map[string]*sql.Stmt{}, writes: map[string]*sql.Stmt{},
		toPrepare: map[string]bool{}}
	for _, opt := range opts {
		opt(s)
	}

	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	// From here on the writer keeps its temporary files in memory. Its statement journals (kept
	// while a statement that may fail half-way runs) were temporary files opened and closed
	// inside every submission. Migrations ran before this on purpose: temporary storage in
	// memory also holds sorts, and building an index over a large table would sort it all in
	// memory. Should the writer's connection ever be opened again, it goes back to files, which
	// is only slower.
	if _, err := s.write.ExecContext(ctx, `PRAGMA temp_store = MEMORY`); err != nil {
		s.Close()
		return nil, fmt.Errorf("set temporary storage: %w", err)
	}
	return s, nil
}

// Close closes both connection pools.
func (s *Store) Close() error {
	s.preparedMu.Lock()
	var errs []error
	for _, st := range s.prepared {
		errs = append(errs, st.Close())
	}
	for _, st := range s.writes {
		errs = append(errs, st.Close())
	}
	s.preparedMu.Unlock()
	return errors.Join(append(errs, s.cache.close(), s.read.Close(), s.write.Close())...)
}

// readStmt returns query prepared on the read pool, preparing it the first time. The pure-Go
// SQLite spends longer parsing a short query than running it, so the queries every page runs
// (loading the signed-in seller) are parsed once per connection instead of once per request.
func (s *Store) readStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	s.preparedMu.Lock()
	defer s.preparedMu.Unlock()
	if st, ok := s.prepared[query]; ok {
		return st, nil
	}
	st, err := s.read.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	s.prepared[query] = st
	return st, nil
}

// Ping checks that the database answers, for the health endpoint.
func (s *Store) Ping(ctx context.Context) error {
	return s.read.PingContext(ctx)
}

func (s *Store) migrate(ctx context.Context) error {
	_, err := s.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`)
	if err != nil {
		return fmt.Errorf("prepare migrations (is the database file writable?): %w", err)
	}

	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)

	for _, name := range names {
		if err := s.applyMigration(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, name string) error {
	version := strings.TrimSuffix(name, ".sql")

	var n int
	err := s.write.QueryRowContext(ctx,
		`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n)
	if err != nil {
		return fmt.Errorf("read migration state: %w", err)
	}
	if n > 0 {
		return nil
	}

	body, err := migrations.FS.ReadFile(name)
	if err != nil {
		return fmt.Errorf("read migration %s: %w", name, err)
	}

	return s.tx(ctx, func(tx *wtx) error {
		// A migration holds many statements: it is run as it is, never kept prepared.
		if _, err := tx.Tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("apply migration %s: %w", name, err)
		}
		_, err := tx.ExecContext(ctx,
			`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
			version, s.stamp())
		return err
	})
}

// tx runs fn in a write transaction, committing when it returns nil.
func (s *Store) tx(ctx context.Context, fn func(*wtx) error) error {
	// Statements first met by an earlier transaction are prepared while the writer is free.
	s.prepareWrites(ctx)
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(&wtx{Tx: tx, s: s}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// maxWriteStmts bounds the statements kept prepared on the writer. The store's write statements
// number about a hundred; the bound only matters if some text were built per call.
const maxWriteStmts = 256

// wtx is a write transaction whose statements are prepared once on the writer connection and
// kept. The pure-Go SQLite spends longer parsing most of the store's writes than running them:
// parsing was a sixth of a credentials submit's CPU time. A statement's first run is parsed as
// usual and asks for it to be prepared; the next transaction prepares it before it begins, since
// the writer's only connection cannot prepare anything while a transaction holds it.
type wtx struct {
	*sql.Tx
	s *Store
}

// ExecContext runs a statement in the transaction.
func (t *wtx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.s.writeStmt(query); st != nil {
		return t.Tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

// QueryRowContext runs a query expected to return at most one row in the transaction. The row
// must be scanned before the same query runs again in the transaction: both would use the one
// prepared statement. Every caller scans at once.
func (t *wtx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.s.writeStmt(query); st != nil {
		return t.Tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

// QueryContext runs a query in the transaction, never prepared: its rows may stay open while
// the caller runs other statements, the same query among them, which one shared prepared
// statement could not do. No query that returns many rows is on a hot path of writes.
func (t *wtx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, query, args...)
}

// writeStmt returns query prepared on the writer, or nil when it is not yet, in which case it
// is noted for prepareWrites.
func (s *Store) writeStmt(query string) *sql.Stmt {
	s.preparedMu.Lock()
	defer s.preparedMu.Unlock()
	if st, ok := s.writes[query]; ok {
		s.writesPrepared++
		return st
	}
	if len(s.writes)+len(s.toPrepare) < maxWriteStmts {
		s.toPrepare[query] = true
	}
	return nil
}

// prepareWrites prepares on the writer the statements writeStmt has noted. A statement that
// fails to prepare is left to run unprepared: running it reports the error where it belongs.
func (s *Store) prepareWrites(ctx context.Context) {
	s.preparedMu.Lock()
	var queries []string
	for q := range s.toPrepare {
		queries = append(queries, q)
	}
	clear(s.toPrepare)
	s.preparedMu.Unlock()

	for _, q := range queries {
		st, err := s.write.PrepareContext(ctx, q)
		if err != nil {
			continue
		}
		s.preparedMu.Lock()
		if _, ok := s.writes[q]; ok {
			st.Close()
		} else {
			s.writes[q] = st
		}
		s.preparedMu.Unlock()
	}
}

// Now returns the store's clock reading, in UTC.
func (s *Store) Now() time.Time {
	return s.now().UTC()
}

func (s *Store) stamp() string {
	return formatTime(s.Now())
}

func formatTime(t time.Time) string {
	return t.UTC().Format(timeLayout)
}

func parseTime(v string) time.Time {
	t, err := time.Parse(timeLayout, v)
	if err != nil {
		return time.Time{}
	}
	return t
}

func parseNullTime(v sql.NullString) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return parseTime(v.String)
}
