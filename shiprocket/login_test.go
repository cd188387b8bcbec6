package shiprocket_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
)

// The seller account every test server starts with; it gets user id 5001.
const (
	sellerEmail    = "seller+api@example.com"
	sellerPassword = "s3cret-pass"
	sellerUserID   = 5001
	sellerCompany  = 777
	// The second account a case adds gets user id 5002.
	otherEmail  = "other+api@example.com"
	otherUserID = 5002
)

// sleepLog records backoff sleeps instead of sleeping.
type sleepLog struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (l *sleepLog) sleep(ctx context.Context, d time.Duration) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.waits = append(l.waits, d)
	return ctx.Err()
}

func (l *sleepLog) get() []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.waits)
}

// newFake starts a fake Shiprocket holding the seller account.
func newFake(t *testing.T) *shiprockettest.Server {
	t.Helper()
	s := shiprockettest.NewServer()
	t.Cleanup(s.Close)
	s.AddAccount(shiprockettest.Account{
		Email: sellerEmail, Password: sellerPassword, CompanyID: sellerCompany,
	})
	return s
}

// newClient returns a client for baseURL whose backoff picks the largest allowed sleep and
// records it instead of sleeping.
func newClient(t *testing.T, baseURL string, mod func(*shiprocket.Config)) (
	*shiprocket.Client, *sleepLog) {
	t.Helper()
	cfg := shiprocket.Config{BaseURL: baseURL, UserAgent: "portal-test/1.0"}
	if mod != nil {
		mod(&cfg)
	}
	c, err := shiprocket.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	log := &sleepLog{}
	shiprocket.SetSleepForTest(c, log.sleep)
	shiprocket.SetJitterForTest(c, func(limit time.Duration) time.Duration { return limit })
	return c, log
}

// checkLogin compares a LoginResult with want, checking Token and ExpiresAt by rule (they are
// random and time-based) and every other field exactly.
func checkLogin(t *testing.T, got, want shiprocket.LoginResult, issued time.Time) {
	t.Helper()
	if want.Outcome == shiprocket.OutcomeVerified {
		if got.Token == "" || !strings.HasPrefix(got.Token.Reveal(), "eyJ") {
			t.Errorf("verified without a JWT token")
		}
		wantExp := issued.Add(shiprocket.TokenLifetime)
		if got.ExpiresAt.Before(wantExp.Add(-5*time.Second)) ||
			got.ExpiresAt.After(wantExp.Add(5*time.Second)) {
			t.Errorf("ExpiresAt = %v, want about %v", got.ExpiresAt, wantExp)
		}
	} else if got.Token != "" || !got.ExpiresAt.IsZero() {
		t.Errorf("token or expiry set on outcome %q", got.Outcome)
	}
	got.Token, got.ExpiresAt = "", time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Login()\n got %+v\nwant %+v", got, want)
	}
}

func TestLoginOutcomes(t *testing.T) {
	verified := shiprocket.LoginResult{
		Outcome: shiprocket.OutcomeVerified, UserID: sellerUserID, CompanyID: sellerCompany,
		FirstName: "API", LastName: "USER", Email: sellerEmail, HTTPStatus: 200, Attempts: 1,
	}
	withAttempts := func(r shiprocket.LoginResult, n int) shiprocket.LoginResult {
		r.Attempts = n
		return r
	}
	wrong := func(status int) shiprocket.LoginResult {
		return shiprocket.LoginResult{Outcome: shiprocket.OutcomeWrongCredentials,
			HTTPStatus: status, Message: shiprockettest.WrongCredentialsMessage, Attempts: 1}
	}
	unavailable := func(status int, msg string, attempts int) shiprocket.LoginResult {
		return shiprocket.LoginResult{Outcome: shiprocket.OutcomeUnavailable,
			HTTPStatus: status, Message: msg, Attempts: attempts}
	}
	ms := time.Millisecond
	fixedNow := time.Now().UTC().Truncate(time.Second)

	tests := []struct {
		name       string
		setup      func(s *shiprockettest.Server)
		config     func(c *shiprocket.Config)
		email      string
		password   string
		want       shiprocket.LoginResult
		wantCalls  int
		wantSleeps []time.Duration
	}{
		{name: "verified", email: sellerEmail, password: sellerPassword,
			want: verified, wantCalls: 1},
		{name: "email in another case", email: "SELLER+API@example.com", password: sellerPassword,
			want: verified, wantCalls: 1},
		{name: "wrong password is sent once", email: sellerEmail, password: "guess-1234",
			config: func(c *shiprocket.Config) { c.MaxAttempts = 5 },
			want:   wrong(403), wantCalls: 1},
		{name: "wrong password as 401", email: sellerEmail, password: "guess-1234",
			setup: func(s *shiprockettest.Server) { s.SetWrongCredentialsStatus(401) },
			want:  wrong(401), wantCalls: 1},
		{name: "wrong password as 400", email: sellerEmail, password: "guess-1234",
			setup: func(s *shiprockettest.Server) { s.SetWrongCredentialsStatus(400) },
			want:  wrong(400), wantCalls: 1},
		{name: "unknown email", email: "nobody@example.com", password: sellerPassword,
			want: wrong(403), wantCalls: 1},
		{name: "account without a password", email: otherEmail, password: "",
			setup: func(s *shiprockettest.Server) {
				s.AddAccount(shiprockettest.Account{Email: otherEmail})
			},
			want: shiprocket.LoginResult{Outcome: shiprocket.OutcomeValidation, HTTPStatus: 422,
				Message:     shiprockettest.MissingFieldMessage,
				FieldErrors: map[string][]string{"password": {"The password field is required."}},
				Attempts:    1},
			wantCalls: 1},
		{name: "missing email and password", email: "", password: "",
			want: shiprocket.LoginResult{Outcome: shiprocket.OutcomeValidation, HTTPStatus: 422,
				Message: shiprockettest.MissingFieldMessage,
				FieldErrors: map[string][]string{
					"email":    {"The email field is required."},
					"password": {"The password field is required."}},
				Attempts: 1},
			wantCalls: 1},
		{name: "mfa", email: otherEmail, password: "pw-other-1",
			setup: func(s *shiprockettest.Server) {
				s.AddAccount(shiprockettest.Account{Email: otherEmail, Password: "pw-other-1",
					MFA: true})
			},
			want: shiprocket.LoginResult{Outcome: shiprocket.OutcomeMFARequired,
				UserID: otherUserID, HTTPStatus: 200, Message: shiprockettest.MFAMessage,
				Attempts: 1},
			wantCalls: 1},
		{name: "ip not allowed", email: otherEmail, password: "pw-other-1",
			setup: func(s *shiprockettest.Server) {
				s.AddAccount(shiprockettest.Account{Email: otherEmail, Password: "pw-other-1",
					AllowedIPs: []string{"203.0.113.10"}})
			},
			want: shiprocket.LoginResult{Outcome: shiprocket.OutcomeIPNotAllowed,
				HTTPStatus: 403, Message: shiprockettest.IPBlockedMessage, Attempts: 1},
			wantCalls: 1},
		{name: "ip allowed", email: sellerEmail, password: sellerPassword,
			setup: func(s *shiprockettest.Server) {
				s.AddAccount(shiprockettest.Account{Email: sellerEmail, Password: sellerPassword,
					CompanyID: sellerCompany, AllowedIPs: []string{"127.0.0.1"}})
			},
			want: withUser(verified, otherUserID), wantCalls: 1},
		{name: "503 retried to three attempts", email: sellerEmail, password: sellerPassword,
			setup: faultSetup(shiprockettest.Fault{Kind: shiprockettest.FaultStatus, Status: 503}),
			want:  unavailable(503, "Service Unavailable", 3), wantCalls: 3,
			wantSleeps: []time.Duration{500 * ms, 1000 * ms}},
		{name: "500 retried to three attempts", email: sellerEmail, password: sellerPassword,
			setup: faultSetup(shiprockettest.Fault{Kind: shiprockettest.FaultStatus}),
			want:  unavailable(500, "Internal Server Error", 3), wantCalls: 3,
			wantSleeps: []time.Duration{500 * ms, 1000 * ms}},
		{name: "attempts capped at five, sleeps at MaxDelay", email: sellerEmail,
			password: sellerPassword,
			setup:    faultSetup(shiprockettest.Fault{Kind: shiprockettest.FaultStatus, Status: 502}),
			config: func(c *shiprocket.Config) {
				c.MaxAttempts, c.MaxDelay = 9, 1500*ms
			},
			want: unavailable(502, "Bad Gateway", 5), wantCalls: 5,
			wantSleeps: []time.Duration{500 * ms, 1000 * ms, 1500 * ms, 1500 * ms}},
		{name: "one 502 then success", email: sellerEmail, password: sellerPassword,
			setup: faultSetup(shiprockettest.Fault{Kind: shiprockettest.FaultStatus, Status: 502,
				Times: 1}),
			want: withAttempts(verified, 2), wantCalls: 2,
			wantSleeps: []time.Duration{500 * ms}},
		{name: "501 is not retried", email: sellerEmail, password: sellerPassword,
			setup: faultSetup(shiprockettest.Fault{Kind: shiprockettest.FaultStatus, Status: 501}),
			want:  unavailable(501, "Not Implemented", 1), wantCalls: 1},
		{name: "html 502 page", email: sellerEmail, password: sellerPassword,
			setup: faultSetup(shiprockettest.Fault{Kind: shiprockettest.FaultHTML}),
			want:  unavailable(502, "", 3), wantCalls: 3,
			wantSleeps: []time.Duration{500 * ms, 1000 * ms}},
		{name: "html 200 page", email: sellerEmail, password: sellerPassword,
			setup: faultSetup(shiprockettest.Fault{Kind: shiprockettest.FaultHTML, Status: 200}),
			want:  unavailable(200, "", 1), wantCalls: 1},
		{name: "truncated json", email: sellerEmail, password: sellerPassword,
			setup: faultSetup(shiprockettest.Fault{Kind: shiprockettest.FaultTruncatedJSON}),
			want:  unavailable(200, "", 1), wantCalls: 1},
		{name: "malformed json", email: sellerEmail, password: sellerPassword,
			setup: faultSetup(shiprockettest.Fault{Kind: shiprockettest.FaultMalformedJSON}),
			want:  unavailable(200, "", 1), wantCalls: 1},
		{name: "200 with only a message", email: sellerEmail, password: sellerPassword,
			setup: faultSetup(shiprockettest.Fault{Kind: shiprockettest.FaultMessage200}),
			want: shiprocket.LoginResult{Outcome: shiprocket.OutcomeUnexpected, HTTPStatus: 200,
				Message: shiprockettest.Message200, Attempts: 1},
			wantCalls: 1},
		{name: "429 with a short Retry-After is waited out", email: sellerEmail,
			password: sellerPassword,
			setup: faultSetup(shiprockettest.Fault{Kind: shiprockettest.FaultRateLimit,
				RetryAfter: "2", Times: 1}),
			want: withAttempts(verified, 2), wantCalls: 2,
			wantSleeps: []time.Duration{2 * time.Second}},
		{name: "429 with an HTTP-date Retry-After", email: sellerEmail, password: sellerPassword,
			setup: faultSetup(shiprockettest.Fault{Kind: shiprockettest.FaultRateLimit,
				RetryAfter: fixedNow.Add(4 * time.Second).Format(http.TimeFormat), Times: 1}),
			want: withAttempts(verified, 2), wantCalls: 2,
			wantSleeps: []time.Duration{4 * time.Second}},
		{name: "429 with a long Retry-After gives up at once", email: sellerEmail,
			password: sellerPassword,
			setup: faultSetup(shiprockettest.Fault{Kind: shiprockettest.FaultRateLimit,
				RetryAfter: "120"}),
			want: shiprocket.LoginResult{Outcome: shiprocket.OutcomeRateLimited, HTTPStatus: 429,
				Message: shiprockettest.RateLimitMessage, RetryAfter: 120 * time.Second,
				Attempts: 1},
			wantCalls: 1},
		{name: "429 without Retry-After backs off, then gives up", email: sellerEmail,
			password: sellerPassword,
			setup:    faultSetup(shiprockettest.Fault{Kind: shiprockettest.FaultRateLimit}),
			want: shiprocket.LoginResult{Outcome: shiprocket.OutcomeRateLimited, HTTPStatus: 429,
				Message: shiprockettest.RateLimitMessage, Attempts: 3},
			wantCalls: 3, wantSleeps: []time.Duration{500 * ms, 1000 * ms}},
		{name: "429 always with a short Retry-After", email: sellerEmail,
			password: sellerPassword,
			setup: faultSetup(shiprockettest.Fault{Kind: shiprockettest.FaultRateLimit,
				RetryAfter: "1"}),
			want: shiprocket.LoginResult{Outcome: shiprocket.OutcomeRateLimited, HTTPStatus: 429,
				Message: shiprockettest.RateLimitMessage, RetryAfter: time.Second, Attempts: 3},
			wantCalls: 3, wantSleeps: []time.Duration{time.Second, time.Second}},
		{name: "one connection reset then success", email: sellerEmail, password: sellerPassword,
			setup: faultSetup(shiprockettest.Fault{Kind: shiprockettest.FaultReset, Times: 1}),
			want:  withAttempts(verified, 2), wantCalls: 2,
			wantSleeps: []time.Duration{500 * ms}},
		{name: "connection always reset", email: sellerEmail, password: sellerPassword,
			setup: faultSetup(shiprockettest.Fault{Kind: shiprockettest.FaultReset}),
			want:  unavailable(0, "", 3), wantCalls: 3,
			wantSleeps: []time.Duration{500 * ms, 1000 * ms}},
		{name: "503 twice then a reset keeps the last status seen", email: otherEmail,
			password: "pw-other-1",
			setup: func(s *shiprockettest.Server) {
				s.AddAccount(shiprockettest.Account{Email: otherEmail, Password: "pw-other-1",
					LoginFault: shiprockettest.Fault{Kind: shiprockettest.FaultReset}})
				s.SetFault(shiprockettest.Fault{Kind: shiprockettest.FaultStatus, Status: 503,
					Times: 2})
			},
			want: unavailable(503, "Service Unavailable", 3), wantCalls: 3,
			wantSleeps: []time.Duration{500 * ms, 1000 * ms}},
		{name: "slow answer past the timeout is retried", email: sellerEmail,
			password: sellerPassword,
			setup: faultSetup(shiprockettest.Fault{Kind: shiprockettest.FaultDelay,
				Delay: 5 * time.Second, Times: 1}),
			config: func(c *shiprocket.Config) { c.Timeout = 150 * ms },
			want:   withAttempts(verified, 2), wantCalls: 2,
			wantSleeps: []time.Duration{500 * ms}},
		{name: "slow answer within the timeout", email: sellerEmail, password: sellerPassword,
			setup: faultSetup(shiprockettest.Fault{Kind: shiprockettest.FaultDelay,
				Delay: 50 * ms}),
			want: verified, wantCalls: 1},
		{name: "per-account 503", email: otherEmail, password: "anything",
			setup: func(s *shiprockettest.Server) {
				s.AddAccount(shiprockettest.Account{Email: otherEmail, Password: "pw-other-1",
					LoginFault: shiprockettest.Fault{Kind: shiprockettest.FaultStatus,
						Status: 503}})
			},
			want: unavailable(503, "Service Unavailable", 3), wantCalls: 3,
			wantSleeps: []time.Duration{500 * ms, 1000 * ms}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newFake(t)
			if tt.setup != nil {
				tt.setup(s)
			}
			c, sleeps := newClient(t, s.URL(), tt.config)
			shiprocket.SetNowForTest(c, func() time.Time { return fixedNow })

			issued := time.Now()
			got := c.Login(context.Background(), tt.email, tt.password)

			checkLogin(t, got, tt.want, issued)
			if n := s.LoginCalls(tt.email); n != tt.wantCalls {
				t.Errorf("LoginCalls = %d, want %d", n, tt.wantCalls)
			}
			if n := s.Requests(shiprocket.LoginPath); n != tt.wantCalls {
				t.Errorf("Requests(login) = %d, want %d", n, tt.wantCalls)
			}
			if got := sleeps.get(); !slices.Equal(got, tt.wantSleeps) {
				t.Errorf("sleeps = %v, want %v", got, tt.wantSleeps)
			}
		})
	}
}

// faultSetup returns a setup that sets f on the fake.
func faultSetup(f shiprockettest.Fault) func(*shiprockettest.Server) {
	return func(s *shiprockettest.Server) { s.SetFault(f) }
}

// withUser returns r with another user id.
func withUser(r shiprocket.LoginResult, id int64) shiprocket.LoginResult {
	r.UserID = id
	return r
}

func TestLoginSendsJSONWithHeaders(t *testing.T) {
	type seen struct {
		method, path, contentType, accept, userAgent, auth, body string
	}
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- seen{r.Method, r.URL.Path, r.Header.Get("Content-Type"),
			r.Header.Get("Accept"), r.Header.Get("User-Agent"), r.Header.Get("Authorization"),
			string(body)}
		_, _ = io.WriteString(w, `{"id":1,"token":"abc.def.ghi"}`)
	}))
	defer srv.Close()

	c, _ := newClient(t, srv.URL+"/", nil)
	res := c.Login(context.Background(), "a+api@example.com", `p"w\`)

	want := seen{"POST", shiprocket.LoginPath, "application/json", "application/json",
		"portal-test/1.0", "", `{"email":"a+api@example.com","password":"p\"w\\"}`}
	if s := <-got; s != want {
		t.Errorf("request = %+v, want %+v", s, want)
	}
	if res.Outcome != shiprocket.OutcomeVerified || res.Token.Reveal() != "abc.def.ghi" {
		t.Errorf("Login() = %v with token %q", res.Outcome, res.Token.Reveal())
	}
}

func TestDefaultUserAgent(t *testing.T) {
	ua := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case ua <- r.Header.Get("User-Agent"):
		default: // a second request would be a retry; the outcome tests catch those
		}
		w.WriteHeader(http.StatusForbidden)
	}))
	defer srv.Close()

	c, err := shiprocket.New(shiprocket.Config{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	c.Login(context.Background(), "a@example.com", "pw")
	if got := <-ua; got != shiprocket.DefaultUserAgent {
		t.Errorf("User-Agent = %q, want %q", got, shiprocket.DefaultUserAgent)
	}
}

func TestLoginDoesNotFollowRedirects(t *testing.T) {
	target := newFake(t)
	for _, status := range []int{301, 302, 307, 308} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			redirector := httptest.NewServer(http.HandlerFunc(
				func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, target.URL()+shiprocket.LoginPath, status)
				}))
			defer redirector.Close()

			c, sleeps := newClient(t, redirector.URL, nil)
			got := c.Login(context.Background(), sellerEmail, sellerPassword)

			checkLogin(t, got, shiprocket.LoginResult{Outcome: shiprocket.OutcomeUnavailable,
				HTTPStatus: status, Attempts: 1}, time.Now())
			if n := target.LoginCalls(sellerEmail); n != 0 {
				t.Errorf("redirect followed: target saw %d logins", n)
			}
			if len(sleeps.get()) != 0 {
				t.Errorf("redirect retried")
			}
		})
	}

	c, _ := newClient(t, target.URL(), nil)
	err := shiprocket.HTTPClientForTest(c).CheckRedirect(nil, nil)
	if !errors.Is(err, http.ErrUseLastResponse) {
		t.Errorf("CheckRedirect = %v, want http.ErrUseLastResponse", err)
	}
}

func TestLoginContextCancelCutsBackoffShort(t *testing.T) {
	s := newFake(t)
	s.SetFault(shiprockettest.Fault{Kind: shiprockettest.FaultStatus, Status: 503})
	c, err := shiprocket.New(shiprocket.Config{BaseURL: s.URL(), BaseDelay: 20 * time.Second,
		MaxDelay: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	shiprocket.SetJitterForTest(c, func(limit time.Duration) time.Duration { return limit })

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	got := c.Login(ctx, sellerEmail, sellerPassword)

	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("Login took %v; the 20s backoff was not cut short", elapsed)
	}
	checkLogin(t, got, shiprocket.LoginResult{Outcome: shiprocket.OutcomeUnavailable,
		HTTPStatus: 503, Message: "Service Unavailable", Attempts: 1}, start)
	if n := s.LoginCalls(sellerEmail); n != 1 {
		t.Errorf("LoginCalls = %d, want 1", n)
	}
}

func TestLoginWithEndedContextSendsNothing(t *testing.T) {
	s := newFake(t)
	c, sleeps := newClient(t, s.URL(), nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	got := c.Login(ctx, sellerEmail, sellerPassword)

	checkLogin(t, got, shiprocket.LoginResult{Outcome: shiprocket.OutcomeUnavailable},
		time.Now())
	if n := s.Requests(shiprocket.LoginPath); n != 0 || len(sleeps.get()) != 0 {
		t.Errorf("requests = %d, sleeps = %v; want none", n, sleeps.get())
	}
}

func TestLoginUnreachableHost(t *testing.T) {
	// A port that was just free on loopback: connection refused, retried, then unavailable.
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()

	c, sleeps := newClient(t, url, nil)
	got := c.Login(context.Background(), sellerEmail, sellerPassword)

	checkLogin(t, got, shiprocket.LoginResult{Outcome: shiprocket.OutcomeUnavailable,
		Attempts: 3}, time.Now())
	if n := len(sleeps.get()); n != 2 {
		t.Errorf("%d sleeps, want 2", n)
	}
}

func TestBackoffFullJitter(t *testing.T) {
	c, err := shiprocket.New(shiprocket.Config{BaseURL: "http://127.0.0.1:1",
		BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	limits := []time.Duration{100, 200, 400, 800, 1000, 1000, 1000}
	for n, limit := range limits {
		limit *= time.Millisecond
		var lo, hi time.Duration = limit, 0
		for range 300 {
			d := shiprocket.BackoffForTest(c, n)
			if d < 0 || d > limit {
				t.Fatalf("backoff(%d) = %v, outside [0, %v]", n, d, limit)
			}
			lo, hi = min(lo, d), max(hi, d)
		}
		// 300 uniform picks all landing in one half has odds of 2^-299.
		if lo > limit/2 || hi < limit/2 {
			t.Errorf("backoff(%d) picks span [%v, %v] of [0, %v]; not full jitter", n, lo, hi,
				limit)
		}
	}
	if d := shiprocket.BackoffForTest(c, 1000); d > time.Second {
		t.Errorf("backoff(1000) = %v, above the cap", d)
	}
}
