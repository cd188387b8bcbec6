package main

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
	"github.com/aicofounder/shiprocket-portal/store"
)

// TestLockedDatabaseGivesAClearPageAndSavesNothing holds the database's write lock from another
// connection (as a stuck maintenance script or a sqlite3 shell in a transaction would) while a
// seller starts. After the busy timeout the seller gets a 503 page saying nothing was saved, the
// log says why, and no part of the seller was written. Read-only and full databases are covered
// by the store's tests, which can simulate them on the store's own connection.
func TestLockedDatabaseGivesAClearPageAndSavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for SQLite's five-second busy timeout")
	}
	fake := shiprockettest.NewServer()
	t.Cleanup(fake.Close)
	env := testEnv(t.TempDir(), fake.URL())
	p := startPortal(t, env)
	ctx := context.Background()

	c := newFormClient(t, p.URL)
	form := url.Values{"_csrf": {c.csrf("/")}, "store_name": {"Locked Out"},
		"contact_name": {"Asha"}, "login_email": {"locked@example.com"}}

	db, err := sql.Open("sqlite", "file:"+env["PORTAL_DB"]+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}

	status, _, body, err := c.post("/start", form)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}

	if status != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503\n%s", status, body)
	}
	for _, want := range []string{"database is unavailable", "Nothing was half-saved"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page does not say %q", want)
		}
	}
	if strings.Contains(body, "locked (5)") || strings.Contains(body, "SQLITE") {
		t.Error("the page shows the internal error")
	}
	logs := p.Logs.String()
	if !strings.Contains(logs, `"msg":"database unavailable: request not saved"`) ||
		!strings.Contains(logs, "database is locked") {
		t.Errorf("no clear log line about the locked database:\n%s", logs)
	}

	st, err := store.Open(ctx, env["PORTAL_DB"])
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.Queue(ctx, store.QueueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 0 {
		t.Fatalf("%d sellers written while the database was locked, want none", len(rows))
	}

	// With the lock gone the same form works.
	form.Set("_csrf", c.csrf("/"))
	if status, loc, _, err := c.post("/start", form); err != nil ||
		status != http.StatusSeeOther || loc != "/welcome" {
		t.Errorf("after the lock: %d %q %v", status, loc, err)
	}
}
