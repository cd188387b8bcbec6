package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Mode says which kind of portal a database belongs to.
type Mode string

// The modes a database can belong to.
const (
	// ModePortal is the normal portal, whose checks go to the real Shiprocket.
	ModePortal Mode = "portal"
	// ModeDemo is demo mode, whose checks go to the built-in fake Shiprocket.
	ModeDemo Mode = "demo"
)

// Keys of the meta table.
const (
	metaMode      = "mode"
	metaLastStart = "last_start_at"
)

// ErrOtherMode is returned by ClaimMode when the database belongs to the other mode.
var ErrOtherMode = errors.New("store: the database belongs to another mode")

// ClaimMode checks, at start-up, that the database belongs to mode, recording mode when the
// database has none yet (a new database, or one made before modes were recorded). In the same
// transaction it records the time of this start, so that a database that cannot take a write
// fails here, with SQLite's error, rather than on a seller's first form. It returns the mode the
// database belongs to; on ErrOtherMode nothing is written.
func (s *Store) ClaimMode(ctx context.Context, mode Mode) (Mode, error) {
	owner := mode
	err := s.tx(ctx, func(tx *wtx) error {
		recorded, err := readMode(ctx, tx)
		if err != nil {
			return err
		}
		if recorded != "" && recorded != mode {
			owner = recorded
			return ErrOtherMode
		}

		now := s.stamp()
		if recorded == "" {
			if err := setMeta(ctx, tx, metaMode, string(mode), now); err != nil {
				return err
			}
		}
		return setMeta(ctx, tx, metaLastStart, now, now)
	})
	if err != nil && !errors.Is(err, ErrOtherMode) {
		return owner, fmt.Errorf("record start-up: %w", err)
	}
	return owner, err
}

// RecordedMode returns the mode the database belongs to, or "" when none is recorded yet. It
// writes nothing, for maintenance commands that must not claim a database.
func (s *Store) RecordedMode(ctx context.Context) (Mode, error) {
	var v string
	err := s.read.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, metaMode).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read database mode: %w", err)
	}
	return Mode(v), nil
}

// CheckWritable proves the database would take a write now: it takes the write lock and lets
// it go without writing (BEGIN IMMEDIATE, then ROLLBACK). A read-only file or mount, or a lock
// held elsewhere past the busy timeout, fails it; a full disk does not. Nothing is committed, so
// the read cache is kept.
func (s *Store) CheckWritable(ctx context.Context) error {
	// The write pool's DSN asks for _txlock=immediate: BeginTx sends BEGIN IMMEDIATE.
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("take the write lock: %w", err)
	}
	return tx.Rollback()
}

func readMode(ctx context.Context, tx *wtx) (Mode, error) {
	var v string
	err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, metaMode).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read database mode: %w", err)
	}
	return Mode(v), nil
}

func setMeta(ctx context.Context, tx *wtx, key, value, now string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		key, value, now)
	if err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}
