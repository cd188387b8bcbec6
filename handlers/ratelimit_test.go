package handlers_test

import (
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/handlers"
	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
)

func TestChecksPerSellerAreLimited(t *testing.T) {
	app := newApp(t)
	app.Fake.AddAccount(shiprockettest.Account{Email: "asha+api@gmail.com", Password: goodPassword})
	b := app.browser(t)
	b.startSeller("Asha Sarees", "Asha", "asha@gmail.com")
	submit := func(pw string) page {
		return b.post("/credentials", "/credentials", url.Values{
			"api_email": {"asha+api@gmail.com"}, "password": {pw},
		})
	}

	for i := 1; i <= 5; i++ {
		if res := submit("wrong-" + strconv.Itoa(i)); res.Status != http.StatusSeeOther {
			t.Fatalf("check %d: status %d, want 303", i, res.Status)
		}
		app.Clock.Advance(time.Minute)
	}

	res := submit(goodPassword)
	if res.Status != http.StatusTooManyRequests {
		t.Fatalf("sixth check: status %d, want 429", res.Status)
	}
	if !strings.Contains(res.text(`[data-testid="notice"]`), "wait until") {
		t.Errorf("no explanation of when to retry: %q", res.text(`[data-testid="notice"]`))
	}
	if got := res.Doc.Find(`input[name="api_email"]`).AttrOr("value", ""); got != "asha+api@gmail.com" {
		t.Errorf("API email lost: %q", got)
	}
	if n := app.Fake.LoginCalls("asha+api@gmail.com"); n != 5 {
		t.Errorf("Shiprocket saw %d logins, want 5", n)
	}

	// "Check again" counts too.
	if res := b.post("/credentials", "/check", url.Values{}); res.Status != http.StatusTooManyRequests {
		t.Errorf("check again within the limit: status %d, want 429", res.Status)
	}

	// Ten minutes later the first check has left the 15-minute window.
	app.Clock.Advance(11 * time.Minute)
	if res := submit(goodPassword); res.Location != "/done" {
		t.Errorf("after the window: %d %q, want 303 /done", res.Status, res.Location)
	}
}

func TestStartPageLimitedPerAddress(t *testing.T) {
	tests := []struct {
		name          string
		trusted       string
		wantForgedXFF bool
	}{
		// Without trusted proxies a forged X-Forwarded-For buys no fresh budget.
		{"no trusted proxies", "", false},
		// Behind a trusted proxy (loopback here) each forwarded client has its own budget.
		{"loopback trusted", "127.0.0.0/8", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []appOption
			if tt.trusted != "" {
				_, n, _ := net.ParseCIDR(tt.trusted)
				opts = append(opts, func(c *handlers.Config) { c.TrustedProxies = []*net.IPNet{n} })
			}
			app := newApp(t, opts...)
			b := app.browser(t)
			token := b.get("/").Doc.Find(`input[name="_csrf"]`).AttrOr("value", "")
			start := func(xff string) int {
				h := http.Header{}
				if xff != "" {
					h.Set("X-Forwarded-For", xff)
				}
				return b.postRaw("/start", url.Values{"_csrf": {token}, "store_name": {"S"},
					"contact_name": {"C"}, "login_email": {"c@example.com"}}, h).Status
			}

			// 120 an hour: sellers behind one carrier's NAT share an address.
			for i := 0; i < 120; i++ {
				if got := start("198.51.100.7"); got != http.StatusSeeOther {
					t.Fatalf("start %d: status %d", i+1, got)
				}
			}
			if got := start("198.51.100.7"); got != http.StatusTooManyRequests {
				t.Errorf("121st start from one address: %d, want 429", got)
			}
			if got := start("198.51.100.99") == http.StatusSeeOther; got != tt.wantForgedXFF {
				t.Errorf("another X-Forwarded-For got a fresh budget = %v, want %v", got,
					tt.wantForgedXFF)
			}
		})
	}
}
