package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

func insertResumeToken(ctx context.Context, tx *wtx, sellerID int64, hash []byte,
	now time.Time, ttl time.Duration) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM resume_tokens WHERE seller_id = ?`,
		sellerID); err != nil {
		return fmt.Errorf("drop old resume link: %w", err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO resume_tokens (token_hash, seller_id, created_at,
		expires_at) VALUES (?, ?, ?, ?)`,
		hash, sellerID, formatTime(now), formatTime(now.Add(ttl)))
	if err != nil {
		return fmt.Errorf("insert resume link: %w", err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE sellers SET session_version = session_version + 1
		WHERE id = ?`, sellerID)
	if err != nil {
		return fmt.Errorf("end old seller sessions: %w", err)
	}
	return nil
}

// ReplaceResumeToken gives the seller a new resume link; the old one, and every browser session
// signed in with it, stops working at once.
func (s *Store) ReplaceResumeToken(ctx context.Context, sellerID int64, hash []byte,
	ttl time.Duration, actor string) error {
	now := s.Now()
	return s.tx(ctx, func(tx *wtx) error {
		if err := insertResumeToken(ctx, tx, sellerID, hash, now, ttl); err != nil {
			return err
		}
		return insertEvent(ctx, tx, Event{SellerID: sellerID, At: now, Kind: EventLinkCreated,
			Actor: actor})
	})
}

// SellerByResumeToken finds the seller whose live resume link has the given hash. It returns
// ErrNotFound for an unknown link and ErrExpired for one past its lifetime.
func (s *Store) SellerByResumeToken(ctx context.Context, hash []byte) (Seller, error) {
	var id int64
	var expires string
	err := s.read.QueryRowContext(ctx,
		`SELECT seller_id, expires_at FROM resume_tokens WHERE token_hash = ?`, hash).
		Scan(&id, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Seller{}, ErrNotFound
	}
	if err != nil {
		return Seller{}, fmt.Errorf("look up resume link: %w", err)
	}
	if !s.Now().Before(parseTime(expires)) {
		return Seller{}, ErrExpired
	}
	return s.Seller(ctx, id)
}
