package store_test

import (
	"context"
	"errors"
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
	if err := st.DisableStaff(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	// A second call keeps the first time and still ends sessions.
	now = now.Add(time.Hour)
	if err := st.DisableStaff(ctx, a.ID); err != nil {
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

	if err := st.DisableStaff(ctx, b.ID+100); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("DisableStaff unknown: err = %v, want ErrNotFound", err)
	}
}
