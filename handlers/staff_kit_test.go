package handlers_test

import (
	"context"
	"crypto/sha256"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/password"
	"github.com/aicofounder/shiprocket-portal/store"
)

// memberPassword is the password of the staff accounts the review tests make.
const memberPassword = "Member-Pass-2026 ok"

// addMember creates a staff account with the given role and memberPassword.
func addMember(t *testing.T, app *testApp, email, name, role string) store.Staff {
	t.Helper()
	hash, err := password.Hash(memberPassword)
	if err != nil {
		t.Fatal(err)
	}
	s, err := app.Store.CreateStaff(context.Background(), email, name, hash, role)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// signedIn returns a new browser signed in with email and memberPassword.
func signedIn(t *testing.T, app *testApp, email string) *browser {
	t.Helper()
	b := app.browser(t)
	wantRedirect(t, "sign-in as "+email, b.signIn("/admin/login", email, memberPassword),
		"/admin")
	return b
}

// act posts a staff form from the page at from, expects a redirect, follows it and returns the
// page it leads to.
func (b *browser) act(from, path string, form url.Values) page {
	b.t.Helper()
	res := b.post(from, path, form)
	if res.Status != http.StatusSeeOther {
		b.t.Fatalf("POST %s: status %d, want 303\n%s", path, res.Status, res.Body)
	}
	return b.get(res.Location)
}

// flashText is the message the last action left on the page.
func (p page) flashText() string {
	return p.text(`[data-testid="flash-text"]`)
}

// eventKinds returns the kinds of a seller's timeline events, newest first.
func eventKinds(t *testing.T, app *testApp, sellerID int64) []string {
	t.Helper()
	events, err := app.Store.Events(context.Background(), sellerID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, e.Kind)
	}
	return kinds
}

// auditLog returns the audit entries, newest first.
func auditLog(t *testing.T, app *testApp, q store.AuditQuery) []store.AuditEntry {
	t.Helper()
	q.Limit = 500
	entries, err := app.Store.ListAudit(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// auditActionsOf returns the actions of the audit entries about one seller, newest first.
func auditActionsOf(t *testing.T, app *testApp, sellerID int64) []string {
	t.Helper()
	var out []string
	for _, e := range auditLog(t, app, store.AuditQuery{SellerID: sellerID}) {
		out = append(out, e.Action)
	}
	return out
}

// wantAudit fails unless the newest audit entry matching q has the given fields: the actor, the
// action, the seller, the detail and the client address (loopback in tests), stamped now.
func wantAudit(t *testing.T, app *testApp, q store.AuditQuery, want store.AuditEntry) {
	t.Helper()
	entries := auditLog(t, app, q)
	if len(entries) == 0 {
		t.Fatalf("no audit entry for %+v", q)
	}
	got := entries[0]
	want.ID, want.At = got.ID, got.At
	if got != want || !got.At.Equal(app.Clock.Now().UTC().Truncate(time.Microsecond)) {
		t.Fatalf("audit entry %+v, want %+v at %v", got, want, app.Clock.Now())
	}
}

// waitForChecks waits until the seller has n finished checks, for checks run in the background.
func waitForChecks(t *testing.T, app *testApp, sellerID int64, n int) []store.Check {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		checks, err := app.Store.Checks(context.Background(), sellerID)
		if err != nil {
			t.Fatal(err)
		}
		finished := slices.DeleteFunc(slices.Clone(checks), func(c store.Check) bool {
			return c.FinishedAt.IsZero()
		})
		if len(finished) >= n {
			return checks
		}
		if time.Now().After(deadline) {
			t.Fatalf("seller %d: %d finished checks after 20 s, want %d", sellerID,
				len(finished), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// hashOf is the SHA-256 of a token, the form links are stored in.
func hashOf(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// hasAll reports whether text contains every part.
func hasAll(text string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(text, p) {
			return false
		}
	}
	return true
}
