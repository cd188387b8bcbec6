package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
	"github.com/aicofounder/shiprocket-portal/store"
)

// TestBackupCommandWhileServingAndWriting runs "backup FILE" while the portal serves and sellers
// are being written, then restores by starting a portal on the copy.
func TestBackupCommandWhileServingAndWriting(t *testing.T) {
	fake := shiprockettest.NewServer()
	t.Cleanup(fake.Close)
	dir := t.TempDir()
	env := testEnv(dir, fake.URL())
	startPortal(t, env)

	// A second connection writes sellers the whole time, as the portal's own requests would.
	ctx := context.Background()
	writer, err := store.Open(ctx, env["PORTAL_DB"])
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	var mu sync.Mutex
	var committed []int64
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			s, err := writer.CreateSeller(ctx, store.NewSeller{StoreName: fmt.Sprint("Store ", i),
				ContactName: "Asha", LoginEmail: fmt.Sprintf("s%d@example.com", i)},
				[]byte(fmt.Sprint("hash", i)), time.Hour, store.ActorSeller)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			committed = append(committed, s.ID)
			mu.Unlock()
		}
	}()
	waitFor(t, 10*time.Second, "some sellers to be written", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(committed) >= 30
	})

	mu.Lock()
	before := append([]int64(nil), committed...)
	mu.Unlock()
	dest := filepath.Join(t.TempDir(), "portal-backup.db")
	var out bytes.Buffer
	err = run(ctx, []string{"backup", dest}, getenvFrom(env), strings.NewReader(""), &out,
		io.Discard)
	close(stop)
	<-stopped
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	if !strings.HasPrefix(out.String(), "Backed up "+env["PORTAL_DB"]+" to "+dest) ||
		!strings.Contains(out.String(), "secret key") {
		t.Errorf("backup said %q", out.String())
	}

	copied, err := store.Open(ctx, dest)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range before {
		if _, err := copied.Seller(ctx, id); err != nil {
			t.Fatalf("seller %d, committed before the backup, is not in it: %v", id, err)
		}
	}
	copied.Close()

	// Restoring is pointing the portal at the copy (see README).
	restored := testEnv(t.TempDir(), fake.URL())
	restored["PORTAL_DB"] = dest
	restored["PORTAL_SECRET_KEY_FILE"] = env["PORTAL_SECRET_KEY_FILE"]
	p := startPortal(t, restored)
	resp, err := http.Get(p.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("restored portal: healthz %d", resp.StatusCode)
	}
}

func TestBackupCommandRefusesBadUse(t *testing.T) {
	dir := t.TempDir()
	env := testEnv(dir, "http://127.0.0.1:9")
	existing := filepath.Join(dir, "exists.db")
	if err := run(context.Background(), []string{"backup", existing}, getenvFrom(env),
		strings.NewReader(""), io.Discard, io.Discard); err == nil {
		t.Fatal("backup of a database that does not exist succeeded")
	}

	st, err := store.Open(context.Background(), env["PORTAL_DB"])
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no file", []string{"backup"}, "name one file"},
		{"two files", []string{"backup", "a", "b"}, "name one file"},
		{"onto the database itself", []string{"backup", env["PORTAL_DB"]}, "already exists"},
	}
	for _, tt := range tests {
		err := run(context.Background(), tt.args, getenvFrom(env), strings.NewReader(""),
			io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an error saying %q", tt.name, err, tt.want)
		}
	}

	var help bytes.Buffer
	if err := run(context.Background(), []string{"backup", "-h"}, getenvFrom(env),
		strings.NewReader(""), &help, io.Discard); err != nil ||
		!strings.Contains(help.String(), "usage: backup FILE") {
		t.Errorf("help: %v %q", err, help.String())
	}
}
