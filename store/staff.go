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

// DisableStaff stops the account from signing in and ends every session it has, in one
// statement. Disabling an account that is already disabled keeps its first disabled time. It
// returns ErrNotFound for an unknown id.
func (s *Store) DisableStaff(ctx context.Context, id int64) error {
	res, err := s.write.ExecContext(ctx, `UPDATE staff SET disabled_at = COALESCE(disabled_at, ?),
		session_version = session_version + 1 WHERE id = ?`, s.stamp(), id)
	if err != nil {
		return fmt.Errorf("disable staff: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("disable staff: %w", err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
