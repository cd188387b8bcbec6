package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Status is where a seller stands in onboarding.
type Status string

// The seller statuses, in the order a seller usually meets them.
const (
	StatusNotStarted       Status = "not_started"       // created, no guided step opened yet
	StatusInProgress       Status = "in_progress"       // following the guided steps
	StatusAwaitingPassword Status = "awaiting_password" // reached the credentials form
	StatusCheckPending     Status = "check_pending"     // submitted; Shiprocket could not say yet
	StatusNeedsAction      Status = "needs_action"      // Shiprocket said no; the reason says why
	StatusVerified         Status = "verified"          // Shiprocket accepted the API user
)

// Seller is one store going through onboarding.
type Seller struct {
	ID             int64
	StoreName      string
	ContactName    string
	LoginEmail     string
	APIEmail       string
	Status         Status
	StatusReason   string
	Step           int
	CreatedAt      time.Time
	UpdatedAt      time.Time
	LastActivityAt time.Time
	SubmittedAt    time.Time
	VerifiedAt     time.Time
	LastCheckedAt  time.Time
	ArchivedAt     time.Time
	// SessionVersion changes with every new resume link; older browser sessions stop working.
	SessionVersion int64
}

// NewSeller holds what the start page collects.
type NewSeller struct {
	StoreName   string
	ContactName string
	LoginEmail  string
}

const sellerColumns = `id, store_name, contact_name, login_email, api_email, status, status_reason,
	step, created_at, updated_at, last_activity_at, submitted_at, verified_at, last_checked_at,
	archived_at, session_version`

func scanSeller(row interface{ Scan(...any) error }) (Seller, error) {
	var (
		s                                  Seller
		created, updated, active           string
		submitted, verified, checked, arch sql.NullString
	)
	err := row.Scan(&s.ID, &s.StoreName, &s.ContactName, &s.LoginEmail, &s.APIEmail, &s.Status,
		&s.StatusReason, &s.Step, &created, &updated, &active, &submitted, &verified, &checked,
		&arch, &s.SessionVersion)
	if err != nil {
		return Seller{}, err
	}
	s.CreatedAt = parseTime(created)
	s.UpdatedAt = parseTime(updated)
	s.LastActivityAt = parseTime(active)
	s.SubmittedAt = parseNullTime(submitted)
	s.VerifiedAt = parseNullTime(verified)
	s.LastCheckedAt = parseNullTime(checked)
	s.ArchivedAt = parseNullTime(arch)
	return s, nil
}

// CreateSeller records a new seller together with its first resume link (only the token's hash is
// kept) and a "created" event, in one transaction.
func (s *Store) CreateSeller(ctx context.Context, n NewSeller, tokenHash []byte,
	linkTTL time.Duration, actor string) (Seller, error) {
	return s.insertSeller(ctx, n, tokenHash, linkTTL, func(tx *wtx, id int64,
		now time.Time) error {
		return insertEvent(ctx, tx, Event{SellerID: id, At: now, Kind: EventCreated, Actor: actor})
	})
}

// insertSeller adds a seller row and its first resume link, then lets record add the events
// that say who made it, all in one transaction.
func (s *Store) insertSeller(ctx context.Context, n NewSeller, tokenHash []byte,
	linkTTL time.Duration, record func(tx *wtx, id int64, now time.Time) error) (Seller,
	error) {
	now := s.Now()
	var id int64

	err := s.tx(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO sellers
			(store_name, contact_name, login_email, created_at, updated_at, last_activity_at)
			VALUES (?, ?, ?, ?, ?, ?)`,
			n.StoreName, n.ContactName, n.LoginEmail,
			formatTime(now), formatTime(now), formatTime(now))
		if err != nil {
			return fmt.Errorf("insert seller: %w", err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("insert seller: %w", err)
		}

		if err := insertResumeToken(ctx, tx, id, tokenHash, now, linkTTL); err != nil {
			return err
		}
		return record(tx, id, now)
	})
	if err != nil {
		return Seller{}, err
	}
	return s.Seller(ctx, id)
}

// Seller returns the seller with the given id, or ErrNotFound.
func (s *Store) Seller(ctx context.Context, id int64) (Seller, error) {
	st, err := s.readStmt(ctx, `SELECT `+sellerColumns+` FROM sellers WHERE id = ?`)
	if err != nil {
		return Seller{}, fmt.Errorf("load seller %d: %w", id, err)
	}
	seller, err := scanSeller(st.QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Seller{}, ErrNotFound
	}
	if err != nil {
		return Seller{}, fmt.Errorf("load seller %d: %w", id, err)
	}
	return seller, nil
}

// activityResolution is how fine last activity is kept: opening a page the seller has already
// reached writes nothing when the last activity is more recent than this. Every write goes
// through the one writer, so a page view that writes costs every other seller some time.
const activityResolution = time.Minute

// ReachStep notes that the seller opened guided step n. The first time a step is reached it is
// added to the timeline; the status moves forward only while the seller has not submitted.
func (s *Store) ReachStep(ctx context.Context, sellerID int64, n int, awaiting bool) error {
	now := s.Now()

	// A step seen again, with nothing to move forward, only refreshes the last activity; a read
	// tells whether that is due before the write lock is taken.
	var step int
	var status Status
	var active string
	st, err := s.readStmt(ctx, `SELECT step, status, last_activity_at FROM sellers
		WHERE id = ?`)
	if err == nil {
		err = st.QueryRowContext(ctx, sellerID).Scan(&step, &status, &active)
	}
	statusStays := status != StatusNotStarted && !(awaiting && status == StatusInProgress)
	if err == nil && n <= step && statusStays &&
		now.Sub(parseTime(active)) < activityResolution {
		return nil
	}

	return s.tx(ctx, func(tx *wtx) error {
		var step int
		var status Status
		err := tx.QueryRowContext(ctx, `SELECT step, status FROM sellers WHERE id = ?`, sellerID).
			Scan(&step, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("load seller step: %w", err)
		}

		next := status
		if status == StatusNotStarted || status == StatusInProgress {
			next = StatusInProgress
			if awaiting {
				next = StatusAwaitingPassword
			}
		}

		_, err = tx.ExecContext(ctx, `UPDATE sellers SET step = MAX(step, ?), status = ?,
			last_activity_at = ?, updated_at = ? WHERE id = ?`,
			n, next, formatTime(now), formatTime(now), sellerID)
		if err != nil {
			return fmt.Errorf("update seller step: %w", err)
		}

		if n <= step {
			return nil
		}
		return insertEvent(ctx, tx, Event{SellerID: sellerID, At: now, Kind: EventStepReached,
			Step: n, Actor: ActorSeller})
	})
}

// Touch records seller activity without changing anything else.
func (s *Store) Touch(ctx context.Context, sellerID int64) error {
	_, err := s.write.ExecContext(ctx, `UPDATE sellers SET last_activity_at = ? WHERE id = ?`,
		s.stamp(), sellerID)
	if err != nil {
		return fmt.Errorf("touch seller: %w", err)
	}
	return nil
}

// Cursor marks a position in a list ordered by a time and then an id.
type Cursor struct {
	LastActivityAt time.Time
	ID             int64
}

type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

func prefixed(prefix, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}
