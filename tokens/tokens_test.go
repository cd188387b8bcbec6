package tokens_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/tokens"
	"github.com/aicofounder/shiprocket-portal/vault"
	"github.com/aicofounder/shiprocket-portal/verify"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

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

const password = "Gen3rated-Pass!"

var who = tokens.Requester{Actor: "api_key:7", Address: "192.0.2.10"}

type fixture struct {
	t      *testing.T
	ctx    context.Context
	st     *store.Store
	clock  *clock
	fake   *shiprockettest.Server
	checks *verify.Service
	svc    *tokens.Service
	logs   *syncBuffer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	// Shiprocket's fake stamps tokens with the real time, so the test clock starts there.
	c := &clock{t: time.Now().UTC().Truncate(time.Second)}
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "portal.db"), store.WithClock(c.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })

	fake := shiprockettest.NewServer()
	t.Cleanup(fake.Close)
	client, err := shiprocket.New(shiprocket.Config{BaseURL: fake.URL(), MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}

	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	keys := vault.GenerateKeyring()
	checks := verify.New(st, keys, client, log)
	return &fixture{t: t, ctx: ctx, st: st, clock: c, fake: fake, checks: checks,
		svc: tokens.New(st, keys, checks.Login, log, c.Now), logs: logs}
}

// verifiedSeller makes a seller whose credentials the fake accepts.
func (f *fixture) verifiedSeller(name string) (int64, string) {
	f.t.Helper()
	email := name + "+api@example.com"
	f.fake.AddAccount(shiprockettest.Account{Email: email, Password: password})
	h := sha256.Sum256([]byte(name))
	s, err := f.st.CreateSeller(f.ctx, store.NewSeller{StoreName: name, ContactName: "Asha",
		LoginEmail: name + "@example.com"}, h[:], time.Hour, store.ActorSeller)
	if err != nil {
		f.t.Fatal(err)
	}
	res, err := f.checks.Submit(f.ctx, s.ID, email, password, store.ActorSeller)
	if err != nil || res.Status != store.StatusVerified {
		f.t.Fatalf("submit: %v %v", res.Status, err)
	}
	return s.ID, email
}

func (f *fixture) issue(id int64, fresh bool) tokens.Issued {
	f.t.Helper()
	got, err := f.svc.Issue(f.ctx, id, who, fresh)
	if err != nil {
		f.t.Fatalf("Issue: %v", err)
	}
	return got
}

func (f *fixture) audit(id int64) []store.AuditEntry {
	f.t.Helper()
	entries, err := f.st.ListAudit(f.ctx, store.AuditQuery{SellerID: id,
		Action: store.AuditTokenIssued, Limit: 500})
	if err != nil {
		f.t.Fatal(err)
	}
	return entries
}

func TestFiftyConcurrentRequestsLogInOnce(t *testing.T) {
	f := newFixture(t)
	id, email := f.verifiedSeller("busy")
	before := f.fake.LoginCalls(email)

	const callers = 50
	var wg sync.WaitGroup
	results := make([]tokens.Issued, callers)
	errs := make([]error, callers)
	start := make(chan struct{})
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i], errs[i] = f.svc.Issue(f.ctx, id, who, false)
		}()
	}
	close(start)
	wg.Wait()

	if n := f.fake.LoginCalls(email) - before; n != 1 {
		t.Fatalf("%d Shiprocket logins for %d concurrent requests, want exactly 1", n, callers)
	}
	for i := range callers {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if results[i].Token.Reveal() != results[0].Token.Reveal() || results[i].Token == "" {
			t.Fatalf("caller %d got another token", i)
		}
	}

	entries := f.audit(id)
	if len(entries) != callers {
		t.Fatalf("%d audit lines, want one per token handed out (%d)", len(entries), callers)
	}
	for _, e := range entries {
		if e.Actor != who.Actor || e.Address != who.Address || e.SellerID != id ||
			e.Action != store.AuditTokenIssued || !e.At.Equal(f.clock.Now()) ||
			!strings.Contains(e.Detail, "token, expires ") {
			t.Fatalf("audit line %+v", e)
		}
		if strings.Contains(e.Detail, results[0].Token.Reveal()) {
			t.Fatal("the audit log holds the token")
		}
	}
	if strings.Contains(f.logs.String(), results[0].Token.Reveal()) {
		t.Fatal("the token appears in the logs")
	}
}

func TestTokenIsCachedUntilOneDayBeforeExpiry(t *testing.T) {
	f := newFixture(t)
	id, email := f.verifiedSeller("cache")
	t0 := f.clock.Now()

	first := f.issue(id, false)
	if first.Cached {
		t.Fatal("the first token came from the cache")
	}
	if d := first.ExpiresAt.Sub(t0); d < shiprocket.TokenLifetime-time.Minute ||
		d > shiprocket.TokenLifetime+time.Minute {
		t.Fatalf("expires in %s, want about 240h (the JWT's exp)", d)
	}
	logins := f.fake.LoginCalls(email)

	tests := []struct {
		name      string
		at        time.Time
		fresh     bool
		wantCache bool
	}{
		{"right away", t0, false, true},
		{"fresh asked within a minute: still the cache", t0.Add(30 * time.Second), true, true},
		{"a second before the refresh point", first.ExpiresAt.Add(-24*time.Hour - time.Second),
			false, true},
		{"one day before expiry", first.ExpiresAt.Add(-24 * time.Hour), false, false},
	}
	for _, tt := range tests {
		f.clock.Set(tt.at)
		got := f.issue(id, tt.fresh)
		if got.Cached != tt.wantCache {
			t.Fatalf("%s: cached %v, want %v", tt.name, got.Cached, tt.wantCache)
		}
		sameToken := got.Token.Reveal() == first.Token.Reveal()
		if sameToken != tt.wantCache {
			t.Fatalf("%s: same token %v, want %v", tt.name, sameToken, tt.wantCache)
		}
	}
	if n := f.fake.LoginCalls(email) - logins; n != 1 {
		t.Errorf("%d logins after the first, want 1 (the refresh)", n)
	}

	// Asking for a fresh token once the cached one is a minute old logs in again.
	f.clock.Set(f.clock.Now().Add(time.Minute))
	if got := f.issue(id, true); got.Cached {
		t.Error("fresh=true after a minute still came from the cache")
	}
	if n := f.fake.LoginCalls(email) - logins; n != 2 {
		t.Errorf("%d logins, want 2", n)
	}
}

func TestCachedTokenIsSealedAndBoundToItsSeller(t *testing.T) {
	f := newFixture(t)
	a, _ := f.verifiedSeller("alpha")
	b, bEmail := f.verifiedSeller("beta")
	tokA := f.issue(a, false)

	row, err := f.st.Token(f.ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(row.Sealed, []byte(tokA.Token.Reveal())) ||
		bytes.Contains(row.Sealed, []byte(strings.Split(tokA.Token.Reveal(), ".")[1])) {
		t.Fatal("the cached token is stored in clear")
	}

	// Seller A's sealed token copied onto seller B's row does not open: B gets its own.
	row.SellerID, row.APIEmail = b, bEmail
	if err := f.st.SaveToken(f.ctx, row); err != nil {
		t.Fatal(err)
	}
	before := f.fake.LoginCalls(bEmail)
	got := f.issue(b, false)
	if got.Cached || got.Token.Reveal() == tokA.Token.Reveal() {
		t.Fatal("seller B was handed seller A's token")
	}
	if n := f.fake.LoginCalls(bEmail) - before; n != 1 {
		t.Errorf("%d logins for B, want 1", n)
	}
}

func TestNewCredentialsDropTheCachedToken(t *testing.T) {
	f := newFixture(t)
	id, email := f.verifiedSeller("resubmit")
	old := f.issue(id, false)

	f.clock.Set(f.clock.Now().Add(time.Hour))
	f.fake.SetPassword(email, "Another-Pass-2")
	_, err := f.checks.Submit(f.ctx, id, email, "Another-Pass-2", store.ActorSeller)
	if err != nil {
		t.Fatal(err)
	}
	got := f.issue(id, false)
	if got.Cached || got.Token.Reveal() == old.Token.Reveal() {
		t.Error("a token from before the new submission was handed out")
	}
}

func TestNoLoginForSellersThatAreNotVerified(t *testing.T) {
	f := newFixture(t)
	email := "down+api@example.com"
	f.fake.AddAccount(shiprockettest.Account{Email: email, Password: password,
		LoginFault: shiprockettest.Fault{Kind: shiprockettest.FaultStatus, Status: 503}})
	h := sha256.Sum256([]byte("x"))
	s, err := f.st.CreateSeller(f.ctx, store.NewSeller{StoreName: "x", ContactName: "x",
		LoginEmail: "x@example.com"}, h[:], time.Hour, store.ActorSeller)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		setup func()
		id    int64
		want  error
	}{
		{"unknown seller", func() {}, 999, store.ErrNotFound},
		{"never submitted", func() {}, s.ID, tokens.ErrNotReady},
		{"check pending", func() {
			if _, err := f.checks.Submit(f.ctx, s.ID, email, password, "seller"); err != nil {
				t.Fatal(err)
			}
		}, s.ID, tokens.ErrNotReady},
	}
	for _, tt := range tests {
		tt.setup()
		before := f.fake.LoginCalls(email)
		_, err := f.svc.Issue(f.ctx, tt.id, who, false)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: err %v, want %v", tt.name, err, tt.want)
		}
		if n := f.fake.LoginCalls(email) - before; n != 0 {
			t.Errorf("%s: %d logins, want none", tt.name, n)
		}
	}
	if n := len(f.audit(s.ID)); n != 0 {
		t.Errorf("%d audit lines for refused requests, want none", n)
	}
}

func TestRefusedPasswordIsRecordedAndNeverTriedAgain(t *testing.T) {
	f := newFixture(t)
	id, email := f.verifiedSeller("refused")
	f.fake.SetPassword(email, "changed-in-shiprocket")
	before := f.fake.LoginCalls(email)

	if _, err := f.svc.Issue(f.ctx, id, who, false); !errors.Is(err, tokens.ErrRefused) {
		t.Fatalf("err %v, want ErrRefused", err)
	}
	s, err := f.st.Seller(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != store.StatusNeedsAction || s.StatusReason != "wrong_credentials" {
		t.Errorf("seller %s/%s, want needs_action/wrong_credentials", s.Status, s.StatusReason)
	}
	checks, err := f.st.Checks(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) != 2 || checks[0].Trigger != verify.TriggerAPI ||
		checks[0].Outcome != "wrong_credentials" || checks[0].FinishedAt.IsZero() {
		t.Errorf("latest check %+v, want a finished api check with wrong_credentials", checks[0])
	}

	for range 3 {
		if _, err := f.svc.Issue(f.ctx, id, who, true); !errors.Is(err, tokens.ErrNotReady) {
			t.Fatalf("err %v, want ErrNotReady", err)
		}
	}
	if n := f.fake.LoginCalls(email) - before; n != 1 {
		t.Errorf("%d logins, want exactly 1: a refused password is never tried again", n)
	}
}

func TestMissingModulesStillGetATokenShiprocketDownDoesNot(t *testing.T) {
	f := newFixture(t)
	id, email := f.verifiedSeller("partial")
	f.fake.SetDenied(email, shiprocket.AreaWallet)
	if _, err := f.checks.Recheck(f.ctx, id, verify.TriggerStaff); err != nil {
		t.Fatal(err)
	}
	if got := f.issue(id, false); got.Token == "" {
		t.Fatal("no token for a seller whose login works")
	}

	f.fake.SetFault(shiprockettest.Fault{Kind: shiprockettest.FaultStatus, Status: 502})
	f.clock.Set(f.clock.Now().Add(2 * time.Minute))
	if _, err := f.svc.Issue(f.ctx, id, who, true); !errors.Is(err, tokens.ErrUnavailable) {
		t.Fatalf("err %v, want ErrUnavailable", err)
	}
	s, err := f.st.Seller(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != store.StatusNeedsAction || s.StatusReason != verify.ReasonMissingModules {
		t.Errorf("an unanswered login changed the seller to %s/%s", s.Status, s.StatusReason)
	}
}
