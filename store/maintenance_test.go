package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/store"
)

func TestBackupDuringWritesHoldsEveryCommittedSeller(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, path := openStore(t, c)
	dest := filepath.Join(t.TempDir(), "backup.db")

	var mu sync.Mutex
	var committed []int64
	stop := make(chan struct{})
	written := make(chan struct{})
	go func() {
		defer close(written)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			s, err := st.CreateSeller(ctx, newSeller(fmt.Sprint("w", i)), hash(fmt.Sprint(i)),
				time.Hour, "seller")
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			committed = append(committed, s.ID)
			mu.Unlock()
		}
	}()

	// Let some sellers commit, then back up while the writer keeps going.
	for {
		mu.Lock()
		n := len(committed)
		mu.Unlock()
		if n >= 50 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	mu.Lock()
	before := append([]int64(nil), committed...)
	mu.Unlock()
	if err := store.Backup(ctx, path, dest); err != nil {
		t.Fatal(err)
	}
	close(stop)
	<-written
	mu.Lock()
	all := map[int64]bool{}
	for _, id := range committed {
		all[id] = true
	}
	mu.Unlock()

	info, err := os.Stat(dest)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %v, want 0600", info.Mode().Perm())
	}
	if _, err := os.Stat(dest + ".partial"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a partial file was left behind: %v", err)
	}

	copyStore, err := store.Open(ctx, dest)
	if err != nil {
		t.Fatal(err)
	}
	defer copyStore.Close()
	for _, id := range before {
		s, err := copyStore.Seller(ctx, id)
		if err != nil || s.StoreName == "" {
			t.Fatalf("seller %d committed before the backup is missing from it: %v", id, err)
		}
	}
	rows, err := copyStore.Queue(ctx, store.QueueFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if !all[r.ID] {
			t.Errorf("the backup holds seller %d, which never committed", r.ID)
		}
		events, err := copyStore.Events(ctx, r.ID)
		if err != nil || len(events) != 1 {
			t.Errorf("seller %d has %d events in the backup (%v): want its created event",
				r.ID, len(events), err)
		}
	}
	t.Logf("%d sellers committed before the backup, %d in it, %d in all", len(before),
		len(rows), len(all))

	if err := store.Backup(ctx, path, dest); err == nil ||
		!strings.Contains(err.Error(), "already exists") {
		t.Errorf("backup onto an existing file: %v", err)
	}
	if err := store.Backup(ctx, filepath.Join(t.TempDir(), "missing.db"),
		filepath.Join(t.TempDir(), "b.db")); err == nil {
		t.Error("backup of a missing database succeeded")
	}
}

// The realistic ways a database stops taking writes, simulated on the store's own write
// connection: query_only behaves as a read-only file or mount (SQLITE_READONLY), and
// max_page_count as a full disk (SQLITE_FULL). Tests run as root here, so file permissions
// cannot make a file read-only.
func TestUnavailableDatabaseWritesNothing(t *testing.T) {
	tests := []struct {
		name      string
		setup     string
		storeName string
		wantText  string
	}{
		{"read-only", "PRAGMA query_only = ON", "short", "readonly"},
		// SQLite never lowers the limit below the pages in use: the file is full as it is.
		{"full", "PRAGMA max_page_count = 1", strings.Repeat("long name ", 2000), "full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock()
			ctx := context.Background()
			st, _ := openStore(t, c)
			if _, err := st.CreateSeller(ctx, newSeller("before"), hash("b"), time.Hour,
				"seller"); err != nil {
				t.Fatal(err)
			}
			if err := st.ExecForTest(ctx, tt.setup); err != nil {
				t.Fatal(err)
			}

			_, err := st.CreateSeller(ctx, store.NewSeller{StoreName: tt.storeName,
				ContactName: "x", LoginEmail: "x@example.com"}, hash("x"), time.Hour, "seller")
			if err == nil {
				t.Fatal("the write succeeded")
			}
			if !store.IsUnavailable(err) || !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("IsUnavailable(%v) = %v, want true for a %q error", err,
					store.IsUnavailable(err), tt.wantText)
			}

			rows, err := st.Queue(ctx, store.QueueFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1 || rows[0].StoreName != "before" {
				t.Fatalf("sellers %+v, want only the one from before", rows)
			}
			if _, err := st.SellerByResumeToken(ctx, hash("x")); !errors.Is(err,
				store.ErrNotFound) {
				t.Fatalf("half a seller was written: its resume token exists (%v)", err)
			}
		})
	}
}

func TestIsUnavailableIgnoresOtherErrors(t *testing.T) {
	ctx := context.Background()
	st, _ := openStore(t, newClock())
	syntax := st.ExecForTest(ctx, "SELEKT 1")
	for _, err := range []error{nil, errors.New("plain"), store.ErrNotFound, syntax,
		fmt.Errorf("wrapped: %w", store.ErrNoSecret)} {
		if store.IsUnavailable(err) {
			t.Errorf("IsUnavailable(%v) = true", err)
		}
	}
}
