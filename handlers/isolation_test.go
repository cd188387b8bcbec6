package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aicofounder/shiprocket-portal/handlers"
	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
	"github.com/aicofounder/shiprocket-portal/store"
)

// TestSellerSeesOnlyOwnRecord signs two sellers in and checks that every seller page shows only
// the signed-in seller's data, whatever ids or fields are added to the request.
func TestSellerSeesOnlyOwnRecord(t *testing.T) {
	app := newApp(t)
	app.Fake.AddAccount(shiprockettest.Account{Email: "bela+api@example.com", Password: goodPassword})

	asha := app.browser(t)
	asha.startSeller("Asha Sarees", "Asha", "asha@example.com")
	bela := app.browser(t)
	belaLink := bela.startSeller("Bela Bangles", "Bela", "bela@example.com")
	bela.post("/credentials", "/credentials", url.Values{
		"api_email": {"bela+api@example.com"}, "password": {goodPassword},
	})

	paths := []string{"/welcome", "/steps/1", "/steps/4", "/steps/8", "/credentials", "/status",
		"/done", "/password", "/welcome?seller_id=2", "/credentials?seller=2", "/steps/4?id=2"}
	for _, p := range paths {
		res := asha.get(p)
		if strings.Contains(res.Body, "Bela") || strings.Contains(res.Body, "bela") {
			t.Errorf("Asha's GET %s shows Bela's data", p)
		}
	}

	// A posted seller id, status or step is ignored: only the form's own fields are read.
	res := asha.post("/credentials", "/credentials?status=verified&seller_id=2", url.Values{
		"api_email": {"bela+api@example.com"}, "password": {goodPassword},
		"seller_id": {"2"}, "status": {"verified"},
	})
	if res.Location == "" {
		t.Fatalf("submit: %d", res.Status)
	}
	sellers, _ := app.Store.Queue(t.Context(), store.QueueFilter{})
	for _, s := range sellers {
		checks, _ := app.Store.Checks(t.Context(), s.ID)
		switch s.StoreName {
		case "Bela Bangles":
			if len(checks) != 1 || s.Status != store.StatusVerified {
				t.Errorf("Asha's post touched Bela's record: %+v, %d checks", s, len(checks))
			}
		case "Asha Sarees":
			// Asha's own status comes from her own check, never from a posted field.
			if len(checks) != 1 || checks[0].APIEmail != "bela+api@example.com" {
				t.Errorf("Asha's record: %+v, checks %+v", s, checks)
			}
		}
	}

	// Guessing a resume link by seller id or a short token gets nowhere.
	for _, guess := range []string{"/r/2", "/r/1", "/r/" + strings.Repeat("A", 43)} {
		if got := app.browser(t).get(guess).Status; got != http.StatusNotFound {
			t.Errorf("guessed link %s: status %d, want 404", guess, got)
		}
	}
	if got := app.browser(t).get(strings.TrimPrefix(belaLink, app.URL)).Location; got != "/done" {
		t.Errorf("Bela's own link leads to %q", got)
	}
}

func TestBodyLimit(t *testing.T) {
	app := newApp(t)
	b := app.browser(t)
	token := b.get("/").Doc.Find(`input[name="_csrf"]`).AttrOr("value", "")
	res := b.postRaw("/start", url.Values{"_csrf": {token}, "store_name": {"S"},
		"contact_name": {strings.Repeat("x", 70*1024)}, "login_email": {"a@b.com"}}, nil)
	if res.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("70 KB form: status %d, want 413", res.Status)
	}
}

func TestCookiesOverHTTPS(t *testing.T) {
	app := newApp(t, func(c *handlers.Config) { c.BaseURL = mustURL("https://portal.example") })
	b := app.browser(t)

	first := b.get("/")
	if got := first.Header.Get("Strict-Transport-Security"); !strings.Contains(got, "max-age=31536000") {
		t.Errorf("HSTS = %q", got)
	}
	csrf := first.Header.Values("Set-Cookie")
	checkCookie(t, csrf, "__Host-portal_csrf=", "Secure", "HttpOnly", "SameSite=Strict", "Path=/")

	token := first.Doc.Find(`input[name="_csrf"]`).AttrOr("value", "")
	res := b.postRaw("/start", url.Values{"_csrf": {token}, "store_name": {"S"},
		"contact_name": {"C"}, "login_email": {"c@example.com"}}, nil)
	checkCookie(t, res.Header.Values("Set-Cookie"), "__Host-portal_seller=", "Secure", "HttpOnly",
		"SameSite=Lax", "Path=/", "Max-Age=604800")

	plain := newApp(t)
	pres := plain.browser(t).get("/")
	if got := pres.Header.Get("Strict-Transport-Security"); got != "" {
		t.Errorf("HSTS over plain http: %q", got)
	}
	checkCookie(t, pres.Header.Values("Set-Cookie"), "portal_csrf=", "HttpOnly")
}

// checkCookie asserts that one Set-Cookie header starts with prefix and has every attribute.
func checkCookie(t *testing.T, headers []string, prefix string, attrs ...string) {
	t.Helper()
	for _, h := range headers {
		if !strings.HasPrefix(h, prefix) {
			continue
		}
		for _, a := range attrs {
			if !strings.Contains(h, a) {
				t.Errorf("cookie %s lacks %s: %s", prefix, a, h)
			}
		}
		return
	}
	t.Errorf("no cookie %s in %v", prefix, headers)
}
