package handlers_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/handlers"
	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/tokens"
	"github.com/aicofounder/shiprocket-portal/verify"
)

// lateIssuer lets the app be built before the token service that needs the app's store.
type lateIssuer struct{ svc *tokens.Service }

func (l *lateIssuer) Issue(ctx context.Context, sellerID int64, who tokens.Requester,
	fresh bool) (tokens.Issued, error) {
	return l.svc.Issue(ctx, sellerID, who, fresh)
}

// apiApp is the real router with the machine API wired to a token service and one API key.
type apiApp struct {
	*testApp
	t      *testing.T
	checks *verify.Service
	key    string
	keyRow store.APIKey
}

const apiPassword = "Gen3rated-Pass!"

func newAPIApp(t *testing.T) *apiApp {
	t.Helper()
	issuer := &lateIssuer{}
	app := newApp(t, func(c *handlers.Config) { c.API.Tokens = issuer })

	client, err := shiprocket.New(shiprocket.Config{BaseURL: app.Fake.URL(), MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(handlers.WithRequestID(slog.NewJSONHandler(app.Logs, nil)))
	checks := verify.New(app.Store, app.Keys, client, log)
	issuer.svc = tokens.New(app.Store, app.Keys, checks.Login, log, app.Clock.Now)

	k, key, err := app.Store.CreateAPIKey(context.Background(), "platform", "cli")
	if err != nil {
		t.Fatal(err)
	}
	return &apiApp{testApp: app, t: t, checks: checks, key: key, keyRow: k}
}

// seller makes a seller; with an API email it also submits credentials the fake accepts.
func (a *apiApp) seller(name, apiEmail string, denied ...shiprocket.Area) store.Seller {
	a.t.Helper()
	ctx := context.Background()
	h := sha256.Sum256([]byte(name))
	s, err := a.Store.CreateSeller(ctx, store.NewSeller{StoreName: name, ContactName: "Asha",
		LoginEmail: name + "@example.com"}, h[:], time.Hour, store.ActorSeller)
	if err != nil {
		a.t.Fatal(err)
	}
	if apiEmail != "" {
		a.Fake.AddAccount(shiprockettest.Account{Email: apiEmail, Password: apiPassword,
			Denied: denied})
		if _, err := a.checks.Submit(ctx, s.ID, apiEmail, apiPassword,
			store.ActorSeller); err != nil {
			a.t.Fatal(err)
		}
	}
	s, err = a.Store.Seller(ctx, s.ID)
	if err != nil {
		a.t.Fatal(err)
	}
	return s
}

type apiResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

// call makes an API request with the given Authorization header value ("" for none).
func (a *apiApp) call(method, path, auth string) apiResponse {
	a.t.Helper()
	req, err := http.NewRequest(method, a.URL+path, nil)
	if err != nil {
		a.t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return apiResponse{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

func (a *apiApp) bearer() string { return "Bearer " + a.key }

func decode[T any](t *testing.T, r apiResponse) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("status %d, body %q: %v", r.Status, r.Body, err)
	}
	return v
}

type problemBody struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

func TestAPIKeysGuardTheAPI(t *testing.T) {
	a := newAPIApp(t)
	_, revoked, err := a.Store.CreateAPIKey(context.Background(), "old", "cli")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Store.RevokeAPIKey(context.Background(), 2, "cli"); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		auth string
		want int
	}{
		{"no header", "", http.StatusUnauthorized},
		{"basic scheme", "Basic " + a.key, http.StatusUnauthorized},
		{"bearer without key", "Bearer ", http.StatusUnauthorized},
		{"unknown key", "Bearer srp_" + strings.Repeat("A", 43), http.StatusUnauthorized},
		{"revoked key", "Bearer " + revoked, http.StatusUnauthorized},
		{"valid key", a.bearer(), http.StatusOK},
		{"scheme in lower case", "bearer " + a.key, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.call(http.MethodGet, "/api/v1/sellers", tt.auth)
			if r.Status != tt.want {
				t.Fatalf("status %d, want %d; body %s", r.Status, tt.want, r.Body)
			}
			if got := r.Header.Get("Content-Type"); !strings.HasPrefix(got, "application/json") {
				t.Errorf("content type %q, want JSON", got)
			}
			if tt.want != http.StatusUnauthorized {
				return
			}
			if p := decode[problemBody](t, r); p.Error != "unauthorized" || p.Message == "" {
				t.Errorf("body %+v", p)
			}
			if !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate %q", r.Header.Get("WWW-Authenticate"))
			}
		})
	}
	if strings.Contains(a.Logs.String(), a.key) || strings.Contains(a.Logs.String(), revoked) {
		t.Error("an API key appears in the logs")
	}
}

type sellerPage struct {
	Sellers []struct {
		ID            int64      `json:"id"`
		StoreName     string     `json:"store_name"`
		Status        string     `json:"status"`
		Reason        string     `json:"reason"`
		Stale         bool       `json:"stale"`
		Archived      bool       `json:"archived"`
		APIEmail      string     `json:"api_email"`
		UpdatedAt     time.Time  `json:"updated_at"`
		VerifiedAt    *time.Time `json:"verified_at"`
		LastCheckedAt *time.Time `json:"last_checked_at"`
		Modules       []struct {
			Area   string `json:"area"`
			Label  string `json:"label"`
			Access string `json:"access"`
		} `json:"modules"`
		Buyer string `json:"buyer"`
	} `json:"sellers"`
	NextCursor string `json:"next_cursor"`
}

func TestAPIListsSellersWithTheirModules(t *testing.T) {
	a := newAPIApp(t)
	fresh := a.seller("fresh", "")
	a.Clock.Advance(time.Minute)
	full := a.seller("full", "full+api@example.com")
	a.Clock.Advance(time.Minute)
	partial := a.seller("partial", "partial+api@example.com", shiprocket.AreaWallet)

	r := a.call(http.MethodGet, "/api/v1/sellers", a.bearer())
	if r.Status != http.StatusOK || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("status %d, cache %q: %s", r.Status, r.Header.Get("Cache-Control"), r.Body)
	}
	page := decode[sellerPage](t, r)
	if len(page.Sellers) != 3 || page.NextCursor != "" {
		t.Fatalf("%d sellers, cursor %q", len(page.Sellers), page.NextCursor)
	}

	got := page.Sellers[0]
	if got.ID != fresh.ID || got.StoreName != "fresh" || got.Status != "not_started" ||
		got.Reason != "" || got.Stale || got.Archived || got.APIEmail != "" ||
		!got.UpdatedAt.Equal(fresh.UpdatedAt) || got.VerifiedAt != nil ||
		got.LastCheckedAt != nil || len(got.Modules) != 0 || got.Buyer != "" {
		t.Errorf("fresh seller %+v", got)
	}

	got = page.Sellers[1]
	fullNow, _ := a.Store.Seller(context.Background(), full.ID)
	if got.ID != full.ID || got.Status != "verified" || got.Reason != "" ||
		got.APIEmail != "full+api@example.com" || got.VerifiedAt == nil ||
		!got.VerifiedAt.Equal(fullNow.VerifiedAt) || got.LastCheckedAt == nil ||
		len(got.Modules) != len(shiprocket.Areas()) || got.Buyer != "visible" {
		t.Errorf("verified seller %+v", got)
	}
	for i, m := range got.Modules {
		info := shiprocket.Areas()[i]
		if m.Area != string(info.Area) || m.Label != info.Label || m.Access != "granted" {
			t.Errorf("module %d: %+v, want %s granted", i, m, info.Area)
		}
	}

	got = page.Sellers[2]
	if got.ID != partial.ID || got.Status != "needs_action" ||
		got.Reason != verify.ReasonMissingModules || got.VerifiedAt != nil {
		t.Errorf("partial seller %+v", got)
	}
	for _, m := range got.Modules {
		want := "granted"
		if m.Area == string(shiprocket.AreaWallet) {
			want = "denied"
		}
		if m.Access != want {
			t.Errorf("partial seller module %s: %s, want %s", m.Area, m.Access, want)
		}
	}

	// updated_since keeps the later two; limit and cursor page through them.
	since := url.QueryEscape(fullNow.UpdatedAt.Format(time.RFC3339Nano))
	r = a.call(http.MethodGet, "/api/v1/sellers?limit=1&updated_since="+since, a.bearer())
	first := decode[sellerPage](t, r)
	if len(first.Sellers) != 1 || first.Sellers[0].ID != full.ID || first.NextCursor == "" {
		t.Fatalf("first page %+v", first)
	}
	r = a.call(http.MethodGet, "/api/v1/sellers?limit=1&cursor="+first.NextCursor, a.bearer())
	second := decode[sellerPage](t, r)
	if len(second.Sellers) != 1 || second.Sellers[0].ID != partial.ID {
		t.Fatalf("second page %+v", second)
	}
	r = a.call(http.MethodGet, "/api/v1/sellers?limit=1&cursor="+second.NextCursor, a.bearer())
	if last := decode[sellerPage](t, r); len(last.Sellers) != 0 || last.NextCursor != "" {
		t.Fatalf("page after the last %+v", last)
	}

	for _, q := range []string{"updated_since=yesterday", "limit=0", "limit=501",
		"limit=x", "cursor=!!!", "cursor=bm9wZQ"} {
		r := a.call(http.MethodGet, "/api/v1/sellers?"+q, a.bearer())
		if p := decode[problemBody](t, r); r.Status != http.StatusBadRequest ||
			p.Error != "bad_request" {
			t.Errorf("%s: status %d body %+v, want 400 bad_request", q, r.Status, p)
		}
	}
}

type tokenBody struct {
	SellerID  int64     `json:"seller_id"`
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	Cached    bool      `json:"cached"`
}

func TestAPITokenFiftyConcurrentRequestsOneLogin(t *testing.T) {
	a := newAPIApp(t)
	s := a.seller("busy", "busy+api@example.com")
	before := a.Fake.LoginCalls("busy+api@example.com")
	path := "/api/v1/sellers/" + itoa(s.ID) + "/token"

	const callers = 50
	var wg sync.WaitGroup
	results := make([]apiResponse, callers)
	start := make(chan struct{})
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			// A plain POST: no cookie, no CSRF token, as a machine client sends it.
			results[i] = a.call(http.MethodPost, path, a.bearer())
		}()
	}
	close(start)
	wg.Wait()

	if n := a.Fake.LoginCalls("busy+api@example.com") - before; n != 1 {
		t.Fatalf("%d Shiprocket logins for %d concurrent requests, want exactly 1", n, callers)
	}
	var token string
	for i, r := range results {
		if r.Status != http.StatusOK || r.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("caller %d: status %d cache %q body %s", i, r.Status,
				r.Header.Get("Cache-Control"), r.Body)
		}
		b := decode[tokenBody](t, r)
		if token == "" {
			token = b.Token
		}
		if b.SellerID != s.ID || b.Token != token || strings.Count(b.Token, ".") != 2 ||
			time.Until(b.ExpiresAt) < 239*time.Hour {
			t.Fatalf("caller %d: %+v", i, b)
		}
	}

	entries, err := a.Store.ListAudit(context.Background(), store.AuditQuery{SellerID: s.ID,
		Action: store.AuditTokenIssued, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != callers {
		t.Fatalf("%d audit lines, want %d", len(entries), callers)
	}
	for _, e := range entries {
		if e.Actor != a.keyRow.Actor() || e.Address != "127.0.0.1" || e.SellerID != s.ID {
			t.Fatalf("audit line %+v", e)
		}
	}
	if strings.Contains(a.Logs.String(), token) {
		t.Fatal("the token appears in the logs")
	}
	if strings.Contains(a.Logs.String(), apiPassword) {
		t.Fatal("the password appears in the logs")
	}
}

func TestAPITokenRefusals(t *testing.T) {
	a := newAPIApp(t)
	fresh := a.seller("fresh", "")
	refused := a.seller("refused", "refused+api@example.com")
	a.Fake.SetPassword("refused+api@example.com", "changed")
	down := a.seller("down", "down+api@example.com")

	tests := []struct {
		name       string
		path       string
		setup      func()
		wantStatus int
		wantCode   string
	}{
		{"unknown seller", "/api/v1/sellers/999/token", nil, http.StatusNotFound, "not_found"},
		{"not a number", "/api/v1/sellers/abc/token", nil, http.StatusNotFound, "not_found"},
		{"never submitted", "/api/v1/sellers/" + itoa(fresh.ID) + "/token", nil,
			http.StatusConflict, "not_verified"},
		{"password changed in Shiprocket", "/api/v1/sellers/" + itoa(refused.ID) + "/token",
			nil, http.StatusConflict, "credentials_refused"},
		{"then never tried again", "/api/v1/sellers/" + itoa(refused.ID) + "/token", nil,
			http.StatusConflict, "not_verified"},
		{"Shiprocket down", "/api/v1/sellers/" + itoa(down.ID) + "/token", func() {
			a.Fake.SetFault(shiprockettest.Fault{Kind: shiprockettest.FaultStatus, Status: 503})
		}, http.StatusServiceUnavailable, "shiprocket_unavailable"},
	}
	for _, tt := range tests {
		if tt.setup != nil {
			tt.setup()
		}
		r := a.call(http.MethodPost, tt.path, a.bearer())
		p := decode[problemBody](t, r)
		if r.Status != tt.wantStatus || p.Error != tt.wantCode || p.Message == "" {
			t.Errorf("%s: status %d body %+v, want %d %s", tt.name, r.Status, p, tt.wantStatus,
				tt.wantCode)
		}
	}
	if n := a.Fake.LoginCalls("refused+api@example.com"); n != 2 {
		t.Errorf("%d logins with the refused password, want 2 (the check, the one refusal)", n)
	}
	if r := a.call(http.MethodPost, "/api/v1/sellers/"+itoa(down.ID)+"/token",
		a.bearer()); r.Header.Get("Retry-After") != "60" {
		t.Errorf("Retry-After %q, want 60", r.Header.Get("Retry-After"))
	}
}

func TestCSRFStillGuardsThePages(t *testing.T) {
	a := newAPIApp(t)
	r := a.call(http.MethodPost, "/start", "")
	if r.Status != http.StatusForbidden {
		t.Fatalf("POST /start without a CSRF token: status %d, want 403", r.Status)
	}
	// Only POST hands out tokens.
	r = a.call(http.MethodGet, "/api/v1/sellers/1/token", a.bearer())
	if r.Status == http.StatusOK || strings.Contains(string(r.Body), "token") {
		t.Fatalf("GET on the token route: status %d, body %s", r.Status, r.Body)
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
