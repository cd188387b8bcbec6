package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrDuplicate is returned when a unique value (a staff email) is already taken.
var ErrDuplicate = errors.New("store: already exists")

// The staff roles.
const (
	RoleAdmin   = "admin"
	RoleSupport = "support"
)

// Staff is a support or admin account for the review pages.
type Staff struct {
	ID             int64
	Email          string
	Name           string
	PasswordHash   string
	Role           string
	SessionVersion int64
	CreatedAt      time.Time
	DisabledAt     time.Time
}

// Active reports whether the account may log in.
func (s Staff) Active() bool { return s.DisabledAt.IsZero() }

const staffColumns = `id, email, name, password_hash, role, session_version, created_at, disabled_at`

func scanStaff(row interface{ Scan(...any) error }) (Staff, error) {
	var st Staff
	var created string
	var disabled sql.NullString
	err := row.Scan(&st.ID, &st.Email, &st.Name, &st.PasswordHash, &st.Role, &st.SessionVersion,
		&created, &disabled)
	if err != nil {
		return Staff{}, err
	}
	st.CreatedAt = parseTime(created)
	st.DisabledAt = parseNullTime(disabled)
	return st, nil
}

// CreateStaff adds a staff account. The email must not be taken (case-insensitive).
func (s *Store) CreateStaff(ctx context.Context, email, name, passwordHash, role string) (Staff,
	error) {
	res, err := s.write.ExecContext(ctx, `INSERT INTO staff (email, name, password_hash, role,
		created_at) VALUES (?, ?, ?, ?, ?)`, email, name, passwordHash, role, s.stamp())
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return Staff{}, ErrDuplicate
		}
		return Staff{}, fmt.Errorf("insert staff: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return Staff{}, fmt.Errorf("insert staff: %w", err)
	}
	return s.StaffByID(ctx, id)
}

// StaffByID returns the staff account with the given id, or ErrNotFound.
func (s *Store) StaffByID(ctx context.Context, id int64) (Staff, error) {
	return s.oneStaff(ctx, `id = ?`, id)
}

// StaffByEmail returns the staff account with the given email (case-insensitive), or ErrNotFound.
func (s *Store) StaffByEmail(ctx context.Context, email string) (Staff, error) {
	return s.oneStaff(ctx, `email = ?`, email)
}

func (s *Store) oneStaff(ctx context.Context, where string, arg any) (Staff, error) {
	row := s.read.QueryRowContext(ctx, `SELECT `+staffColumns+` FROM staff WHERE `+where, arg)
	st, err := scanStaff(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Staff{}, ErrNotFound
	}
	if err != nil {
		return Staff{}, fmt.Errorf("load staff: %w", err)
	}
	return st, nil
}

// EndStaffSessions bumps the account's session version, so every session issued before stops
// working at its next request.
func (s *Store) EndStaffSessions(ctx context.Context, id int64) error {
	_, err := s.write.ExecContext(ctx,
		`UPDATE staff SET session_version = session_version + 1 WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("end staff sessions: %w", err)
	}
	return nil
}

// ErrLastAdmin is returned when a change would leave no active admin.
var ErrLastAdmin = errors.New("store: the last active admin cannot be disabled or demoted")

// ErrStaffExists is returned by the first-run set-up once a staff account exists.
var ErrStaffExists = errors.New("store: staff accounts already exist")

// HasPassword reports whether the account has a password. A new member, or one whose password
// was reset, has none until the one-time link is used.
func (s Staff) HasPassword() bool { return s.PasswordHash != "" }

// ListStaff returns every staff account: active ones first, then by name.
func (s *Store) ListStaff(ctx context.Context) ([]Staff, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+staffColumns+` FROM staff
		ORDER BY disabled_at IS NOT NULL, name COLLATE NOCASE, id`)
	if err != nil {
		return nil, fmt.Errorf("list staff: %w", err)
	}
	defer rows.Close()

	var out []Staff
	for rows.Next() {
		st, err := scanStaff(rows)
		if err != nil {
			return nil, fmt.Errorf("list staff: %w", err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// HasStaff reports whether any staff account exists.
func (s *Store) HasStaff(ctx context.Context) (bool, error) {
	var n int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM staff`).Scan(&n); err != nil {
		return false, fmt.Errorf("count staff: %w", err)
	}
	return n > 0, nil
}

// otherActiveAdmins counts the active admins other than id: an active admin can lose the role, or
// be disabled, only when this is at least 1. The count and the change run in one transaction, and
// the store has a single writer, so two admins demoting each other cannot both succeed.
func otherActiveAdmins(ctx context.Context, tx *wtx, id int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM staff
		WHERE role = ? AND disabled_at IS NULL AND id != ?`, RoleAdmin, id).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count admins: %w", err)
	}
	return n, nil
}

// staffForUpdate loads an account inside a transaction, or ErrNotFound.
func staffForUpdate(ctx context.Context, tx *wtx, id int64) (Staff, error) {
	st, err := scanStaff(tx.QueryRowContext(ctx,
		`SELECT `+staffColumns+` FROM staff WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Staff{}, ErrNotFound
	}
	if err != nil {
		return Staff{}, fmt.Errorf("load staff %d: %w", id, err)
	}
	return st, nil
}

// SetStaffRole changes an account's role, with an audit entry. Setting the role it already has
// changes nothing. It returns ErrLastAdmin when the account is the last active admin and the new
// role is not admin.
func (s *Store) SetStaffRole(ctx context.Context, id int64, role string, by Actor) error {
	if role != RoleAdmin && role != RoleSupport {
		return fmt.Errorf("store: unknown staff role %q", role)
	}
	now := s.Now()

	return s.tx(ctx, func(tx *wtx) error {
		st, err := staffForUpdate(ctx, tx, id)
		if err != nil || st.Role == role {
			return err
		}
		if st.Role == RoleAdmin && st.Active() {
			n, err := otherActiveAdmins(ctx, tx, id)
			if err != nil {
				return err
			}
			if n == 0 {
				return ErrLastAdmin
			}
		}

		if _, err := tx.ExecContext(ctx, `UPDATE staff SET role = ? WHERE id = ?`, role,
			id); err != nil {
			return fmt.Errorf("set staff role: %w", err)
		}
		return insertAuditRow(ctx, tx, by.entry(now, AuditStaffRoleChanged, 0,
			StaffActor(id)+" from "+st.Role+" to "+role))
	})
}

// DisableStaff stops the account from signing in and ends every session it has, with an audit
// entry. Disabling an account that is already disabled keeps its first disabled time. It returns
// ErrNotFound for an unknown id and ErrLastAdmin for the last active admin.
func (s *Store) DisableStaff(ctx context.Context, id int64, by Actor) error {
	now := s.Now()

	return s.tx(ctx, func(tx *wtx) error {
		st, err := staffForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		if st.Role == RoleAdmin && st.Active() {
			n, err := otherActiveAdmins(ctx, tx, id)
			if err != nil {
				return err
			}
			if n == 0 {
				return ErrLastAdmin
			}
		}

		_, err = tx.ExecContext(ctx, `UPDATE staff SET disabled_at = COALESCE(disabled_at, ?),
			session_version = session_version + 1 WHERE id = ?`, formatTime(now), id)
		if err != nil {
			return fmt.Errorf("disable staff: %w", err)
		}
		return insertAuditRow(ctx, tx, by.entry(now, AuditStaffDisabled, 0, StaffActor(id)))
	})
}

// EnableStaff lets a disabled account sign in again, with an audit entry. Sessions ended by
// disabling stay ended.
func (s *Store) EnableStaff(ctx context.Context, id int64, by Actor) error {
	now := s.Now()

	return s.tx(ctx, func(tx *wtx) error {
		st, err := staffForUpdate(ctx, tx, id)
		if err != nil || st.Active() {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE staff SET disabled_at = NULL WHERE id = ?`,
			id); err != nil {
			return fmt.Errorf("enable staff: %w", err)
		}
		return insertAuditRow(ctx, tx, by.entry(now, AuditStaffEnabled, 0, StaffActor(id)))
	})
}

// The purposes of a staff link.
const (
	LinkPassword   = "password"    // sets the password of an existing account
	LinkFirstAdmin = "first_admin" // creates the first admin; only while no account exists
)

// insertStaffLink stores a link's hash, replacing any earlier link with the same purpose and
// account (staffID 0: no account, the first-run set-up).
func insertStaffLink(ctx context.Context, tx *wtx, staffID int64, purpose string,
	hash []byte, now time.Time, ttl time.Duration) error {
	owner := sql.NullInt64{Int64: staffID, Valid: staffID != 0}
	if _, err := tx.ExecContext(ctx, `DELETE FROM staff_links WHERE purpose = ? AND
		staff_id IS ?`, purpose, owner); err != nil {
		return fmt.Errorf("drop old staff link: %w", err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO staff_links (token_hash, staff_id, purpose,
		created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		hash, owner, purpose, formatTime(now), formatTime(now.Add(ttl)))
	if err != nil {
		return fmt.Errorf("insert staff link: %w", err)
	}
	return nil
}

// staffLink finds a live link by hash and purpose and returns its account id (0 for none). It
// returns ErrNotFound for an unknown link and ErrExpired for one past its lifetime.
func staffLink(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, hash []byte, purpose string, now time.Time) (int64, error) {
	var owner sql.NullInt64
	var expires string
	err := q.QueryRowContext(ctx, `SELECT staff_id, expires_at FROM staff_links
		WHERE token_hash = ? AND purpose = ?`, hash, purpose).Scan(&owner, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("look up staff link: %w", err)
	}
	if !now.Before(parseTime(expires)) {
		return 0, ErrExpired
	}
	return owner.Int64, nil
}

// NewStaff holds what an admin gives for a new member.
type NewStaff struct {
	Email string
	Name  string
	Role  string
}

// AddStaffMember creates an account without a password, with a one-time link to set one (only
// its hash is kept) and an audit entry, in one transaction. It returns ErrDuplicate when the
// email is taken.
func (s *Store) AddStaffMember(ctx context.Context, n NewStaff, linkHash []byte,
	ttl time.Duration, by Actor) (Staff, error) {
	if n.Role != RoleAdmin && n.Role != RoleSupport {
		return Staff{}, fmt.Errorf("store: unknown staff role %q", n.Role)
	}
	now := s.Now()
	var id int64

	err := s.tx(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO staff (email, name, password_hash, role,
			created_at) VALUES (?, ?, '', ?, ?)`, n.Email, n.Name, n.Role, formatTime(now))
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return ErrDuplicate
			}
			return fmt.Errorf("insert staff: %w", err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("insert staff: %w", err)
		}
		if err := insertStaffLink(ctx, tx, id, LinkPassword, linkHash, now, ttl); err != nil {
			return err
		}
		return insertAuditRow(ctx, tx, by.entry(now, AuditStaffAdded, 0,
			StaffActor(id)+" as "+n.Role))
	})
	if err != nil {
		return Staff{}, err
	}
	return s.StaffByID(ctx, id)
}

// ResetStaffPassword removes the account's password, ends every session it has and makes a new
// one-time link to set a password, with an audit entry, in one transaction.
func (s *Store) ResetStaffPassword(ctx context.Context, id int64, linkHash []byte,
	ttl time.Duration, by Actor) error {
	now := s.Now()

	return s.tx(ctx, func(tx *wtx) error {
		if _, err := staffForUpdate(ctx, tx, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE staff SET password_hash = '',
			session_version = session_version + 1 WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("reset staff password: %w", err)
		}
		if err := insertStaffLink(ctx, tx, id, LinkPassword, linkHash, now, ttl); err != nil {
			return err
		}
		return insertAuditRow(ctx, tx, by.entry(now, AuditStaffPasswordReset, 0,
			StaffActor(id)))
	})
}

// StaffByPasswordLink returns the account a live set-password link belongs to. It returns
// ErrNotFound for an unknown link, ErrExpired for an old one and ErrInactive when the account is
// disabled.
func (s *Store) StaffByPasswordLink(ctx context.Context, linkHash []byte) (Staff, error) {
	id, err := staffLink(ctx, s.read, linkHash, LinkPassword, s.Now())
	if err != nil {
		return Staff{}, err
	}
	st, err := s.StaffByID(ctx, id)
	if err != nil {
		return Staff{}, err
	}
	if !st.Active() {
		return Staff{}, ErrInactive
	}
	return st, nil
}

// SetPasswordByLink sets the password of the link's account, uses the link up, ends every
// session of the account and writes the audit entry, in one transaction. Errors are those of
// StaffByPasswordLink.
func (s *Store) SetPasswordByLink(ctx context.Context, linkHash []byte, passwordHash,
	address string) (Staff, error) {
	now := s.Now()
	var id int64

	err := s.tx(ctx, func(tx *wtx) error {
		var err error
		if id, err = staffLink(ctx, tx, linkHash, LinkPassword, now); err != nil {
			return err
		}
		st, err := staffForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		if !st.Active() {
			return ErrInactive
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM staff_links WHERE token_hash = ?`,
			linkHash); err != nil {
			return fmt.Errorf("use staff link: %w", err)
		}
		return setPassword(ctx, tx, id, passwordHash, Actor{StaffID: id, Address: address}, now)
	})
	if err != nil {
		return Staff{}, err
	}
	return s.StaffByID(ctx, id)
}

// ChangePassword replaces the actor's own password and ends every session of the account,
// with an audit entry.
func (s *Store) ChangePassword(ctx context.Context, passwordHash string, by Actor) error {
	now := s.Now()
	return s.tx(ctx, func(tx *wtx) error {
		if _, err := staffForUpdate(ctx, tx, by.StaffID); err != nil {
			return err
		}
		return setPassword(ctx, tx, by.StaffID, passwordHash, by, now)
	})
}

func setPassword(ctx context.Context, tx *wtx, id int64, passwordHash string, by Actor,
	now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE staff SET password_hash = ?,
		session_version = session_version + 1 WHERE id = ?`, passwordHash, id)
	if err != nil {
		return fmt.Errorf("set staff password: %w", err)
	}
	return insertAuditRow(ctx, tx, by.entry(now, AuditStaffPasswordSet, 0, StaffActor(id)))
}

// CreateFirstAdminLink stores the hash of a first-run set-up link, replacing any earlier one. It
// returns ErrStaffExists once any staff account exists.
func (s *Store) CreateFirstAdminLink(ctx context.Context, linkHash []byte,
	ttl time.Duration) error {
	now := s.Now()
	return s.tx(ctx, func(tx *wtx) error {
		if err := noStaffYet(ctx, tx); err != nil {
			return err
		}
		return insertStaffLink(ctx, tx, 0, LinkFirstAdmin, linkHash, now, ttl)
	})
}

// CheckFirstAdminLink reports whether a first-run set-up link can still be used: ErrNotFound for
// an unknown link, ErrExpired for an old one, ErrStaffExists once an account exists.
func (s *Store) CheckFirstAdminLink(ctx context.Context, linkHash []byte) error {
	if _, err := staffLink(ctx, s.read, linkHash, LinkFirstAdmin, s.Now()); err != nil {
		return err
	}
	ok, err := s.HasStaff(ctx)
	if err != nil {
		return err
	}
	if ok {
		return ErrStaffExists
	}
	return nil
}

// CreateFirstAdmin uses a first-run set-up link to create the first account, an admin, with an
// audit entry, in one transaction. Errors are those of CheckFirstAdminLink, and ErrDuplicate
// cannot happen since no account exists.
func (s *Store) CreateFirstAdmin(ctx context.Context, linkHash []byte, email, name,
	passwordHash, address string) (Staff, error) {
	now := s.Now()
	var id int64

	err := s.tx(ctx, func(tx *wtx) error {
		if _, err := staffLink(ctx, tx, linkHash, LinkFirstAdmin, now); err != nil {
			return err
		}
		if err := noStaffYet(ctx, tx); err != nil {
			return err
		}

		res, err := tx.ExecContext(ctx, `INSERT INTO staff (email, name, password_hash, role,
			created_at) VALUES (?, ?, ?, ?, ?)`, email, name, passwordHash, RoleAdmin,
			formatTime(now))
		if err != nil {
			return fmt.Errorf("insert first admin: %w", err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("insert first admin: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM staff_links WHERE purpose = ?`,
			LinkFirstAdmin); err != nil {
			return fmt.Errorf("use set-up link: %w", err)
		}
		by := Actor{StaffID: id, Address: address}
		return insertAuditRow(ctx, tx, by.entry(now, AuditFirstAdminCreated, 0, StaffActor(id)))
	})
	if err != nil {
		return Staff{}, err
	}
	return s.StaffByID(ctx, id)
}

func noStaffYet(ctx context.Context, tx *wtx) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM staff`).Scan(&n); err != nil {
		return fmt.Errorf("count staff: %w", err)
	}
	if n > 0 {
		return ErrStaffExists
	}
	return nil
}
