package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The timeline events written by staff actions. Their actor is the staff member ("staff:<id>").
const (
	EventInvited            = "invited"             // staff created the seller; detail: nothing
	EventAssigned           = "assigned"            // detail: the assignee's name, "" for nobody
	EventCheckRequested     = "check_requested"     // staff asked to check the stored password
	EventCredentialsCleared = "credentials_cleared" // the stored password was deleted
	EventArchived           = "archived"
	EventRestored           = "restored"
)

// ErrInactive is returned when a staff account that must be active is disabled.
var ErrInactive = errors.New("store: account disabled")

// SellerCase is what the staff seller page shows beside the seller record: who looks after the
// seller, when the stored password was set, and when the seller was first verified.
type SellerCase struct {
	AssigneeID      int64
	AssigneeName    string
	PasswordSetAt   time.Time
	FirstVerifiedAt time.Time
}

// Case returns the staff-side facts of a seller, or ErrNotFound.
func (s *Store) Case(ctx context.Context, sellerID int64) (SellerCase, error) {
	var c SellerCase
	var pwSet, firstVerified sql.NullString
	err := s.read.QueryRowContext(ctx, `SELECT COALESCE(s.assignee_id, 0), COALESCE(st.name, ''),
		x.created_at, s.first_verified_at
		FROM sellers s
		LEFT JOIN staff st ON st.id = s.assignee_id
		LEFT JOIN secrets x ON x.seller_id = s.id AND x.purpose = ?
		WHERE s.id = ?`, PurposePassword, sellerID).
		Scan(&c.AssigneeID, &c.AssigneeName, &pwSet, &firstVerified)
	if errors.Is(err, sql.ErrNoRows) {
		return SellerCase{}, ErrNotFound
	}
	if err != nil {
		return SellerCase{}, fmt.Errorf("load seller %d for staff: %w", sellerID, err)
	}
	c.PasswordSetAt = parseNullTime(pwSet)
	c.FirstVerifiedAt = parseNullTime(firstVerified)
	return c, nil
}

// InviteSeller creates a seller for staff, with its first resume link (only the token's hash is
// kept), an "invited" event and the audit entry, in one transaction.
func (s *Store) InviteSeller(ctx context.Context, n NewSeller, tokenHash []byte,
	linkTTL time.Duration, by Actor) (Seller, error) {
	return s.insertSeller(ctx, n, tokenHash, linkTTL, func(tx *wtx, id int64,
		now time.Time) error {
		if err := insertEvent(ctx, tx, Event{SellerID: id, At: now, Kind: EventInvited,
			Actor: by.Name()}); err != nil {
			return err
		}
		return insertAuditRow(ctx, tx, by.entry(now, AuditSellerInvited, id, ""))
	})
}

// AssignSellers makes assigneeID look after each seller in ids (0: nobody). Sellers already
// with that assignee, and unknown ids, are left alone; the others each get an "assigned" event
// and an audit entry. It returns how many sellers changed. The assignee must be an active staff
// account: ErrNotFound when there is none with that id, ErrInactive when it is disabled.
func (s *Store) AssignSellers(ctx context.Context, ids []int64, assigneeID int64,
	by Actor) (int, error) {
	now := s.Now()
	changed := 0

	err := s.tx(ctx, func(tx *wtx) error {
		name, detail := "", "nobody"
		assignee := sql.NullInt64{Int64: assigneeID, Valid: assigneeID != 0}
		if assigneeID != 0 {
			var disabled sql.NullString
			err := tx.QueryRowContext(ctx, `SELECT name, disabled_at FROM staff WHERE id = ?`,
				assigneeID).Scan(&name, &disabled)
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			if err != nil {
				return fmt.Errorf("load assignee: %w", err)
			}
			if disabled.Valid {
				return ErrInactive
			}
			detail = StaffActor(assigneeID) + " (" + name + ")"
		}

		for _, id := range ids {
			res, err := tx.ExecContext(ctx, `UPDATE sellers SET assignee_id = ?, updated_at = ?
				WHERE id = ? AND assignee_id IS NOT ?`, assignee, formatTime(now), id, assignee)
			if err != nil {
				return fmt.Errorf("assign seller %d: %w", id, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			changed++
			if err := insertEvent(ctx, tx, Event{SellerID: id, At: now, Kind: EventAssigned,
				Actor: by.Name(), Detail: name}); err != nil {
				return err
			}
			if err := insertAuditRow(ctx, tx,
				by.entry(now, AuditSellerAssigned, id, "to "+detail)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return changed, nil
}

// RecordCheckRequest notes, in the timeline and the audit log, that staff asked for a check of
// the seller's stored password. The check itself is recorded by whoever runs it.
func (s *Store) RecordCheckRequest(ctx context.Context, sellerID int64, by Actor) error {
	return s.sellerAction(ctx, sellerID, by, EventCheckRequested, AuditCheckRequested, nil)
}

// NewResumeLink gives the seller a new resume link for staff (the old one stops working at once),
// with a timeline event and an audit entry that never hold the token.
func (s *Store) NewResumeLink(ctx context.Context, sellerID int64, tokenHash []byte,
	ttl time.Duration, by Actor) error {
	return s.sellerAction(ctx, sellerID, by, EventLinkCreated, AuditResumeLinkCreated,
		func(tx *wtx, now time.Time) error {
			return insertResumeToken(ctx, tx, sellerID, tokenHash, now, ttl)
		})
}

// ClearCredentials deletes the seller's stored password (and any Shiprocket token cached from it)
// and sends the seller back to the credentials form: status awaiting_password, no reason. The API
// email is kept to prefill the form. It returns ErrNoSecret when no password is stored.
func (s *Store) ClearCredentials(ctx context.Context, sellerID int64, by Actor) error {
	return s.sellerAction(ctx, sellerID, by, EventCredentialsCleared, AuditCredentialsCleared,
		func(tx *wtx, now time.Time) error {
			res, err := tx.ExecContext(ctx, `DELETE FROM secrets WHERE seller_id = ? AND
				purpose = ?`, sellerID, PurposePassword)
			if err != nil {
				return fmt.Errorf("delete stored password: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return ErrNoSecret
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM tokens WHERE seller_id = ?`,
				sellerID); err != nil {
				return fmt.Errorf("delete cached token: %w", err)
			}
			_, err = tx.ExecContext(ctx, `UPDATE sellers SET status = ?, status_reason = '',
				updated_at = ? WHERE id = ?`, StatusAwaitingPassword, formatTime(now), sellerID)
			if err != nil {
				return fmt.Errorf("send seller back to the credentials form: %w", err)
			}
			return nil
		})
}

// ArchiveSeller takes the seller out of the queue; its resume link and session stop working
// while it is archived. Archiving an archived seller keeps the first time.
func (s *Store) ArchiveSeller(ctx context.Context, sellerID int64, by Actor) error {
	return s.sellerAction(ctx, sellerID, by, EventArchived, AuditSellerArchived,
		func(tx *wtx, now time.Time) error {
			_, err := tx.ExecContext(ctx, `UPDATE sellers SET archived_at = COALESCE(archived_at,
				?), updated_at = ? WHERE id = ?`, formatTime(now), formatTime(now), sellerID)
			if err != nil {
				return fmt.Errorf("archive seller: %w", err)
			}
			return nil
		})
}

// RestoreSeller puts an archived seller back in the queue.
func (s *Store) RestoreSeller(ctx context.Context, sellerID int64, by Actor) error {
	return s.sellerAction(ctx, sellerID, by, EventRestored, AuditSellerRestored,
		func(tx *wtx, now time.Time) error {
			_, err := tx.ExecContext(ctx, `UPDATE sellers SET archived_at = NULL, updated_at = ?
				WHERE id = ?`, formatTime(now), sellerID)
			if err != nil {
				return fmt.Errorf("restore seller: %w", err)
			}
			return nil
		})
}

// sellerAction runs change (when not nil) on an existing seller and records the event and the
// audit entry, in one transaction. It returns ErrNotFound for an unknown seller.
func (s *Store) sellerAction(ctx context.Context, sellerID int64, by Actor, kind, action string,
	change func(*wtx, time.Time) error) error {
	now := s.Now()
	return s.tx(ctx, func(tx *wtx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM sellers WHERE id = ?`, sellerID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("load seller %d: %w", sellerID, err)
		}

		if change != nil {
			if err := change(tx, now); err != nil {
				return err
			}
		}
		if err := insertEvent(ctx, tx, Event{SellerID: sellerID, At: now, Kind: kind,
			Actor: by.Name()}); err != nil {
			return err
		}
		return insertAuditRow(ctx, tx, by.entry(now, action, sellerID, ""))
	})
}
