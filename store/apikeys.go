package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// APIKeyPrefix starts every API key, so a leaked key is easy to recognise (and to search for).
const APIKeyPrefix = "srp_"

// apiKeyShown is how many characters of a key, after APIKeyPrefix, are kept to tell keys apart.
const apiKeyShown = 6

// apiKeyTouchEvery limits how often a key's last use is written, so that reads stay reads.
const apiKeyTouchEvery = time.Minute

// The audit actions written by the machine API and its keys.
const (
	AuditAPIKeyCreated = "api_key_created"
	AuditAPIKeyRevoked = "api_key_revoked"
	AuditTokenIssued   = "token_issued"
)

// APIKey is a machine API key. The key itself is never stored, only its SHA-256.
type APIKey struct {
	ID   int64
	Name string
	// Prefix is the key's first characters (APIKeyPrefix included), safe to show.
	Prefix     string
	CreatedBy  string
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// Active reports whether the key still opens the API.
func (k APIKey) Active() bool { return k.RevokedAt.IsZero() }

// Actor is how the key is named in the audit log.
func (k APIKey) Actor() string { return "api_key:" + strconv.FormatInt(k.ID, 10) }

const apiKeyColumns = `id, name, prefix, created_by, created_at, last_used_at, revoked_at`

func scanAPIKey(row interface{ Scan(...any) error }) (APIKey, error) {
	var k APIKey
	var created string
	var used, revoked sql.NullString
	if err := row.Scan(&k.ID, &k.Name, &k.Prefix, &k.CreatedBy, &created, &used,
		&revoked); err != nil {
		return APIKey{}, err
	}
	k.CreatedAt = parseTime(created)
	k.LastUsedAt = parseNullTime(used)
	k.RevokedAt = parseNullTime(revoked)
	return k, nil
}

func hashAPIKey(key string) []byte {
	sum := sha256.Sum256([]byte(key))
	return sum[:]
}

// CreateAPIKey makes a new random API key (256 bits) named name, records who made it in the audit
// log, and returns the key's row and the key itself. The key is shown this once: only its hash
// is stored.
func (s *Store) CreateAPIKey(ctx context.Context, name, createdBy string) (APIKey, string,
	error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return APIKey{}, "", errors.New("store: an API key needs a name")
	}

	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return APIKey{}, "", fmt.Errorf("make API key: %w", err)
	}
	key := APIKeyPrefix + base64.RawURLEncoding.EncodeToString(raw)
	prefix := key[:len(APIKeyPrefix)+apiKeyShown]
	now := s.Now()
	var id int64

	err := s.tx(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO api_keys (name, prefix, key_hash, created_by,
			created_at) VALUES (?, ?, ?, ?, ?)`, name, prefix, hashAPIKey(key), createdBy,
			formatTime(now))
		if err != nil {
			return fmt.Errorf("insert API key: %w", err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("insert API key: %w", err)
		}
		return insertAuditRow(ctx, tx, AuditEntry{At: now, Actor: createdBy,
			Action: AuditAPIKeyCreated, Detail: "key " + strconv.FormatInt(id, 10) + " (" +
				prefix + "…) named " + strconv.Quote(name)})
	})
	if err != nil {
		return APIKey{}, "", err
	}

	k, err := s.APIKey(ctx, id)
	if err != nil {
		return APIKey{}, "", err
	}
	return k, key, nil
}

// APIKey returns one key by id, or ErrNotFound.
func (s *Store) APIKey(ctx context.Context, id int64) (APIKey, error) {
	row := s.read.QueryRowContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE id = ?`, id)
	k, err := scanAPIKey(row)
	if errors.Is(err, sql.ErrNoRows) {
		return APIKey{}, ErrNotFound
	}
	if err != nil {
		return APIKey{}, fmt.Errorf("load API key %d: %w", id, err)
	}
	return k, nil
}

// APIKeys lists every key, revoked ones included, newest first.
func (s *Store) APIKeys(ctx context.Context) ([]APIKey, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys
		ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list API keys: %w", err)
	}
	defer rows.Close()

	var out []APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, fmt.Errorf("list API keys: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeAPIKey stops a key from working and records who did it. It returns ErrNotFound when no
// active key has that id.
func (s *Store) RevokeAPIKey(ctx context.Context, id int64, revokedBy string) error {
	now := s.Now()
	return s.tx(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = ?
			WHERE id = ? AND revoked_at IS NULL`, formatTime(now), id)
		if err != nil {
			return fmt.Errorf("revoke API key: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return insertAuditRow(ctx, tx, AuditEntry{At: now, Actor: revokedBy,
			Action: AuditAPIKeyRevoked, Detail: "key " + strconv.FormatInt(id, 10)})
	})
}

// AuthenticateAPIKey returns the active key matching key and notes its use. Unknown and revoked
// keys both give ErrNotFound.
func (s *Store) AuthenticateAPIKey(ctx context.Context, key string) (APIKey, error) {
	if !strings.HasPrefix(key, APIKeyPrefix) || len(key) > 100 {
		return APIKey{}, ErrNotFound
	}
	row := s.read.QueryRowContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys
		WHERE key_hash = ?`, hashAPIKey(key))
	k, err := scanAPIKey(row)
	if errors.Is(err, sql.ErrNoRows) {
		return APIKey{}, ErrNotFound
	}
	if err != nil {
		return APIKey{}, fmt.Errorf("look up API key: %w", err)
	}
	if !k.Active() {
		return APIKey{}, ErrNotFound
	}

	now := s.Now()
	if now.Sub(k.LastUsedAt) >= apiKeyTouchEvery {
		_, err := s.write.ExecContext(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ?`,
			formatTime(now), k.ID)
		if err != nil {
			return APIKey{}, fmt.Errorf("note API key use: %w", err)
		}
		k.LastUsedAt = now
	}
	return k, nil
}

// SyncFilter selects sellers for the machine API, in order of last change. UpdatedSince keeps
// sellers changed at or after it; After is a keyset cursor (the last row of the previous page)
// and wins over UpdatedSince. Limit defaults to 100 and is at most 500.
type SyncFilter struct {
	UpdatedSince time.Time
	After        *Cursor
	Limit        int
}

// SyncRow is one seller as the machine API shows it.
type SyncRow struct {
	Seller
	// Report is the JSON report of the seller's latest finished check, or empty.
	Report string
	// StaleAt is when the seller was marked stale, zero when not stale.
	StaleAt time.Time
}

// SyncSellers returns one page of sellers, least recently changed first, each with its latest
// finished check's report. Cursor.LastActivityAt carries updated_at for this ordering.
func (s *Store) SyncSellers(ctx context.Context, f SyncFilter) ([]SyncRow, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}

	where, args := "s.updated_at >= ?", []any{formatTime(f.UpdatedSince)}
	if f.After != nil {
		where = "(s.updated_at, s.id) > (?, ?)"
		args = []any{formatTime(f.After.LastActivityAt), f.After.ID}
	}
	args = append(args, f.Limit)

	rows, err := s.read.QueryContext(ctx, `SELECT `+prefixed("s.", sellerColumns)+`,
		COALESCE((SELECT c.report FROM checks c WHERE c.seller_id = s.id
			AND c.finished_at IS NOT NULL ORDER BY c.id DESC LIMIT 1), ''),
		(SELECT m.stale_at FROM monitor m WHERE m.seller_id = s.id)
		FROM sellers s WHERE `+where+` ORDER BY s.updated_at, s.id LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("list sellers for sync: %w", err)
	}
	defer rows.Close()

	var out []SyncRow
	for rows.Next() {
		var r SyncRow
		var stale sql.NullString
		scan := func(dest ...any) error {
			return rows.Scan(append(dest, &r.Report, &stale)...)
		}
		seller, err := scanSeller(scanFunc(scan))
		if err != nil {
			return nil, fmt.Errorf("list sellers for sync: %w", err)
		}
		r.Seller, r.StaleAt = seller, parseNullTime(stale)
		out = append(out, r)
	}
	return out, rows.Err()
}
