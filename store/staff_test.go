package store_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/store"
)

// openStaffStore opens a fresh store on a file in t.TempDir() whose clock reads *now.
func openStaffStore(t *testing.T, now *time.Time) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "portal.db"),
		store.WithClock(func() time.Time { return *now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestCreateStaff(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 4, 15, 4, 5, 123456000, time.UTC)
	st := openStaffStore(t, &now)

	got, err := st.CreateStaff(ctx, "Asha@Example.com", "Asha Rao", "$argon2id$hash",
		store.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	want := store.Staff{ID: got.ID, Email: "Asha@Example.com", Name: "Asha Rao",
		PasswordHash: "$argon2id$hash", Role: store.RoleAdmin, SessionVersion: 1, CreatedAt: now}
	if got.ID <= 0 || got != want {
		t.Fatalf("CreateStaff = %+v, want %+v", got, want)
	}
	if !got.Active() {
		t.Fatal("a new account is not active")
	}

	byEmail, err := st.StaffByEmail(ctx, "asha@example.COM")
	if err != nil || byEmail != want {
		t.Fatalf("StaffByEmail (other case) = %+v, %v; want %+v", byEmail, err, want)
	}
	byID, err := st.StaffByID(ctx, got.ID)
	if err != nil || byID != want {
		t.Fatalf("StaffByID = %+v, %v; want %+v", byID, err, want)
	}

	_, err = st.CreateStaff(ctx, "ASHA@example.com", "Other", "$argon2id$x", store.RoleSupport)
	if !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("duplicate email (other case): err = %v, want ErrDuplicate", err)
	}

	if _, err := st.StaffByEmail(ctx, "nobody@example.com"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("StaffByEmail unknown: err = %v, want ErrNotFound", err)
	}
	if _, err := st.StaffByID(ctx, got.ID+100); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("StaffByID unknown: err = %v, want ErrNotFound", err)
	}
}

func TestEndStaffSessions(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 4, 15, 4, 5, 0, time.UTC)
	st := openStaffStore(t, &now)

	a, err := st.CreateStaff(ctx, "a@example.com", "A", "h", store.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.CreateStaff(ctx, "b@example.com", "B", "h", store.RoleSupport)
	if err != nil {
		t.Fatal(err)
	}

	for range 2 {
		if err := st.EndStaffSessions(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
	}

	gotA, _ := st.StaffByID(ctx, a.ID)
	gotB, _ := st.StaffByID(ctx, b.ID)
	if gotA.SessionVersion != 3 || gotB.SessionVersion != 1 {
		t.Fatalf("session versions = %d, %d; want 3, 1", gotA.SessionVersion, gotB.SessionVersion)
	}
	if !gotA.Active() {
		t.Fatal("ending sessions disabled the account")
	}
}

func TestDisableStaff(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 4, 15, 4, 5, 0, time.UTC)
	st := openStaffStore(t, &now)

	a, err := st.CreateStaff(ctx, "a@example.com", "A", "h", store.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.CreateStaff(ctx, "b@example.com", "B", "h", store.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}

	disabledAt := now.Add(time.Hour)
	now = disabledAt
	if err := st.DisableStaff(ctx, a.ID, store.Actor{StaffID: b.ID}); err != nil {
		t.Fatal(err)
	}
	// A second call keeps the first time and still ends sessions.
	now = now.Add(time.Hour)
	if err := st.DisableStaff(ctx, a.ID, store.Actor{StaffID: b.ID}); err != nil {
		t.Fatal(err)
	}

	gotA, err := st.StaffByID(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantA := a
	wantA.DisabledAt = disabledAt
	wantA.SessionVersion = 3
	if gotA != wantA || gotA.Active() {
		t.Fatalf("disabled account = %+v (active %v), want %+v", gotA, gotA.Active(), wantA)
	}

	gotB, _ := st.StaffByID(ctx, b.ID)
	if gotB != b {
		t.Fatalf("the other account changed: %+v, want %+v", gotB, b)
	}

	err = st.DisableStaff(ctx, b.ID+100, store.Actor{StaffID: b.ID})
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("DisableStaff unknown: err = %v, want ErrNotFound", err)
	}
}

func TestLastActiveAdminRule(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 4, 15, 4, 5, 0, time.UTC)
	st := openStaffStore(t, &now)
	a, _ := st.CreateStaff(ctx, "a@example.com", "A", "h", store.RoleAdmin)
	b, _ := st.CreateStaff(ctx, "b@example.com", "B", "h", store.RoleSupport)
	by := store.Actor{StaffID: a.ID, Address: "192.0.2.1"}

	steps := []struct {
		name string
		do   func() error
		want error
	}{
		{"demote the only admin", func() error {
			return st.SetStaffRole(ctx, a.ID, store.RoleSupport, by)
		}, store.ErrLastAdmin},
		{"disable the only admin", func() error { return st.DisableStaff(ctx, a.ID, by) },
			store.ErrLastAdmin},
		{"disable support", func() error { return st.DisableStaff(ctx, b.ID, by) }, nil},
		{"a disabled member made admin", func() error {
			return st.SetStaffRole(ctx, b.ID, store.RoleAdmin, by)
		}, nil},
		{"still the only active admin", func() error {
			return st.SetStaffRole(ctx, a.ID, store.RoleSupport, by)
		}, store.ErrLastAdmin},
		{"enable the second admin", func() error { return st.EnableStaff(ctx, b.ID, by) }, nil},
		{"now the first may step down", func() error {
			return st.SetStaffRole(ctx, a.ID, store.RoleSupport, by)
		}, nil},
		{"and the second may not", func() error { return st.DisableStaff(ctx, b.ID, by) },
			store.ErrLastAdmin},
		{"unknown account", func() error {
			return st.SetStaffRole(ctx, 99, store.RoleAdmin, by)
		}, store.ErrNotFound},
	}
	for _, s := range steps {
		if err := s.do(); !errors.Is(err, s.want) {
			t.Errorf("%s: %v, want %v", s.name, err, s.want)
		}
	}
	if err := st.SetStaffRole(ctx, b.ID, "root", by); err == nil {
		t.Error("an unknown role was accepted")
	}

	all, _ := st.ListStaff(ctx)
	if len(all) != 2 || all[0].Role != store.RoleSupport || all[1].Role != store.RoleAdmin ||
		!all[1].Active() {
		t.Errorf("staff after the steps: %+v", all)
	}
	var actions []string
	entries, _ := st.ListAudit(ctx, store.AuditQuery{})
	for _, e := range entries {
		actions = append(actions, e.Action+" "+e.Detail)
	}
	want := []string{
		"staff_role_changed staff:1 from admin to support",
		"staff_enabled staff:2",
		"staff_role_changed staff:2 from support to admin",
		"staff_disabled staff:2",
	}
	if fmt.Sprint(actions) != fmt.Sprint(want) {
		t.Errorf("audit %q, want %q", actions, want)
	}
}

func TestStaffPasswordLinks(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 4, 15, 4, 5, 0, time.UTC)
	st := openStaffStore(t, &now)
	admin, _ := st.CreateStaff(ctx, "a@example.com", "A", "h", store.RoleAdmin)
	by := store.Actor{StaffID: admin.ID, Address: "192.0.2.1"}
	h := func(s string) []byte { sum := sha256.Sum256([]byte(s)); return sum[:] }

	m, err := st.AddStaffMember(ctx, store.NewStaff{Email: "m@example.com", Name: "M",
		Role: store.RoleSupport}, h("one"), time.Hour, by)
	if err != nil || m.HasPassword() || m.Role != store.RoleSupport {
		t.Fatalf("new member %+v, %v", m, err)
	}
	if _, err := st.AddStaffMember(ctx, store.NewStaff{Email: "M@example.com", Name: "X",
		Role: store.RoleAdmin}, h("x"), time.Hour, by); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("duplicate member: %v", err)
	}
	if got, err := st.StaffByPasswordLink(ctx, h("one")); err != nil || got.ID != m.ID {
		t.Errorf("link: %+v, %v", got, err)
	}

	// A reset replaces the link, removes the password and ends sessions.
	if _, err := st.SetPasswordByLink(ctx, h("one"), "hash-1", "192.0.2.9"); err != nil {
		t.Fatal(err)
	}
	if err := st.ResetStaffPassword(ctx, m.ID, h("two"), time.Hour, by); err != nil {
		t.Fatal(err)
	}
	got, _ := st.StaffByID(ctx, m.ID)
	if got.HasPassword() || got.SessionVersion != 3 {
		t.Errorf("after reset: %+v", got)
	}
	if _, err := st.StaffByPasswordLink(ctx, h("one")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("used link: %v", err)
	}

	// Expired; disabled; then used once.
	now = now.Add(time.Hour)
	if _, err := st.SetPasswordByLink(ctx, h("two"), "hash-2", ""); !errors.Is(err,
		store.ErrExpired) {
		t.Errorf("expired link: %v", err)
	}
	now = now.Add(-time.Minute)
	st.DisableStaff(ctx, m.ID, by)
	if _, err := st.StaffByPasswordLink(ctx, h("two")); !errors.Is(err, store.ErrInactive) {
		t.Errorf("disabled account's link: %v", err)
	}
	st.EnableStaff(ctx, m.ID, by)
	set, err := st.SetPasswordByLink(ctx, h("two"), "hash-2", "192.0.2.9")
	if err != nil || set.PasswordHash != "hash-2" || set.SessionVersion != 5 {
		t.Errorf("set by link: %+v, %v", set, err)
	}
	if _, err := st.SetPasswordByLink(ctx, h("two"), "hash-3", ""); !errors.Is(err,
		store.ErrNotFound) {
		t.Errorf("link used twice: %v", err)
	}
	entries, _ := st.ListAudit(ctx, store.AuditQuery{Action: store.AuditStaffPasswordSet})
	if len(entries) != 2 || entries[0].Actor != store.StaffActor(m.ID) ||
		entries[0].Address != "192.0.2.9" {
		t.Errorf("password-set entries %+v", entries)
	}

	if err := st.ChangePassword(ctx, "hash-4", store.Actor{StaffID: m.ID}); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.StaffByID(ctx, m.ID); got.PasswordHash != "hash-4" || got.SessionVersion != 6 {
		t.Errorf("after change: %+v", got)
	}
}

func TestFirstAdminLink(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 4, 15, 4, 5, 0, time.UTC)
	st := openStaffStore(t, &now)
	h := func(s string) []byte { sum := sha256.Sum256([]byte(s)); return sum[:] }

	if err := st.CreateFirstAdminLink(ctx, h("old"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateFirstAdminLink(ctx, h("new"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := st.CheckFirstAdminLink(ctx, h("old")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("replaced link: %v", err)
	}
	if err := st.CheckFirstAdminLink(ctx, h("new")); err != nil {
		t.Errorf("live link: %v", err)
	}
	admin, err := st.CreateFirstAdmin(ctx, h("new"), "boss@example.com", "Boss", "hash",
		"192.0.2.1")
	if err != nil || admin.Role != store.RoleAdmin || admin.PasswordHash != "hash" {
		t.Fatalf("first admin %+v, %v", admin, err)
	}
	if _, err := st.CreateFirstAdmin(ctx, h("new"), "x@example.com", "X", "h",
		""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("link used twice: %v", err)
	}
	if err := st.CreateFirstAdminLink(ctx, h("later"), time.Hour); !errors.Is(err,
		store.ErrStaffExists) {
		t.Errorf("a link once staff exist: %v", err)
	}
}
