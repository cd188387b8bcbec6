package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// CachedToken is a Shiprocket token kept for the machine API, sealed by the vault.
type CachedToken struct {
	SellerID int64
	// APIEmail is the API user the token was issued to; a token for another email is stale.
	APIEmail  string
	KeyID     string
	Sealed    []byte
	ExpiresAt time.Time
	// RefreshAt is when the token stops being handed out and a new one is fetched.
	RefreshAt time.Time
	CreatedAt time.Time
}

// SaveToken stores (or replaces) a seller's cached token. CreatedAt is stamped by the store.
func (s *Store) SaveToken(ctx context.Context, t CachedToken) error {
	_, err := s.write.ExecContext(ctx, `INSERT INTO tokens (seller_id, api_email, key_id, sealed,
		expires_at, refresh_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (seller_id) DO UPDATE SET api_email = excluded.api_email,
		key_id = excluded.key_id, sealed = excluded.sealed, expires_at = excluded.expires_at,
		refresh_at = excluded.refresh_at, created_at = excluded.created_at`,
		t.SellerID, t.APIEmail, t.KeyID, t.Sealed, formatTime(t.ExpiresAt),
		formatTime(t.RefreshAt), s.stamp())
	if err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	return nil
}

// Token returns a seller's cached token, or ErrNotFound.
func (s *Store) Token(ctx context.Context, sellerID int64) (CachedToken, error) {
	t := CachedToken{SellerID: sellerID}
	var expires, refresh, created string
	err := s.read.QueryRowContext(ctx, `SELECT api_email, key_id, sealed, expires_at, refresh_at,
		created_at FROM tokens WHERE seller_id = ?`, sellerID).
		Scan(&t.APIEmail, &t.KeyID, &t.Sealed, &expires, &refresh, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return CachedToken{}, ErrNotFound
	}
	if err != nil {
		return CachedToken{}, fmt.Errorf("load token: %w", err)
	}
	t.ExpiresAt, t.RefreshAt, t.CreatedAt = parseTime(expires), parseTime(refresh),
		parseTime(created)
	return t, nil
}

// DeleteToken forgets a seller's cached token, for example when new credentials arrive.
func (s *Store) DeleteToken(ctx context.Context, sellerID int64) error {
	_, err := s.write.ExecContext(ctx, `DELETE FROM tokens WHERE seller_id = ?`, sellerID)
	if err != nil {
		return fmt.Errorf("delete token: %w", err)
	}
	return nil
}

// AuditEntry is one line of the append-only audit log.
type AuditEntry struct {
	ID       int64
	At       time.Time
	Actor    string
	Action   string
	SellerID int64
	Detail   string
	Address  string
}

func insertAuditRow(ctx context.Context, tx *wtx, e AuditEntry) error {
	seller := sql.NullInt64{Int64: e.SellerID, Valid: e.SellerID != 0}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit (at, actor, action, seller_id, detail,
		address) VALUES (?, ?, ?, ?, ?, ?)`,
		formatTime(e.At), e.Actor, e.Action, seller, e.Detail, e.Address)
	if err != nil {
		return fmt.Errorf("write audit log: %w", err)
	}
	return nil
}

// RecordTokenIssued writes the audit line for a token handed out: which key (actor), which
// seller, when (the store's clock), from which address, and a detail that never holds the token.
func (s *Store) RecordTokenIssued(ctx context.Context, e AuditEntry) error {
	e.At, e.Action = s.Now(), AuditTokenIssued
	return s.tx(ctx, func(tx *wtx) error { return insertAuditRow(ctx, tx, e) })
}
