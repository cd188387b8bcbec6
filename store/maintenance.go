package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"modernc.org/sqlite"
)

// SQLite's primary result codes that mean the database cannot take a write right now, whatever
// was being written: https://sqlite.org/rescode.html.
const (
	codeBusy     = 5
	codeLocked   = 6
	codeReadOnly = 8
	codeIOErr    = 10
	codeFull     = 13
	codeCantOpen = 14
)

// IsUnavailable reports whether err comes from a database that is locked, read-only, full or
// failing on disk: a condition of the server, not of the request, in which nothing was written.
// Pages answer it with 503 and a plain explanation.
func IsUnavailable(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case codeBusy, codeLocked, codeReadOnly, codeIOErr, codeFull, codeCantOpen:
		return true
	}
	return false
}

// Backup writes a consistent copy of the database at path to dest with SQLite's VACUUM INTO. It
// reads through a read-only connection of its own, so it can run while the portal serves: writers
// carry on, and the copy holds exactly what was committed when it began. The copy is written
// beside dest, synced to disk, checked, and only then renamed to dest, so an interrupted backup
// never leaves a partial file under dest's name. dest must not exist.
func Backup(ctx context.Context, path, dest string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("database %s: %w", path, err)
	}
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("%s already exists; choose a new file name", dest)
	}

	partial := dest + ".partial"
	if err := os.Remove(partial); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove old %s: %w", partial, err)
	}

	if err := vacuumInto(ctx, path, partial); err != nil {
		os.Remove(partial)
		return err
	}
	// The copy holds sealed passwords and staff password hashes: owner only, like the original.
	if err := os.Chmod(partial, 0o600); err != nil {
		os.Remove(partial)
		return fmt.Errorf("restrict backup: %w", err)
	}
	if err := syncFile(partial); err != nil {
		os.Remove(partial)
		return err
	}
	if err := quickCheck(ctx, partial); err != nil {
		os.Remove(partial)
		return err
	}

	if err := os.Rename(partial, dest); err != nil {
		os.Remove(partial)
		return fmt.Errorf("move backup into place: %w", err)
	}
	if d, err := os.Open(filepath.Dir(dest)); err == nil {
		d.Sync() // make the rename durable; not every file system supports it
		d.Close()
	}
	return nil
}

// readOnlyDSN opens path for reading only, waiting for locks like the portal does.
func readOnlyDSN(path string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?mode=ro&_pragma=busy_timeout(5000)"
}

func vacuumInto(ctx context.Context, path, dest string) error {
	db, err := sql.Open("sqlite", readOnlyDSN(path))
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer db.Close()

	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		return fmt.Errorf("copy database: %w", err)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("open backup: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync backup: %w", err)
	}
	return f.Close()
}

func quickCheck(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", readOnlyDSN(path))
	if err != nil {
		return fmt.Errorf("open backup: %w", err)
	}
	defer db.Close()

	var result string
	if err := db.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&result); err != nil {
		return fmt.Errorf("check backup: %w", err)
	}
	if result != "ok" {
		return fmt.Errorf("backup failed its integrity check: %s", result)
	}
	return nil
}
