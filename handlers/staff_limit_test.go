package handlers_test

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/handlers"
	"github.com/aicofounder/shiprocket-portal/store"
)

// tryLogin posts the sign-in form with extra headers and returns the answer.
func (b *browser) tryLogin(email, pw string, header http.Header) page {
	b.t.Helper()
	token := b.get("/admin/login").Doc.Find(`input[name="_csrf"]`).AttrOr("value", "")
	return b.postRaw("/admin/login", url.Values{"_csrf": {token}, "email": {email},
		"password": {pw}}, header)
}

// wantLimited fails unless p refuses a sign-in for scope ("account" or "address") with 429 and
// a Retry-After of wait.
func wantLimited(t *testing.T, what string, p page, scope string, wait time.Duration) {
	t.Helper()
	words := map[string]string{"account": "for this account", "address": "from your network"}
	if p.Status != http.StatusTooManyRequests ||
		p.Header.Get("Retry-After") != fmt.Sprint(int(wait.Seconds())) ||
		!strings.Contains(p.text(`[data-testid="login-limited"]`), words[scope]) {
		t.Fatalf("%s: status %d, Retry-After %q, message %q; want 429, %v, %q", what, p.Status,
			p.Header.Get("Retry-After"), p.text(`[data-testid="login-limited"]`), wait,
			words[scope])
	}
}

func TestStaffLoginLimitPerAccount(t *testing.T) {
	app := newApp(t)
	addMember(t, app, "asha@example.com", "Asha", store.RoleAdmin)
	addMember(t, app, "ravi@example.com", "Ravi", store.RoleSupport)
	b := app.browser(t)

	for i := 1; i <= 10; i++ {
		app.Clock.Advance(10 * time.Second)
		if got := b.tryLogin("asha@example.com", "wrong", nil); got.Status != 401 {
			t.Fatalf("failure %d: status %d, want 401", i, got.Status)
		}
	}
	// The eleventh try is refused before the password is looked at, right or wrong, in any
	// spelling of the email.
	wantLimited(t, "right password", b.tryLogin("asha@example.com", memberPassword, nil),
		"account", 15*time.Minute)
	wantLimited(t, "other spelling", b.tryLogin(" ASHA@example.com", memberPassword, nil),
		"account", 15*time.Minute)
	recs := logRecords(t, app.Logs.String(), "staff login rate limited")
	if len(recs) != 2 || recs[0]["level"] != "WARN" || recs[0]["scope"] != "account" ||
		recs[0]["retry_after_s"] != float64(900) {
		t.Errorf("refusal log lines %v, want two at WARN for the account", recs)
	}

	// Another account, from the same address, is not affected, and its success does not give
	// Asha's account new guesses.
	wantRedirect(t, "ravi", app.browser(t).signIn("/admin/login", "ravi@example.com",
		memberPassword), "/admin")
	wantLimited(t, "after ravi's success", b.tryLogin("asha@example.com", memberPassword, nil),
		"account", 15*time.Minute)

	// When the lockout ends, the right password works and clears the count.
	app.Clock.Advance(15 * time.Minute)
	wantRedirect(t, "after the lockout", b.signIn("/admin/login", "asha@example.com",
		memberPassword), "/admin")
	for i := 1; i <= 9; i++ {
		if got := app.browser(t).tryLogin("asha@example.com", "wrong", nil); got.Status != 401 {
			t.Fatalf("failure %d after success: status %d", i, got.Status)
		}
	}
}

func TestStaffLoginLockoutGrows(t *testing.T) {
	app := newApp(t)
	addMember(t, app, "asha@example.com", "Asha", store.RoleAdmin)
	b := app.browser(t)
	failTen := func() {
		t.Helper()
		for range 10 {
			if got := b.tryLogin("asha@example.com", "wrong", nil); got.Status != 401 {
				t.Fatalf("failure: status %d, want 401", got.Status)
			}
		}
	}

	failTen()
	wantLimited(t, "first lockout", b.tryLogin("asha@example.com", "wrong", nil), "account",
		15*time.Minute)
	app.Clock.Advance(15 * time.Minute)
	failTen()
	wantLimited(t, "second lockout", b.tryLogin("asha@example.com", "wrong", nil), "account",
		30*time.Minute)
	app.Clock.Advance(20 * time.Minute)
	wantLimited(t, "second lockout, later", b.tryLogin("asha@example.com", memberPassword, nil),
		"account", 10*time.Minute)
	app.Clock.Advance(10 * time.Minute)
	failTen()
	wantLimited(t, "third lockout", b.tryLogin("asha@example.com", "wrong", nil), "account",
		time.Hour)

	// An unknown email is limited the same way: the lockout says nothing about who exists.
	for range 10 {
		b.tryLogin("nobody@example.com", "wrong", nil)
	}
	wantLimited(t, "unknown email", b.tryLogin("nobody@example.com", "wrong", nil), "account",
		15*time.Minute)
}

func TestStaffLoginLimitPerAddress(t *testing.T) {
	app := newApp(t)
	addMember(t, app, "asha@example.com", "Asha", store.RoleAdmin)
	b := app.browser(t)

	// Three failures on each of ten accounts: none is locked, but the address is spent.
	for i := range 30 {
		if i > 0 {
			app.Clock.Advance(time.Second)
		}
		email := fmt.Sprintf("guess%d@example.com", i%10)
		if got := b.tryLogin(email, "wrong", nil); got.Status != 401 {
			t.Fatalf("failure %d: status %d, want 401", i+1, got.Status)
		}
	}
	wantLimited(t, "a fresh account", b.tryLogin("asha@example.com", memberPassword, nil),
		"address", 15*time.Minute-29*time.Second)

	// A forged X-Forwarded-For gains nothing: no proxy is trusted.
	forged := http.Header{"X-Forwarded-For": {"203.0.113.9"}, "X-Real-Ip": {"203.0.113.9"}}
	wantLimited(t, "forged header", app.browser(t).tryLogin("asha@example.com", memberPassword,
		forged), "address", 15*time.Minute-29*time.Second)

	app.Clock.Advance(15 * time.Minute)
	wantRedirect(t, "after the window", b.signIn("/admin/login", "asha@example.com",
		memberPassword), "/admin")
}

func TestStaffLoginLimitBehindTrustedProxy(t *testing.T) {
	_, loopback, _ := net.ParseCIDR("127.0.0.1/32")
	app := newApp(t, func(c *handlers.Config) { c.TrustedProxies = []*net.IPNet{loopback} })
	addMember(t, app, "asha@example.com", "Asha", store.RoleAdmin)
	from := func(ip string) http.Header { return http.Header{"X-Forwarded-For": {ip}} }

	for i := range 30 {
		email := fmt.Sprintf("guess%d@example.com", i%10)
		app.browser(t).tryLogin(email, "wrong", from("198.51.100.7"))
	}
	wantLimited(t, "the guessing client", app.browser(t).tryLogin("asha@example.com",
		memberPassword, from("198.51.100.7")), "address", 15*time.Minute)
	// The client cannot escape by adding its own entry: the proxy appends the real address.
	wantLimited(t, "the guessing client, forging", app.browser(t).tryLogin("asha@example.com",
		memberPassword, from("192.0.2.1, 198.51.100.7")), "address", 15*time.Minute)
	// Another client behind the same proxy has its own budget.
	wantRedirect(t, "another client", app.browser(t).signIn("/admin/login",
		"asha@example.com", memberPassword), "/admin")
	if got := app.browser(t).tryLogin("asha@example.com", memberPassword,
		from("198.51.100.8")); got.Status != http.StatusSeeOther {
		t.Errorf("a client of the same proxy: status %d, want 303", got.Status)
	}
}
