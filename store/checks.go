package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// PurposePassword names the secret that holds a seller's Shiprocket API password.
const PurposePassword = "shiprocket_password"

// OutcomeRunning marks a check that has started and not finished. A check left running by a
// crash stays visible as such.
const OutcomeRunning = "running"

// ErrNoSecret is returned when a check needs a stored password and the seller has none.
var ErrNoSecret = errors.New("store: no stored password")

// Check is one live verification against Shiprocket.
type Check struct {
	ID         int64
	SellerID   int64
	Trigger    string
	APIEmail   string
	StartedAt  time.Time
	FinishedAt time.Time
	Outcome    string
	HTTPStatus int
	Message    string
	Report     string
}

// Secret is an encrypted value with the id of the vault key that sealed it.
type Secret struct {
	KeyID     string
	Sealed    []byte
	CreatedAt time.Time
}

// Submission is a seller's API email with its password already sealed by the vault.
type Submission struct {
	SellerID int64
	APIEmail string
	KeyID    string
	Sealed   []byte
	Trigger  string
	Actor    string
	// Then is the background work that follows the submission, committed with it (see Follow).
	Then Follow
}

// Submit stores the API email and sealed password, marks the seller "check pending" and opens a
// running check, all in one transaction, so that the submission is safe before Shiprocket is
// called. It returns the new check.
func (s *Store) Submit(ctx context.Context, sub Submission) (Check, error) {
	now := s.Now()
	var checkID int64

	err := s.txThen(ctx, sub.Then, func(tx *wtx, then Follow) (*MonitorChange, error) {
		res, err := tx.ExecContext(ctx, `UPDATE sellers SET api_email = ?, status = ?,
			status_reason = '', submitted_at = ?, last_activity_at = ?, updated_at = ?
			WHERE id = ?`,
			sub.APIEmail, StatusCheckPending, formatTime(now), formatTime(now), formatTime(now),
			sub.SellerID)
		if err != nil {
			return nil, fmt.Errorf("update seller: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil, ErrNotFound
		}

		if err := upsertPassword(ctx, tx, sub.SellerID, sub.KeyID, sub.Sealed, now); err != nil {
			return nil, err
		}

		err = insertEvent(ctx, tx, Event{SellerID: sub.SellerID, At: now, Kind: EventSubmitted,
			Actor: sub.Actor, Detail: sub.APIEmail})
		if err != nil {
			return nil, err
		}

		if checkID, err = insertCheck(ctx, tx, sub.SellerID, sub.Trigger, sub.APIEmail,
			now); err != nil {
			return nil, err
		}
		return then.apply(ctx, tx, sub.SellerID, now)
	})
	if err != nil {
		return Check{}, err
	}
	return newCheck(checkID, sub.SellerID, sub.Trigger, sub.APIEmail, now), nil
}

// newCheck returns a check just opened, as reading it back would.
func newCheck(id, sellerID int64, trigger, apiEmail string, now time.Time) Check {
	return Check{ID: id, SellerID: sellerID, Trigger: trigger, APIEmail: apiEmail,
		StartedAt: parseTime(formatTime(now)), Outcome: OutcomeRunning}
}

// StartCheck opens a running check of the seller's stored credentials. It returns ErrNoSecret
// when no password is stored.
func (s *Store) StartCheck(ctx context.Context, sellerID int64, trigger string) (Check, error) {
	now := s.Now()
	var checkID int64

	err := s.tx(ctx, func(tx *wtx) error {
		var apiEmail string
		err := tx.QueryRowContext(ctx, `SELECT s.api_email FROM sellers s
			JOIN secrets x ON x.seller_id = s.id AND x.purpose = ?
			WHERE s.id = ?`, PurposePassword, sellerID).Scan(&apiEmail)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNoSecret
		}
		if err != nil {
			return fmt.Errorf("load seller for check: %w", err)
		}

		checkID, err = insertCheck(ctx, tx, sellerID, trigger, apiEmail, now)
		return err
	})
	if err != nil {
		return Check{}, err
	}
	return s.Check(ctx, checkID)
}

func insertCheck(ctx context.Context, tx *wtx, sellerID int64, trigger, apiEmail string,
	now time.Time) (int64, error) {
	// Counted and inserted in one write transaction, so concurrent requests cannot both slip
	// under the limit.
	var n int
	var oldest sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*), MIN(started_at) FROM checks
		WHERE seller_id = ? AND started_at > ?`,
		sellerID, formatTime(now.Add(-CheckWindow))).Scan(&n, &oldest)
	if err != nil {
		return 0, fmt.Errorf("count checks: %w", err)
	}
	if n >= CheckLimit {
		return 0, &CheckLimitError{RetryAt: parseNullTime(oldest).Add(CheckWindow)}
	}

	res, err := tx.ExecContext(ctx, `INSERT INTO checks (seller_id, trigger, api_email,
		started_at) VALUES (?, ?, ?, ?)`, sellerID, trigger, apiEmail, formatTime(now))
	if err != nil {
		return 0, fmt.Errorf("insert check: %w", err)
	}
	return res.LastInsertId()
}

// CheckLimit checks may start per seller within CheckWindow, whoever asks for them: each one is
// a Shiprocket login, and a burst of failed logins may lock the seller's Shiprocket account.
const (
	CheckLimit  = 5
	CheckWindow = 15 * time.Minute
)

// ErrCheckLimit is matched (errors.Is) by a CheckLimitError.
var ErrCheckLimit = errors.New("store: too many checks for this seller")

// CheckLimitError says that a seller has used up CheckLimit and when a check may start again.
type CheckLimitError struct {
	RetryAt time.Time
}

func (e *CheckLimitError) Error() string {
	return "too many checks for this seller; next allowed at " + formatTime(e.RetryAt)
}

// Is makes errors.Is(err, ErrCheckLimit) true.
func (e *CheckLimitError) Is(target error) bool { return target == ErrCheckLimit }

// CheckResult is what a finished check found and what it means for the seller.
type CheckResult struct {
	Outcome    string
	HTTPStatus int
	Message    string
	Report     string
	Status     Status
	Reason     string
	// Then is the background work that follows the result, committed with it (see Follow).
	Then Follow
}

// FinishCheck records a check's result. The seller's status follows it only when this is the
// seller's latest check, so a slow old check never overwrites a newer one. The timeline event
// names the check's trigger (seller, staff, auto, api) as its actor.
func (s *Store) FinishCheck(ctx context.Context, checkID int64, r CheckResult) error {
	now := s.Now()

	return s.txThen(ctx, r.Then, func(tx *wtx, then Follow) (*MonitorChange, error) {
		var sellerID int64
		var trigger string
		err := tx.QueryRowContext(ctx, `SELECT seller_id, trigger FROM checks WHERE id = ?`,
			checkID).Scan(&sellerID, &trigger)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, fmt.Errorf("load check: %w", err)
		}

		_, err = tx.ExecContext(ctx, `UPDATE checks SET finished_at = ?, outcome = ?,
			http_status = ?, message = ?, report = ? WHERE id = ?`,
			formatTime(now), r.Outcome, r.HTTPStatus, r.Message, r.Report, checkID)
		if err != nil {
			return nil, fmt.Errorf("update check: %w", err)
		}

		verifiedAt := sql.NullString{}
		if r.Status == StatusVerified {
			verifiedAt = sql.NullString{String: formatTime(now), Valid: true}
		}
		_, err = tx.ExecContext(ctx, `UPDATE sellers SET status = ?, status_reason = ?,
			last_checked_at = ?, updated_at = ?, verified_at = COALESCE(?, verified_at)
			WHERE id = ? AND NOT EXISTS (SELECT 1 FROM checks WHERE seller_id = ? AND id > ?)`,
			r.Status, r.Reason, formatTime(now), formatTime(now), verifiedAt,
			sellerID, sellerID, checkID)
		if err != nil {
			return nil, fmt.Errorf("update seller after check: %w", err)
		}

		err = insertEvent(ctx, tx, Event{SellerID: sellerID, At: now, Kind: EventChecked,
			Actor: trigger, Detail: r.Outcome})
		if err != nil {
			return nil, err
		}
		return then.apply(ctx, tx, sellerID, now)
	})
}

const checkColumns = `id, seller_id, trigger, api_email, started_at, finished_at, outcome,
	http_status, message, report`

func scanCheck(row interface{ Scan(...any) error }) (Check, error) {
	var c Check
	var started string
	var finished sql.NullString
	err := row.Scan(&c.ID, &c.SellerID, &c.Trigger, &c.APIEmail, &started, &finished,
		&c.Outcome, &c.HTTPStatus, &c.Message, &c.Report)
	if err != nil {
		return Check{}, err
	}
	c.StartedAt = parseTime(started)
	c.FinishedAt = parseNullTime(finished)
	return c, nil
}

// Check returns one check by id, or ErrNotFound.
func (s *Store) Check(ctx context.Context, id int64) (Check, error) {
	row := s.read.QueryRowContext(ctx, `SELECT `+checkColumns+` FROM checks WHERE id = ?`, id)
	c, err := scanCheck(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Check{}, ErrNotFound
	}
	if err != nil {
		return Check{}, fmt.Errorf("load check %d: %w", id, err)
	}
	return c, nil
}

// Checks returns every check of a seller, newest first.
func (s *Store) Checks(ctx context.Context, sellerID int64) ([]Check, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+checkColumns+` FROM checks
		WHERE seller_id = ? ORDER BY id DESC`, sellerID)
	if err != nil {
		return nil, fmt.Errorf("list checks: %w", err)
	}
	defer rows.Close()

	var out []Check
	for rows.Next() {
		c, err := scanCheck(rows)
		if err != nil {
			return nil, fmt.Errorf("list checks: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Secret returns a seller's sealed secret for the given purpose, or ErrNoSecret.
func (s *Store) Secret(ctx context.Context, sellerID int64, purpose string) (Secret, error) {
	var sec Secret
	var created string
	err := s.read.QueryRowContext(ctx, `SELECT key_id, sealed, created_at FROM secrets
		WHERE seller_id = ? AND purpose = ?`, sellerID, purpose).
		Scan(&sec.KeyID, &sec.Sealed, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Secret{}, ErrNoSecret
	}
	if err != nil {
		return Secret{}, fmt.Errorf("load secret: %w", err)
	}
	sec.CreatedAt = parseTime(created)
	return sec, nil
}

// CountChecksSince returns how many checks of the seller started at or after since, whoever
// triggered them: every one is a login attempt on the seller's Shiprocket account.
func (s *Store) CountChecksSince(ctx context.Context, sellerID int64, since time.Time) (int,
	time.Time, error) {
	var n int
	var oldest sql.NullString
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*), MIN(started_at) FROM checks
		WHERE seller_id = ? AND started_at > ?`, sellerID, formatTime(since)).Scan(&n, &oldest)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("count checks: %w", err)
	}
	return n, parseNullTime(oldest), nil
}

// TriggerCandidate marks a check of a new password offered for a seller whose stored one works:
// its result never changes the seller's status or stored password unless it verifies.
const TriggerCandidate = "candidate"

// StartCandidateCheck opens a running check of a password that is not stored yet.
func (s *Store) StartCandidateCheck(ctx context.Context, sellerID int64, apiEmail string) (Check,
	error) {
	now := s.Now()
	var checkID int64
	err := s.tx(ctx, func(tx *wtx) error {
		var err error
		checkID, err = insertCheck(ctx, tx, sellerID, TriggerCandidate, apiEmail, now)
		return err
	})
	if err != nil {
		return Check{}, err
	}
	return s.Check(ctx, checkID)
}

// FinishCandidateCheck records the result of a candidate check. When Shiprocket accepted the login,
// the new password and API email replace the stored ones and the seller's status follows the
// result (modules included), with r.Then, in one transaction; otherwise only the check and a
// timeline event are written, the stored password stays and r.Then is not applied.
func (s *Store) FinishCandidateCheck(ctx context.Context, checkID int64, r CheckResult,
	keyID string, sealed []byte) error {
	now := s.Now()
	return s.txThen(ctx, r.Then, func(tx *wtx, then Follow) (*MonitorChange, error) {
		var sellerID int64
		var apiEmail string
		err := tx.QueryRowContext(ctx, `SELECT seller_id, api_email FROM checks WHERE id = ?`,
			checkID).Scan(&sellerID, &apiEmail)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, fmt.Errorf("load check: %w", err)
		}

		_, err = tx.ExecContext(ctx, `UPDATE checks SET finished_at = ?, outcome = ?,
			http_status = ?, message = ?, report = ? WHERE id = ?`,
			formatTime(now), r.Outcome, r.HTTPStatus, r.Message, r.Report, checkID)
		if err != nil {
			return nil, fmt.Errorf("update check: %w", err)
		}

		if r.Outcome != "verified" {
			return nil, insertEvent(ctx, tx, Event{SellerID: sellerID, At: now,
				Kind: EventChecked, Actor: TriggerCandidate,
				Detail: r.Outcome + "; the stored password is kept"})
		}

		if err := upsertPassword(ctx, tx, sellerID, keyID, sealed, now); err != nil {
			return nil, err
		}
		verifiedAt := sql.NullString{}
		if r.Status == StatusVerified {
			verifiedAt = sql.NullString{String: formatTime(now), Valid: true}
		}
		_, err = tx.ExecContext(ctx, `UPDATE sellers SET api_email = ?, status = ?,
			status_reason = ?, submitted_at = ?, verified_at = COALESCE(?, verified_at),
			last_checked_at = ?, last_activity_at = ?, updated_at = ? WHERE id = ?`,
			apiEmail, r.Status, r.Reason, formatTime(now), verifiedAt, formatTime(now),
			formatTime(now), formatTime(now), sellerID)
		if err != nil {
			return nil, fmt.Errorf("update seller: %w", err)
		}
		if err := insertEvent(ctx, tx, Event{SellerID: sellerID, At: now,
			Kind: EventSubmitted, Actor: ActorSeller, Detail: apiEmail}); err != nil {
			return nil, err
		}
		err = insertEvent(ctx, tx, Event{SellerID: sellerID, At: now, Kind: EventChecked,
			Actor: TriggerCandidate, Detail: r.Outcome})
		if err != nil {
			return nil, err
		}
		return then.apply(ctx, tx, sellerID, now)
	})
}

// upsertPassword stores (or replaces) a seller's sealed Shiprocket password.
func upsertPassword(ctx context.Context, tx *wtx, sellerID int64, keyID string, sealed []byte,
	now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO secrets (seller_id, purpose, key_id, sealed,
		created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (seller_id, purpose) DO UPDATE SET key_id = excluded.key_id,
		sealed = excluded.sealed, created_at = excluded.created_at`,
		sellerID, PurposePassword, keyID, sealed, formatTime(now))
	if err != nil {
		return fmt.Errorf("store secret: %w", err)
	}
	return nil
}
