package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The audit actions written for staff. Each names what a staff member did; the entry's detail
// adds the particulars and never holds a password, a token or a link.
const (
	AuditSignedIn           = "signed_in"
	AuditSignedOut          = "signed_out"
	AuditSellerViewed       = "seller_viewed"
	AuditSellerInvited      = "seller_invited"
	AuditSellerAssigned     = "seller_assigned"
	AuditNoteAdded          = "note_added"
	AuditCheckRequested     = "check_requested"
	AuditCheckSkipped       = "check_skipped"
	AuditResumeLinkCreated  = "resume_link_created"
	AuditCredentialsCleared = "credentials_cleared"
	AuditSellerArchived     = "seller_archived"
	AuditSellerRestored     = "seller_restored"
	AuditQueueExported      = "queue_exported"
	AuditLogExported        = "audit_exported"
	AuditStaffAdded         = "staff_added"
	AuditStaffRoleChanged   = "staff_role_changed"
	AuditStaffDisabled      = "staff_disabled"
	AuditStaffEnabled       = "staff_enabled"
	AuditStaffPasswordReset = "staff_password_reset"
	AuditStaffPasswordSet   = "staff_password_set"
	AuditFirstAdminCreated  = "first_admin_created"
)

// Actor is the staff member behind an action and the address the request came from. Store
// methods that act for staff take one and write the audit entry in the same transaction as the
// change, so there is never a change without its entry.
type Actor struct {
	StaffID int64
	Address string
}

// Name is how the actor is written in timelines and the audit log: "staff:<id>".
func (a Actor) Name() string {
	return StaffActor(a.StaffID)
}

// StaffActor names a staff account in timelines and the audit log: "staff:<id>".
func StaffActor(id int64) string {
	return "staff:" + strconv.FormatInt(id, 10)
}

// entry returns an audit entry by this actor, stamped at.
func (a Actor) entry(at time.Time, action string, sellerID int64, detail string) AuditEntry {
	return AuditEntry{At: at, Actor: a.Name(), Action: action, SellerID: sellerID,
		Detail: detail, Address: a.Address}
}

// AddAudit appends one entry by actor to the audit log, stamped with the store's clock. It is for
// actions that change nothing in the store, such as viewing a page or exporting a list.
func (s *Store) AddAudit(ctx context.Context, a Actor, action string, sellerID int64,
	detail string) error {
	e := a.entry(s.Now(), action, sellerID, detail)
	return s.tx(ctx, func(tx *wtx) error { return insertAuditRow(ctx, tx, e) })
}

// AuditQuery selects audit entries, newest first. Zero fields select everything. Before is a
// keyset cursor: only entries with a smaller id are listed. Since and Until bound the time, Until
// excluded.
//
// The audit table has indexes for the seller and the action only: a filter on the actor or the
// time alone walks the log from the newest entry, which slows as the log grows past a few
// hundred thousand entries. An index on (actor, id) and one on at would fix it.
type AuditQuery struct {
	Actor    string
	Action   string
	SellerID int64
	Since    time.Time
	Until    time.Time
	Before   int64
	Limit    int
}

// where returns the query's conditions and their arguments.
func (q AuditQuery) where() (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		conds = append(conds, cond)
		args = append(args, arg)
	}
	if q.Actor != "" {
		add("actor = ?", q.Actor)
	}
	if q.Action != "" {
		add("action = ?", q.Action)
	}
	if q.SellerID != 0 {
		add("seller_id = ?", q.SellerID)
	}
	if !q.Since.IsZero() {
		add("at >= ?", formatTime(q.Since))
	}
	if !q.Until.IsZero() {
		add("at < ?", formatTime(q.Until))
	}
	if q.Before > 0 {
		add("id < ?", q.Before)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

const auditColumns = `id, at, actor, action, COALESCE(seller_id, 0), detail, address`

func scanAudit(row interface{ Scan(...any) error }) (AuditEntry, error) {
	var e AuditEntry
	var at string
	if err := row.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.SellerID, &e.Detail,
		&e.Address); err != nil {
		return AuditEntry{}, err
	}
	e.At = parseTime(at)
	return e, nil
}

// ListAudit returns one page of audit entries, newest first. Limit defaults to 50 and is at most
// 500.
func (s *Store) ListAudit(ctx context.Context, q AuditQuery) ([]AuditEntry, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 50
	}
	var out []AuditEntry
	err := s.eachAudit(ctx, q, q.Limit, func(e AuditEntry) error {
		out = append(out, e)
		return nil
	})
	return out, err
}

// EachAudit calls fn for every entry the query selects, newest first, ignoring Limit. Rows are
// read one at a time, so an export of the whole log never holds it in memory. An error from fn
// stops the walk and is returned.
func (s *Store) EachAudit(ctx context.Context, q AuditQuery, fn func(AuditEntry) error) error {
	return s.eachAudit(ctx, q, -1, fn)
}

func (s *Store) eachAudit(ctx context.Context, q AuditQuery, limit int,
	fn func(AuditEntry) error) error {
	where, args := q.where()
	rows, err := s.read.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit`+where+
		` ORDER BY id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return fmt.Errorf("list audit log: %w", err)
	}
	defer rows.Close()

	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return fmt.Errorf("list audit log: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list audit log: %w", err)
	}
	return nil
}
