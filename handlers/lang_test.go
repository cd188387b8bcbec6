package handlers_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
	"github.com/aicofounder/shiprocket-portal/views"
)

// headerTransport adds fixed headers to every request of a test browser.
type headerTransport struct {
	header http.Header
}

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, v := range h.header {
		r.Header[k] = v
	}
	return http.DefaultTransport.RoundTrip(r)
}

// speaking makes every request of b send the given Accept-Language.
func (b *browser) speaking(acceptLanguage string) *browser {
	b.http.Transport = headerTransport{http.Header{"Accept-Language": {acceptLanguage}}}
	return b
}

// raw sends a GET with extra headers and returns the response as it came, body not decoded.
func (b *browser) raw(path string, header http.Header) (*http.Response, []byte) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.app.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := b.http.Do(req)
	if err != nil {
		b.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp, body
}

func TestLanguageFromAcceptLanguage(t *testing.T) {
	app := newApp(t)
	tests := []struct {
		header string
		want   views.Lang
	}{
		{"", views.English},
		{"en-IN,en;q=0.9", views.English},
		{"hi-IN,hi;q=0.9,en;q=0.8", views.Hindi},
		{"en-US,en;q=0.9,hi;q=0.8", views.English},
		{"ta-IN,ta;q=0.9,hi;q=0.7", views.Hindi},
		{"fr-FR", views.English},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			res := app.browser(t).speaking(tt.header).get("/")
			tx := views.TextsFor(tt.want)
			other := views.Hindi
			if tt.want == views.Hindi {
				other = views.English
			}
			checks := map[string][2]string{
				"<html lang>":      {res.Doc.Find("html").AttrOr("lang", ""), string(tt.want)},
				"Content-Language": {res.Header.Get("Content-Language"), string(tt.want)},
				"heading":          {res.text("h1"), tx.Start.Heading("AI Cofounder")},
				"submit button":    {res.text(`[data-testid="start"]`), tx.Start.Submit},
				"switcher link": {res.Doc.Find(`[data-testid="lang-`+string(other)+`"]`).
					AttrOr("href", ""), "/?lang=" + string(other)},
				"current language": {res.text(`.lang-switch [aria-current="true"]`),
					tt.want.Name()},
			}
			for what, c := range checks {
				if c[0] != c[1] {
					t.Errorf("%s = %q, want %q", what, c[0], c[1])
				}
			}
			if vary := strings.Join(res.Header.Values("Vary"), ", "); !strings.Contains(vary,
				"Accept-Language") {
				t.Errorf("Vary = %q, want it to name Accept-Language", vary)
			}
		})
	}
}

func TestLanguageSwitchIsRemembered(t *testing.T) {
	app := newApp(t)
	b := app.browser(t).speaking("en-IN,en;q=0.9")
	b.startSeller("Asha Sarees", "Asha", "asha@gmail.com")

	tests := []struct {
		name         string
		path         string
		wantLocation string
		// wantLang is the language of the page the redirect leads to, for this same browser.
		wantLang views.Lang
	}{
		{"to Hindi", "/steps/2?lang=hi", "/steps/2", views.Hindi},
		{"Hindi stays on another page", "", "", views.Hindi},
		{"an unknown language changes nothing", "/steps/3?lang=de", "/steps/3", views.Hindi},
		{"other parameters are kept", "/?x=1&lang=hi", "/?x=1", views.Hindi},
		{"back to English", "/steps/3?lang=en", "/steps/3", views.English},
		{"a path for another host stays here", "//evil.example/?lang=hi", "/", views.Hindi},
		{"a backslash path stays here", "/\\evil.example/?lang=en", "/%5Cevil.example/",
			views.English},
	}
	for _, tt := range tests {
		if tt.path != "" {
			res := b.get(tt.path)
			if res.Status != http.StatusSeeOther || res.Location != tt.wantLocation {
				t.Errorf("%s: GET %s = %d to %q, want 303 to %q", tt.name, tt.path, res.Status,
					res.Location, tt.wantLocation)
			}
		}
		page := b.get("/steps/4")
		if got := page.Doc.Find("html").AttrOr("lang", ""); got != string(tt.wantLang) {
			t.Errorf("%s: then /steps/4 is in %q, want %q", tt.name, got, tt.wantLang)
		}
		if got, want := page.text("h1"), views.TextsFor(tt.wantLang).Steps[3].Title; got != want {
			t.Errorf("%s: then /steps/4's heading is %q, want %q", tt.name, got, want)
		}
	}

	var cookie *http.Cookie
	for _, c := range b.http.Jar.Cookies(mustURL(app.URL)) {
		if c.Name == "portal_lang" {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != "en" {
		t.Fatalf("the language cookie is %+v, want portal_lang=en", cookie)
	}

	// The cookie's attributes, as the server sets them.
	resp, _ := b.raw("/?lang=hi", nil)
	set := resp.Header.Get("Set-Cookie")
	for _, want := range []string{"portal_lang=hi", "Path=/", "Max-Age=31536000", "HttpOnly",
		"SameSite=Lax"} {
		if !strings.Contains(set, want) {
			t.Errorf("Set-Cookie %q lacks %s", set, want)
		}
	}
}

func TestStaffPagesStayEnglish(t *testing.T) {
	app := newApp(t)
	b := app.browser(t).speaking("hi-IN,hi;q=0.9")
	if got := b.get("/").Doc.Find("html").AttrOr("lang", ""); got != "hi" {
		t.Fatalf("the start page is in %q for a Hindi browser, want hi", got)
	}
	b.get("/?lang=hi")

	for _, path := range []string{"/admin/login", "/admin/login?lang=hi", "/admin/no-such-page"} {
		res := b.get(path)
		if res.Status == http.StatusSeeOther {
			t.Errorf("%s redirects to %q: staff pages take no language choice", path,
				res.Location)
			continue
		}
		if got := res.Doc.Find("html").AttrOr("lang", ""); got != "en" {
			t.Errorf("%s is in %q, want en", path, got)
		}
		if n := res.Doc.Find(`[data-testid="lang-switch"]`).Length(); n != 0 {
			t.Errorf("%s shows a language switcher", path)
		}
		if strings.ContainsFunc(res.Body, isDevanagari) {
			t.Errorf("%s has Hindi text", path)
		}
	}
}

func isDevanagari(r rune) bool { return r >= 0x0900 && r <= 0x097F }

func TestHindiForms(t *testing.T) {
	app := newApp(t)
	hi := views.TextsFor(views.Hindi)
	b := app.browser(t).speaking("hi")

	res := b.post("/", "/start", url.Values{"store_name": {""}, "contact_name": {""},
		"login_email": {"not an email"}})
	want := map[string]string{
		"store_name":   hi.Start.StoreNameMissing,
		"contact_name": hi.Start.ContactNameMissing,
		"login_email":  hi.Start.LoginEmailInvalid,
	}
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("an empty start form: status %d, want 422", res.Status)
	}
	for field, msg := range want {
		if got := res.text(`[data-testid="` + field + `-error"]`); got != msg {
			t.Errorf("%s's message = %q, want %q", field, got, msg)
		}
		link := res.Doc.Find(`[data-testid="error-summary"] a[href="#` + field + `"]`)
		if got := link.Text(); got != msg {
			t.Errorf("the summary's link to %s says %q, want %q", field, got, msg)
		}
		got := res.Doc.Find("#"+field).AttrOr("aria-describedby", "")
		if !strings.Contains(got, field+"-error") {
			t.Errorf("#%s is described by %q, which lacks %s-error", field, got, field)
		}
	}
	if got := res.text(".error-summary h2"); got != hi.Layout.ErrorSummary {
		t.Errorf("the error summary's heading = %q, want %q", got, hi.Layout.ErrorSummary)
	}
	// The switcher of a page answering a POST reloads the page a GET shows.
	if got := res.Doc.Find(`[data-testid="lang-en"]`).AttrOr("href", ""); got != "/?lang=en" {
		t.Errorf("the switcher after POST /start links to %q, want /?lang=en", got)
	}

	b.startSeller("Asha Sarees", "Asha", "asha@gmail.com")
	res = b.post("/credentials", "/credentials", url.Values{"api_email": {"asha@gmail.com"},
		"password": {""}})
	if got, want := res.text(`[data-testid="api_email-error"]`),
		hi.Credentials.EmailIsLogin("asha+api@gmail.com"); got != want {
		t.Errorf("the login email as API email: %q, want %q", got, want)
	}
	if got := res.text(`[data-testid="password-error"]`); got != hi.Credentials.PasswordMissing {
		t.Errorf("an empty password: %q, want %q", got, hi.Credentials.PasswordMissing)
	}

	app.Fake.AddAccount(shiprockettest.Account{Email: "asha+api@gmail.com",
		Password: goodPassword})
	b.post("/credentials", "/credentials", url.Values{"api_email": {"asha+api@gmail.com"},
		"password": {"wrong-" + goodPassword}})
	form := b.get("/credentials")
	if got := form.text(`[data-testid="outcome"] h2`); got != hi.Outcomes.WrongTitle {
		t.Errorf("the wrong-password outcome = %q, want %q", got, hi.Outcomes.WrongTitle)
	}
	second := form.Doc.Find(`[data-testid="outcome"] li`).Eq(1).Text()
	if got := second; got != hi.Outcomes.WrongEmail("asha+api@gmail.com") {
		t.Errorf("the outcome's second step = %q", got)
	}

	res = b.get("/no-such-page")
	if res.Status != http.StatusNotFound || res.text("h1") != hi.Errors.Title(404) ||
		res.text(`[data-testid="error-message"]`) != hi.Errors.NotFound {
		t.Errorf("a missing page in Hindi: %d %q %q", res.Status, res.text("h1"),
			res.text(`[data-testid="error-message"]`))
	}
}

func TestStepIllustrations(t *testing.T) {
	app := newApp(t)
	for _, lang := range views.Langs {
		b := app.browser(t).speaking(string(lang))
		b.startSeller("Asha Sarees", "Asha", "asha@gmail.com")
		seen := map[string]bool{}
		for n := 1; n <= views.TotalSteps; n++ {
			img := b.get("/steps/" + strconv.Itoa(n)).Doc.Find(`[data-testid="illustration"]`)
			src, alt := img.AttrOr("src", ""), img.AttrOr("alt", "")
			if want := views.TextsFor(lang).Steps[n-1].Illustration; alt != want {
				t.Errorf("%s step %d: alt = %q, want %q", lang, n, alt, want)
			}
			prefix := "/static/illustrations/step-" + strconv.Itoa(n) + "."
			if !strings.HasPrefix(src, prefix) || !strings.HasSuffix(src, ".svg") || seen[src] {
				t.Errorf("%s step %d: src = %q, want a hashed %s…svg of its own", lang, n, src,
					prefix)
			}
			seen[src] = true

			resp, body := b.raw(src, nil)
			if resp.StatusCode != http.StatusOK ||
				resp.Header.Get("Content-Type") != "image/svg+xml" ||
				!strings.Contains(resp.Header.Get("Cache-Control"), "immutable") ||
				!bytes.Contains(body, []byte("<svg")) {
				t.Errorf("%s: %d %q %q", src, resp.StatusCode, resp.Header.Get("Content-Type"),
					resp.Header.Get("Cache-Control"))
			}
		}
	}
}

func TestResponsesAreCompressed(t *testing.T) {
	app := newApp(t)
	b := app.browser(t)
	css := b.get("/").Doc.Find(`link[rel="stylesheet"]`).AttrOr("href", "")
	gz := http.Header{"Accept-Encoding": {"gzip"}}
	identity := http.Header{"Accept-Encoding": {"identity"}}

	for _, path := range []string{"/", css} {
		plainResp, plain := b.raw(path, identity)
		if enc := plainResp.Header.Get("Content-Encoding"); enc != "" {
			t.Errorf("%s without gzip: Content-Encoding %q", path, enc)
		}

		resp, body := b.raw(path, gz)
		if enc := resp.Header.Get("Content-Encoding"); enc != "gzip" {
			t.Errorf("%s: Content-Encoding %q, want gzip", path, enc)
			continue
		}
		if vary := strings.Join(resp.Header.Values("Vary"), ", "); !strings.Contains(vary,
			"Accept-Encoding") {
			t.Errorf("%s: Vary %q lacks Accept-Encoding", path, vary)
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		unzipped, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(body) >= len(unzipped) {
			t.Errorf("%s: %d gzipped bytes for %d bytes", path, len(body), len(unzipped))
		}
		// The page carries a fresh CSRF field per response, so only the stylesheet is compared
		// byte for byte.
		if path == css && !bytes.Equal(unzipped, plain) {
			t.Errorf("%s: the gzipped stylesheet differs from the plain one", path)
		}
		if path == "/" && !bytes.Contains(unzipped, []byte("<html lang=")) {
			t.Errorf("/: the gzipped page is not the page")
		}
	}
}
