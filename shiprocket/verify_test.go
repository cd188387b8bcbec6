package shiprocket_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
)

// probes returns one probe per area with the given access, status and message, then applies
// the overrides.
func probes(access shiprocket.Access, status int, msg string,
	overrides ...shiprocket.Probe) []shiprocket.Probe {
	var out []shiprocket.Probe
	for _, info := range shiprocket.Areas() {
		p := shiprocket.Probe{Area: info.Area, Access: access, HTTPStatus: status, Message: msg}
		for _, o := range overrides {
			if o.Area == info.Area {
				p = o
			}
		}
		out = append(out, p)
	}
	return out
}

func denied(area shiprocket.Area) shiprocket.Probe {
	return shiprocket.Probe{Area: area, Access: shiprocket.AccessDenied, HTTPStatus: 403,
		Message: shiprockettest.DeniedMessage}
}

func TestVerify(t *testing.T) {
	login := shiprocket.LoginResult{
		Outcome: shiprocket.OutcomeVerified, UserID: otherUserID, CompanyID: 900,
		FirstName: "API", LastName: "USER", Email: otherEmail, HTTPStatus: 200, Attempts: 1,
	}
	allGranted := probes(shiprocket.AccessGranted, 200, "")
	const pw = "pw-other-1"

	tests := []struct {
		name     string
		account  shiprockettest.Account
		password string
		want     shiprocket.Report
		wantAll  bool
	}{
		{name: "everything granted, buyers visible",
			account:  shiprockettest.Account{Email: otherEmail, Password: pw, CompanyID: 900},
			password: pw,
			want: shiprocket.Report{Login: login, Probes: allGranted,
				Buyer: shiprocket.BuyerVisible, LoggedOut: true},
			wantAll: true},
		{name: "some modules denied",
			account: shiprockettest.Account{Email: otherEmail, Password: pw, CompanyID: 900,
				Denied: shiprockettest.DemoPartialDenied()},
			password: pw,
			want: shiprocket.Report{Login: login,
				Probes: probes(shiprocket.AccessGranted, 200, "",
					denied(shiprocket.AreaCouriers), denied(shiprocket.AreaWallet),
					denied(shiprocket.AreaStatement), denied(shiprocket.AreaDiscrepancy)),
				Buyer: shiprocket.BuyerVisible, LoggedOut: true}},
		{name: "orders denied leaves buyer access unknown",
			account: shiprockettest.Account{Email: otherEmail, Password: pw, CompanyID: 900,
				Denied: []shiprocket.Area{shiprocket.AreaOrders}},
			password: pw,
			want: shiprocket.Report{Login: login,
				Probes: probes(shiprocket.AccessGranted, 200, "", denied(shiprocket.AreaOrders)),
				Buyer:  shiprocket.BuyerUnknown, LoggedOut: true}},
		{name: "buyers masked",
			account: shiprockettest.Account{Email: otherEmail, Password: pw, CompanyID: 900,
				BuyerMasked: true, Orders: 4},
			password: pw,
			want: shiprocket.Report{Login: login, Probes: allGranted,
				Buyer: shiprocket.BuyerMasked, LoggedOut: true},
			wantAll: true},
		{name: "no orders",
			account: shiprockettest.Account{Email: otherEmail, Password: pw, CompanyID: 900,
				NoOrders: true},
			password: pw,
			want: shiprocket.Report{Login: login, Probes: allGranted,
				Buyer: shiprocket.BuyerUnknown, LoggedOut: true},
			wantAll: true},
		{name: "probes blocked by IP",
			account: shiprockettest.Account{Email: otherEmail, Password: pw, CompanyID: 900,
				AllowedIPs: []string{"203.0.113.10"}, LoginIgnoresIP: true},
			password: pw,
			want: shiprocket.Report{Login: login,
				Probes: probes(shiprocket.AccessIPBlocked, 403, shiprockettest.IPBlockedMessage),
				Buyer:  shiprocket.BuyerUnknown, LoggedOut: true}},
		{name: "main account names",
			account: shiprockettest.Account{Email: otherEmail, Password: pw, CompanyID: 900,
				FirstName: "Asha", LastName: "Verma"},
			password: pw,
			want: shiprocket.Report{Login: func() shiprocket.LoginResult {
				l := login
				l.FirstName, l.LastName = "Asha", "Verma"
				return l
			}(), Probes: allGranted, Buyer: shiprocket.BuyerVisible, MainAccount: true,
				LoggedOut: true},
			wantAll: true},
		{name: "wrong password runs no probe",
			account:  shiprockettest.Account{Email: otherEmail, Password: pw, CompanyID: 900},
			password: "wrong-pass",
			want: shiprocket.Report{Login: shiprocket.LoginResult{
				Outcome: shiprocket.OutcomeWrongCredentials, HTTPStatus: 403,
				Message: shiprockettest.WrongCredentialsMessage, Attempts: 1},
				Buyer: shiprocket.BuyerUnknown}},
		{name: "mfa runs no probe",
			account: shiprockettest.Account{Email: otherEmail, Password: pw, CompanyID: 900,
				MFA: true},
			password: pw,
			want: shiprocket.Report{Login: shiprocket.LoginResult{
				Outcome: shiprocket.OutcomeMFARequired, UserID: otherUserID, HTTPStatus: 200,
				Message: shiprockettest.MFAMessage, Attempts: 1},
				Buyer: shiprocket.BuyerUnknown}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newFake(t)
			s.AddAccount(tt.account)
			c, _ := newClient(t, s.URL(), nil)

			start := time.Now()
			got := c.Verify(context.Background(), otherEmail, tt.password)

			if tt.want.Login.Outcome == shiprocket.OutcomeVerified {
				wantExp := start.Add(shiprocket.TokenLifetime)
				if d := got.Login.ExpiresAt.Sub(wantExp); d < -5*time.Second || d > 5*time.Second {
					t.Errorf("ExpiresAt = %v, want about %v", got.Login.ExpiresAt, wantExp)
				}
				got.Login.ExpiresAt = time.Time{}
			}
			if got.Login.Token != "" {
				t.Errorf("Report.Login.Token is not blanked")
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Verify()\n got %+v\nwant %+v", got, tt.want)
			}
			if got.AllGranted() != tt.wantAll {
				t.Errorf("AllGranted() = %v, want %v", got.AllGranted(), tt.wantAll)
			}

			wantEach, wantLogout := 0, 0
			if tt.want.Login.Outcome == shiprocket.OutcomeVerified {
				wantEach, wantLogout = 1, 1
			}
			for _, info := range shiprocket.Areas() {
				if n := s.Requests(info.Path); n != wantEach {
					t.Errorf("%s probed %d times, want %d", info.Area, n, wantEach)
				}
			}
			if n := s.Requests(shiprocket.LogoutPath); n != wantLogout {
				t.Errorf("logout called %d times, want %d", n, wantLogout)
			}
			if n := s.ActiveTokens(); n != 0 {
				t.Errorf("%d tokens still live after Verify", n)
			}
			if n := s.LoginCalls(otherEmail); n != 1 {
				t.Errorf("LoginCalls = %d, want 1", n)
			}
		})
	}
}

func TestVerifyProbeFailures(t *testing.T) {
	s := newFake(t)
	var shipmentHits int
	wrap := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/external/shipments":
			shipmentHits++
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"message":"Service Unavailable","status_code":503}`))
		case "/v1/external/channels":
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"message":"Unauthenticated."}`))
		case "/v1/external/listings":
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"message":"Too Many Attempts."}`))
		case "/v1/external/inventory":
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		case "/v1/external/billing/discrepancy":
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`<html>forbidden</html>`))
		default:
			s.Handler().ServeHTTP(w, r)
		}
	})
	srv := httptest.NewServer(wrap)
	defer srv.Close()
	c, sleeps := newClient(t, srv.URL, nil)

	got := c.Verify(context.Background(), sellerEmail, sellerPassword)

	want := probes(shiprocket.AccessGranted, 200, "",
		shiprocket.Probe{Area: shiprocket.AreaShipments, Access: shiprocket.AccessUnknown,
			HTTPStatus: 503, Message: "Service Unavailable"},
		shiprocket.Probe{Area: shiprocket.AreaChannels, Access: shiprocket.AccessUnknown,
			HTTPStatus: 401, Message: "Unauthenticated."},
		shiprocket.Probe{Area: shiprocket.AreaListings, Access: shiprocket.AccessUnknown,
			HTTPStatus: 429, Message: "Too Many Attempts."},
		shiprocket.Probe{Area: shiprocket.AreaInventory, Access: shiprocket.AccessUnknown,
			HTTPStatus: 302},
		shiprocket.Probe{Area: shiprocket.AreaDiscrepancy, Access: shiprocket.AccessDenied,
			HTTPStatus: 403},
	)
	if !reflect.DeepEqual(got.Probes, want) {
		t.Errorf("Probes\n got %+v\nwant %+v", got.Probes, want)
	}
	if shipmentHits != 3 {
		t.Errorf("shipments probed %d times, want 3 (retried 5xx)", shipmentHits)
	}
	if n := len(sleeps.get()); n != 2 {
		t.Errorf("%d sleeps, want 2 (only the 503 probe retries)", n)
	}
	if got.Buyer != shiprocket.BuyerVisible || !got.LoggedOut || got.AllGranted() {
		t.Errorf("Buyer = %q, LoggedOut = %v, AllGranted = %v", got.Buyer, got.LoggedOut,
			got.AllGranted())
	}
}

func TestVerifyLogsOutWhenContextEnds(t *testing.T) {
	s := newFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wrap := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/external/shipments" {
			// The seller gives up during the second probe; hold it until the client lets go.
			cancel()
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		s.Handler().ServeHTTP(w, r)
	})
	srv := httptest.NewServer(wrap)
	defer srv.Close()
	c, _ := newClient(t, srv.URL, nil)

	got := c.Verify(ctx, sellerEmail, sellerPassword)

	want := probes(shiprocket.AccessUnknown, 0, "", shiprocket.Probe{
		Area: shiprocket.AreaOrders, Access: shiprocket.AccessGranted, HTTPStatus: 200})
	if !reflect.DeepEqual(got.Probes, want) {
		t.Errorf("Probes\n got %+v\nwant %+v", got.Probes, want)
	}
	if !got.LoggedOut || s.ActiveTokens() != 0 || s.Requests(shiprocket.LogoutPath) != 1 {
		t.Errorf("LoggedOut = %v, live tokens %d, logouts %d", got.LoggedOut, s.ActiveTokens(),
			s.Requests(shiprocket.LogoutPath))
	}
	if n := s.Requests("/v1/external/orders/processing/return"); n != 0 {
		t.Errorf("probes went on after the context ended: %d", n)
	}
}

func TestVerifyLogsNoSecrets(t *testing.T) {
	s := newFake(t)
	s.SetFault(shiprockettest.Fault{Kind: shiprockettest.FaultStatus, Status: 502, Times: 1})
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _ := newClient(t, s.URL(), func(cfg *shiprocket.Config) { cfg.Logger = logger })

	rep := c.Verify(context.Background(), sellerEmail, sellerPassword)

	out := buf.String()
	if rep.Login.Outcome != shiprocket.OutcomeVerified || !strings.Contains(out, `"op":"login"`) ||
		!strings.Contains(out, "shiprocket retry") || !strings.Contains(out, `"op":"logout"`) {
		t.Fatalf("expected debug lines for login, retry and logout, got:\n%s", out)
	}
	for _, secret := range []string{sellerPassword, "eyJ", "Bearer", sellerEmail} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q:\n%s", secret, out)
		}
	}
	if strings.Contains(out, `"level":"INFO"`) || strings.Contains(out, `"level":"ERROR"`) {
		t.Errorf("client logged above Debug:\n%s", out)
	}
}

func TestLogout(t *testing.T) {
	s := newFake(t)
	c, _ := newClient(t, s.URL(), nil)
	res := c.Login(context.Background(), sellerEmail, sellerPassword)
	if res.Outcome != shiprocket.OutcomeVerified {
		t.Fatalf("Login() = %v", res.Outcome)
	}

	if err := c.Logout(context.Background(), res.Token); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	if n := s.ActiveTokens(); n != 0 {
		t.Errorf("%d live tokens after logout", n)
	}

	err := c.Logout(context.Background(), res.Token)
	if err == nil || !strings.Contains(err.Error(), "HTTP 401") {
		t.Errorf("second Logout error = %v, want HTTP 401", err)
	}
	if err != nil && strings.Contains(err.Error(), res.Token.Reveal()) {
		t.Errorf("error leaks the token: %v", err)
	}
	if err := c.Logout(context.Background(), ""); err == nil {
		t.Errorf("Logout with an empty token succeeded")
	}
	if n := s.Requests(shiprocket.LogoutPath); n != 2 {
		t.Errorf("logout requests = %d, want 2 (empty token sends nothing)", n)
	}
}

func TestNewValidatesConfig(t *testing.T) {
	badURLs := []string{
		"", "apiv2.shiprocket.in", "/v1", "ftp://127.0.0.1", "http://", "http:///path",
		"https://user:hunter22@127.0.0.1", "http://127.0.0.1?x=1", "http://127.0.0.1#f",
		"http://[::1", "mailto:a@b.c",
	}
	for _, u := range badURLs {
		_, err := shiprocket.New(shiprocket.Config{BaseURL: u})
		if err == nil {
			t.Errorf("New(%q) succeeded", u)
			continue
		}
		if strings.Contains(err.Error(), "hunter22") {
			t.Errorf("New(%q) error leaks the URL: %v", u, err)
		}
	}

	tests := []struct {
		name         string
		cfg          shiprocket.Config
		wantTimeout  time.Duration
		wantAttempts int
	}{
		{"defaults", shiprocket.Config{}, 15 * time.Second, 3},
		{"timeout kept", shiprocket.Config{Timeout: 2 * time.Second, MaxAttempts: 1},
			2 * time.Second, 1},
		{"timeout clamped, attempts capped",
			shiprocket.Config{Timeout: time.Hour, MaxAttempts: 50}, 15 * time.Second, 5},
		{"negatives take defaults", shiprocket.Config{Timeout: -1, MaxAttempts: -1},
			15 * time.Second, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.BaseURL = "http://127.0.0.1:1"
			c, err := shiprocket.New(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			hc := shiprocket.HTTPClientForTest(c)
			if hc.Timeout != tt.wantTimeout {
				t.Errorf("Timeout = %v, want %v", hc.Timeout, tt.wantTimeout)
			}
			if n := shiprocket.MaxAttemptsForTest(c); n != tt.wantAttempts {
				t.Errorf("MaxAttempts = %d, want %d", n, tt.wantAttempts)
			}
			tr, ok := hc.Transport.(*http.Transport)
			if !ok {
				t.Fatalf("default transport is %T", hc.Transport)
			}
			if tr.TLSHandshakeTimeout != 5*time.Second ||
				tr.ResponseHeaderTimeout != 10*time.Second || tr.DialContext == nil {
				t.Errorf("transport timeouts: TLS %v, header %v", tr.TLSHandshakeTimeout,
					tr.ResponseHeaderTimeout)
			}
			if hc.CheckRedirect == nil {
				t.Errorf("redirects would be followed")
			}
		})
	}
	if shiprocket.DialTimeoutForTest != 5*time.Second ||
		shiprocket.TLSHandshakeTimeoutForTest != 5*time.Second ||
		shiprocket.ResponseHeaderTimeoutForTest != 10*time.Second {
		t.Errorf("transport timeout constants changed")
	}

	custom := &http.Transport{}
	c, err := shiprocket.New(shiprocket.Config{BaseURL: "https://127.0.0.1/", Transport: custom})
	if err != nil || shiprocket.HTTPClientForTest(c).Transport != custom {
		t.Errorf("custom transport not used (err %v)", err)
	}
}

func TestAreas(t *testing.T) {
	want := []shiprocket.Area{
		shiprocket.AreaOrders, shiprocket.AreaShipments, shiprocket.AreaReturns,
		shiprocket.AreaNDR, shiprocket.AreaPickup, shiprocket.AreaChannels,
		shiprocket.AreaProducts, shiprocket.AreaListings, shiprocket.AreaInventory,
		shiprocket.AreaCouriers, shiprocket.AreaWallet, shiprocket.AreaStatement,
		shiprocket.AreaDiscrepancy,
	}
	infos := shiprocket.Areas()
	if len(infos) != len(want) {
		t.Fatalf("%d areas, want %d", len(infos), len(want))
	}
	paths := make(map[string]bool)
	for i, info := range infos {
		if info.Area != want[i] {
			t.Errorf("area %d = %q, want %q", i, info.Area, want[i])
		}
		if info.Label == "" || !strings.HasPrefix(info.Path, "/v1/external/") ||
			paths[info.Path] {
			t.Errorf("area %q: label %q, path %q (empty, foreign or repeated)", info.Area,
				info.Label, info.Path)
		}
		paths[info.Path] = true
	}
	infos[0].Path = "/changed"
	if shiprocket.Areas()[0].Path == "/changed" {
		t.Errorf("Areas returns shared state")
	}
}

// TestChecksSideBySideKeepTheirConnections runs 16 checks at once, fifteen calls each, and counts
// the connections Shiprocket saw opened: calls reuse the connections of earlier calls instead of
// dialling anew, so there are about as many connections as checks, not as calls.
func TestChecksSideBySideKeepTheirConnections(t *testing.T) {
	fake := shiprockettest.NewServer()
	defer fake.Close()
	var opened atomic.Int64
	srv := httptest.NewUnstartedServer(fake.Handler())
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	const checks = 16
	for i := range checks {
		fake.AddAccount(shiprockettest.Account{Email: fmt.Sprintf("s%d+api@example.com", i),
			Password: "pw"})
	}
	c, err := shiprocket.New(shiprocket.Config{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	for round := range 3 {
		var wg sync.WaitGroup
		for i := range checks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rep := c.Verify(context.Background(), fmt.Sprintf("s%d+api@example.com", i), "pw")
				if rep.Login.Outcome != shiprocket.OutcomeVerified {
					t.Errorf("round %d, check %d: %s", round, i, rep.Login.Outcome)
				}
			}()
		}
		wg.Wait()
	}
	// 3 rounds × 16 checks × 15 calls = 720 calls.
	if n := opened.Load(); n > 2*checks {
		t.Errorf("%d connections opened for 720 calls by %d checks at a time", n, checks)
	}
}
