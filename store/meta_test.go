package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aicofounder/shiprocket-portal/store"
)

// TestClaimMode records the mode on a new database, accepts the same mode again, and refuses
// the other one without writing anything.
func TestClaimMode(t *testing.T) {
	tests := []struct {
		name       string
		first      store.Mode
		second     store.Mode
		wantOwner  store.Mode
		wantRefuse bool
	}{
		{"portal, then portal", store.ModePortal, store.ModePortal, store.ModePortal, false},
		{"demo, then demo", store.ModeDemo, store.ModeDemo, store.ModeDemo, false},
		{"portal, then demo", store.ModePortal, store.ModeDemo, store.ModePortal, true},
		{"demo, then portal", store.ModeDemo, store.ModePortal, store.ModeDemo, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st, _ := openStore(t, newClock())
			if got, err := st.RecordedMode(ctx); err != nil || got != "" {
				t.Fatalf("new database: mode %q, %v; want none", got, err)
			}
			if got, err := st.ClaimMode(ctx, tt.first); err != nil || got != tt.first {
				t.Fatalf("first claim: %q, %v; want %q", got, err, tt.first)
			}

			owner, err := st.ClaimMode(ctx, tt.second)
			if owner != tt.wantOwner || errors.Is(err, store.ErrOtherMode) != tt.wantRefuse ||
				(!tt.wantRefuse && err != nil) {
				t.Fatalf("second claim: %q, %v; want %q, refused %v", owner, err,
					tt.wantOwner, tt.wantRefuse)
			}
			if got, err := st.RecordedMode(ctx); err != nil || got != tt.first {
				t.Fatalf("recorded mode %q, %v; want %q", got, err, tt.first)
			}
		})
	}
}

// TestClaimModeAndProbeOnReadOnlyDatabase checks that a database that takes no writes fails
// both ClaimMode, which writes at every start-up, and CheckWritable, which only takes the lock.
// query_only stands in for a read-only file: tests run as root, whom file modes do not stop.
func TestClaimModeAndProbeOnReadOnlyDatabase(t *testing.T) {
	ctx := context.Background()
	st, _ := openStore(t, newClock())
	if _, err := st.ClaimMode(ctx, store.ModePortal); err != nil {
		t.Fatal(err)
	}
	if err := st.CheckWritable(ctx); err != nil {
		t.Fatalf("CheckWritable on a writable database: %v", err)
	}

	if err := st.ExecForTest(ctx, "PRAGMA query_only = ON"); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"ClaimMode":     func() error { _, err := st.ClaimMode(ctx, store.ModePortal); return err }(),
		"CheckWritable": st.CheckWritable(ctx),
	} {
		if !store.IsUnavailable(err) || !strings.Contains(err.Error(), "readonly") {
			t.Errorf("%s on a read-only database: %v, want a readonly error", name, err)
		}
	}

	if err := st.ExecForTest(ctx, "PRAGMA query_only = OFF"); err != nil {
		t.Fatal(err)
	}
	if err := st.CheckWritable(ctx); err != nil {
		t.Fatalf("CheckWritable once writable again: %v", err)
	}
}

// TestDatabaseFileIsPrivate checks that a new database and the files SQLite adds beside it are
// readable by their owner only, and that Open leaves the mode of an existing file alone.
func TestDatabaseFileIsPrivate(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "data", "portal.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.ClaimMode(ctx, store.ModePortal); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(p), info.Mode().Perm())
		}
	}
	dir, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if dir.Mode().Perm() != 0o700 {
		t.Errorf("the directory has mode %v, want 0700", dir.Mode().Perm())
	}

	// An operator's own choice for an existing file is kept.
	shared := filepath.Join(t.TempDir(), "shared.db")
	if err := os.WriteFile(shared, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	st2, err := store.Open(ctx, shared)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	if info, err := os.Stat(shared); err != nil || info.Mode().Perm() != 0o640 {
		t.Errorf("existing file: %v, %v; want its mode 0640 kept", info.Mode().Perm(), err)
	}
}
