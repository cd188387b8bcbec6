package handlers_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/verify"
)

// TestConcurrentSubmissionsStayWithinTheCheckLimit fires many submissions at once: the limit is
// counted and the check recorded in one transaction, so no burst gets past it.
func TestConcurrentSubmissionsStayWithinTheCheckLimit(t *testing.T) {
	app := newApp(t)
	app.Fake.AddAccount(shiprockettest.Account{Email: "asha+api@gmail.com", Password: goodPassword})
	b := app.browser(t)
	b.startSeller("Asha Sarees", "Asha", "asha@gmail.com")
	token := b.get("/credentials").Doc.Find(`input[name="_csrf"]`).AttrOr("value", "")

	var wg sync.WaitGroup
	statuses := make(chan int, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- b.postRaw("/credentials", url.Values{"_csrf": {token},
				"api_email": {"asha+api@gmail.com"}, "password": {"wrong-password"}}, nil).Status
		}()
	}
	wg.Wait()
	close(statuses)

	limited := 0
	for s := range statuses {
		if s == http.StatusTooManyRequests {
			limited++
		}
	}
	if n := app.Fake.LoginCalls("asha+api@gmail.com"); n > store.CheckLimit {
		t.Errorf("a burst of 20 submissions made %d Shiprocket logins, limit %d", n,
			store.CheckLimit)
	}
	if limited < 20-store.CheckLimit {
		t.Errorf("%d submissions were refused, want at least %d", limited, 20-store.CheckLimit)
	}
}

// TestRefusedPasswordIsNeverSentAgain: once Shiprocket refused the stored password, no one (the
// seller's Check again, staff, background work) logs in with it again.
func TestRefusedPasswordIsNeverSentAgain(t *testing.T) {
	app := newApp(t)
	app.Fake.AddAccount(shiprockettest.Account{Email: "asha+api@gmail.com", Password: goodPassword})
	b := app.browser(t)
	b.startSeller("Asha Sarees", "Asha", "asha@gmail.com")
	b.post("/credentials", "/credentials", url.Values{
		"api_email": {"asha+api@gmail.com"}, "password": {"typo"},
	})
	seller := onlySeller(t, app)

	if res := b.post("/credentials", "/check", url.Values{}); res.Location != "/credentials" {
		t.Errorf("Check again on a refused password: %d %q, want 303 /credentials", res.Status,
			res.Location)
	}
	k := newSellerKit(t, app)
	if _, err := k.checks.Recheck(context.Background(), seller.ID, verify.TriggerStaff); !errors.Is(
		err, verify.ErrPasswordRefused) {
		t.Errorf("staff recheck: %v, want ErrPasswordRefused", err)
	}
	if n := app.Fake.LoginCalls("asha+api@gmail.com"); n != 1 {
		t.Errorf("the refused password was sent %d times, want once", n)
	}

	// A new password from the seller is checked as usual.
	res := b.post("/credentials", "/credentials", url.Values{
		"api_email": {"asha+api@gmail.com"}, "password": {goodPassword},
	})
	if res.Location != "/done" {
		t.Errorf("new password: %q, want /done", res.Location)
	}
}

// TestNewResumeLinkEndsOtherSessions: whoever signed in with the old link is signed out.
func TestNewResumeLinkEndsOtherSessions(t *testing.T) {
	app := newApp(t)
	owner := app.browser(t)
	link := owner.startSeller("Asha Sarees", "Asha", "asha@gmail.com")

	other := app.browser(t)
	other.get(strings.TrimPrefix(link, app.URL))
	if got := other.get("/steps/1").Status; got != http.StatusOK {
		t.Fatalf("session from the link: status %d", got)
	}

	owner.post("/welcome", "/link", url.Values{})
	if res := other.get("/steps/1"); res.Status != http.StatusSeeOther || res.Location != "/" {
		t.Errorf("old link's session after a new link: %d %q, want 303 /", res.Status,
			res.Location)
	}
	if got := owner.get("/steps/1").Status; got != http.StatusOK {
		t.Errorf("the session that made the new link was signed out: %d", got)
	}

	// A link made by staff ends the seller's own session too.
	seller := onlySeller(t, app)
	if err := app.Store.ReplaceResumeToken(context.Background(), seller.ID, []byte("staff-made"),
		0, "staff:1"); err != nil {
		t.Fatal(err)
	}
	if res := owner.get("/steps/1"); res.Location != "/" {
		t.Errorf("seller session after staff made a new link: %d %q", res.Status, res.Location)
	}
}

// TestTypoKeepsAWorkingConnection: a verified seller's working password is only replaced by one
// Shiprocket accepts.
func TestTypoKeepsAWorkingConnection(t *testing.T) {
	app := newApp(t)
	app.Fake.AddAccount(shiprockettest.Account{Email: "asha+api@gmail.com", Password: goodPassword})
	b := app.browser(t)
	b.startSeller("Asha Sarees", "Asha", "asha@gmail.com")
	b.post("/credentials", "/credentials", url.Values{
		"api_email": {"asha+api@gmail.com"}, "password": {goodPassword},
	})
	seller := onlySeller(t, app)
	before, _ := app.Store.Secret(context.Background(), seller.ID, store.PurposePassword)

	if res := b.get("/credentials"); res.Location != "/password" {
		t.Errorf("a verified seller opening /credentials: %d %q, want 303 /password", res.Status,
			res.Location)
	}

	res := b.post("/password", "/password", url.Values{
		"api_email": {"asha+api@gmail.com"}, "password": {"typo-" + goodPassword},
	})
	if res.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.text(`[data-testid="notice"]`), "kept the one that works") {
		t.Errorf("typo: %d, notice %q", res.Status, res.text(`[data-testid="notice"]`))
	}
	after, _ := app.Store.Secret(context.Background(), seller.ID, store.PurposePassword)
	if string(after.Sealed) != string(before.Sealed) {
		t.Error("the working password was replaced by a typo")
	}
	if s := onlySeller(t, app); s.Status != store.StatusVerified {
		t.Errorf("status after a typo = %s, want verified", s.Status)
	}

	// Background work still uses the working password, and it still works.
	k := newSellerKit(t, app)
	if res, err := k.checks.Recheck(context.Background(), seller.ID, verify.TriggerAuto); err != nil ||
		res.Status != store.StatusVerified {
		t.Errorf("recheck after the typo: %+v, %v", res.Status, err)
	}

	// The real new password replaces it.
	app.Fake.SetPassword("asha+api@gmail.com", "Brand-New-Pw-1")
	res = b.post("/password", "/password", url.Values{
		"api_email": {"asha+api@gmail.com"}, "password": {"Brand-New-Pw-1"},
	})
	if res.Location != "/done" {
		t.Errorf("new password: %d %q, want 303 /done", res.Status, res.Location)
	}
	after, _ = app.Store.Secret(context.Background(), seller.ID, store.PurposePassword)
	if string(after.Sealed) == string(before.Sealed) {
		t.Error("the accepted new password was not stored")
	}
}
