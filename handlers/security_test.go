package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
)

func TestCSRF(t *testing.T) {
	app := newApp(t)
	b := app.browser(t)
	b.get("/") // receives the CSRF cookie
	form := url.Values{"store_name": {"A"}, "contact_name": {"B"}, "login_email": {"a@b.com"}}

	tests := []struct {
		name   string
		token  bool
		header http.Header
		want   int
	}{
		{"no token", false, nil, http.StatusForbidden},
		{"no token, claims same-origin", false, http.Header{"Sec-Fetch-Site": {"same-origin"}},
			http.StatusForbidden},
		{"token, cross-site", true, http.Header{"Sec-Fetch-Site": {"cross-site"}},
			http.StatusForbidden},
		{"token, same-site", true, http.Header{"Sec-Fetch-Site": {"same-site"}},
			http.StatusForbidden},
		{"token, same-origin", true, http.Header{"Sec-Fetch-Site": {"same-origin"}},
			http.StatusSeeOther},
		{"token, no fetch metadata", true, nil, http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			if tt.token {
				f.Set("_csrf", b.get("/").Doc.Find(`input[name="_csrf"]`).AttrOr("value", ""))
			}
			res := b.postRaw("/start", f, tt.header)
			if res.Status != tt.want {
				t.Errorf("status = %d, want %d", res.Status, tt.want)
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	app := newApp(t)
	b := app.browser(t)
	b.startSeller("Asha Sarees", "Asha", "asha@gmail.com")

	for _, path := range []string{"/", "/welcome", "/steps/1", "/credentials", "/no-such-page"} {
		res := b.get(path)
		h := res.Header
		want := map[string]string{
			"Content-Security-Policy": "default-src 'self'; object-src 'none'; base-uri 'none'; " +
				"frame-ancestors 'none'; form-action 'self'",
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "no-referrer",
			"Cache-Control":          "no-store",
		}
		for k, v := range want {
			if got := h.Get(k); got != v {
				t.Errorf("%s %s = %q, want %q", path, k, got, v)
			}
		}
		if strings.Contains(res.Body, "<script>") {
			t.Errorf("%s has an inline script", path)
		}
	}

	for _, c := range b.http.Jar.Cookies(mustURL(app.URL)) {
		if c.Value == "" {
			t.Errorf("cookie %s is empty", c.Name)
		}
	}
}

func TestStaticAssetsAreCachedForever(t *testing.T) {
	app := newApp(t)
	b := app.browser(t)
	css := b.get("/").Doc.Find(`link[rel="stylesheet"]`).AttrOr("href", "")
	if !strings.HasPrefix(css, "/static/app.") || css == "/static/app.css" {
		t.Fatalf("stylesheet path %q is not content-hashed", css)
	}
	res := b.get(css)
	if res.Status != http.StatusOK || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet: %d %q %q", res.Status, res.Header.Get("Cache-Control"),
			res.Header.Get("Content-Type"))
	}
	if got := b.get("/static/app.css").Status; got != http.StatusNotFound {
		t.Errorf("unhashed name served with status %d, want 404", got)
	}
}

// TestNoSecretsInLogs runs every seller path with logging captured at debug level and checks that
// no password, Shiprocket token, resume token or cookie value was ever written.
func TestNoSecretsInLogs(t *testing.T) {
	app := newApp(t)
	const password = "Leak-Canary-Pw-81f3!"
	app.Fake.AddAccount(shiprockettest.Account{Email: "asha+api@gmail.com", Password: password})
	b := app.browser(t)

	link := b.startSeller("Asha Sarees", "Asha", "asha@gmail.com")
	token := link[strings.LastIndex(link, "/")+1:]
	for n := 1; n <= 8; n++ {
		b.get("/steps/" + string(rune('0'+n)))
	}
	b.post("/credentials", "/credentials", url.Values{
		"api_email": {"asha+api@gmail.com"}, "password": {"wrong-" + password},
	})
	b.post("/credentials", "/credentials", url.Values{
		"api_email": {"asha@gmail.com"}, "password": {"form-error-" + password},
	})
	app.Fake.SetFault(shiprockettest.Fault{Kind: shiprockettest.FaultStatus, Status: 500})
	b.post("/credentials", "/credentials", url.Values{
		"api_email": {"asha+api@gmail.com"}, "password": {password},
	})
	app.Fake.ClearFaults()
	b.post("/status", "/check", url.Values{})
	b.post("/password", "/password", url.Values{
		"api_email": {"asha+api@gmail.com"}, "password": {password},
	})
	app.browser(t).get("/r/" + token)
	app.browser(t).get("/r/" + token + "x")

	logs := app.Logs.String()
	if !strings.Contains(logs, `"outcome":"verified"`) {
		t.Fatalf("the flow did not reach verified; logs:\n%s", logs)
	}
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, `"msg":"credentials checked"`) &&
			!strings.Contains(line, `"request_id":"`) {
			t.Errorf("a check's log line has no request id: %s", line)
		}
	}

	secrets := map[string]string{"password": password, "resume token": token,
		"JWT (Shiprocket token)": "eyJ"}
	for _, c := range b.http.Jar.Cookies(mustURL(app.URL)) {
		secrets["cookie "+c.Name] = c.Value
	}
	for what, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("the %s appears in the logs", what)
		}
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
