package handlers_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/aicofounder/shiprocket-portal/handlers"
	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/vault"
	"github.com/aicofounder/shiprocket-portal/verify"
)

// syncBuffer collects log output from concurrent requests.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testApp is the real router over a real SQLite file, a real keyring and a fake Shiprocket.
type testApp struct {
	URL   string
	Store *store.Store
	Keys  *vault.Keyring
	Fake  *shiprockettest.Server
	Logs  *syncBuffer
	Clock *testClock
}

// testClock is a clock shared by the store and the handlers that tests move by hand. It starts
// at the real time, so cookies signed with the real time stay valid.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// appOption adjusts the app's configuration before it is built.
type appOption func(*handlers.Config)

func newApp(t *testing.T, opts ...appOption) *testApp {
	t.Helper()
	ctx := context.Background()
	clock := &testClock{t: time.Now()}

	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "portal.db"), store.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })

	fake := shiprockettest.NewServer()
	t.Cleanup(fake.Close)

	client, err := shiprocket.New(shiprocket.Config{BaseURL: fake.URL(), MaxAttempts: 2,
		BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}

	logs := &syncBuffer{}
	log := slog.New(handlers.WithRequestID(
		slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	keys := vault.GenerateKeyring()

	var pairs [][]byte
	auth, enc := keys.Derive("session-auth", 32), keys.Derive("session-encrypt", 32)
	for i := range auth {
		pairs = append(pairs, auth[i], enc[i])
	}

	srv := httptest.NewUnstartedServer(nil)
	base, _ := url.Parse("http://" + srv.Listener.Addr().String())
	cfg := handlers.Config{
		Brand: "AI Cofounder", BaseURL: base, SessionKeys: pairs, ResumeTTL: 30 * 24 * time.Hour,
		Now: clock.Now,
	}
	for _, opt := range opts {
		opt(&cfg)
	}
	e, err := handlers.New(cfg, st, verify.New(st, keys, client, log), log)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = e
	srv.Start()
	t.Cleanup(srv.Close)

	return &testApp{URL: srv.URL, Store: st, Keys: keys, Fake: fake, Logs: logs, Clock: clock}
}

// browser is a client with its own cookie jar that does not follow redirects, so tests see
// every 303.
type browser struct {
	t    *testing.T
	app  *testApp
	http *http.Client
}

func (a *testApp) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, app: a, http: &http.Client{
		Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// page is a fetched response with its parsed HTML.
type page struct {
	Status   int
	Location string
	Header   http.Header
	Body     string
	Doc      *goquery.Document
}

func (b *browser) get(path string) page {
	b.t.Helper()
	resp, err := b.http.Get(b.app.URL + path)
	if err != nil {
		b.t.Fatalf("GET %s: %v", path, err)
	}
	return readPage(b.t, resp)
}

// post submits a form the way a browser does, with the CSRF token taken from the page at from.
func (b *browser) post(from, path string, form url.Values) page {
	b.t.Helper()
	token := b.get(from).Doc.Find(`input[name="_csrf"]`).First().AttrOr("value", "")
	if token == "" {
		b.t.Fatalf("no CSRF token on %s", from)
	}
	form.Set("_csrf", token)
	return b.postRaw(path, form, nil)
}

func (b *browser) postRaw(path string, form url.Values, header http.Header) page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.app.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := b.http.Do(req)
	if err != nil {
		b.t.Fatalf("POST %s: %v", path, err)
	}
	return readPage(b.t, resp)
}

func readPage(t *testing.T, resp *http.Response) page {
	t.Helper()
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return page{Status: resp.StatusCode, Location: resp.Header.Get("Location"),
		Header: resp.Header, Body: string(body), Doc: doc}
}

// text returns the trimmed text of the first element matching sel.
func (p page) text(sel string) string {
	return strings.TrimSpace(p.Doc.Find(sel).First().Text())
}

// startSeller fills the start page and returns the resume link shown on the welcome page.
func (b *browser) startSeller(store, contact, login string) string {
	b.t.Helper()
	res := b.post("/", "/start", url.Values{
		"store_name": {store}, "contact_name": {contact}, "login_email": {login},
	})
	if res.Status != http.StatusSeeOther || res.Location != "/welcome" {
		b.t.Fatalf("start: status %d location %q, want 303 /welcome\n%s", res.Status,
			res.Location, res.Body)
	}
	welcome := b.get("/welcome")
	link := welcome.text(`[data-testid="resume-link"]`)
	if link == "" {
		b.t.Fatalf("welcome page shows no resume link\n%s", welcome.Body)
	}
	return link
}
