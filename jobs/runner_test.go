package jobs_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/jobs"
	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/vault"
	"github.com/aicofounder/shiprocket-portal/verify"
	"github.com/aicofounder/shiprocket-portal/webhook"
)

// fakeClock is a settable clock whose Sleep moves time forward at once.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.Advance(d)
	return ctx.Err()
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.t = c.t.Add(d)
	}
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

const (
	apiEmail = "shop+api@example.com"
	password = "Gen3rated-Pass!"
	// hookURL is only written into queued deliveries; these tests never send them.
	hookURL = "http://127.0.0.1:9/hook"
)

// env is a runner over a real SQLite file and a real verify service.
type env struct {
	t      *testing.T
	ctx    context.Context
	st     *store.Store
	path   string
	keys   *vault.Keyring
	clock  *fakeClock
	checks *verify.Service
	runner *jobs.Runner
}

type envOptions struct {
	rate      int
	rand      func(int64) int64
	clock     jobs.Clock
	announcer jobs.Announcer
	log       io.Writer // io.Discard when nil
}

func newEnv(t *testing.T, verifier verify.Verifier, opts envOptions) *env {
	t.Helper()
	ctx := context.Background()
	clock := newFakeClock()

	path := filepath.Join(t.TempDir(), "portal.db")
	st, err := store.Open(ctx, path, store.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })

	if opts.log == nil {
		opts.log = io.Discard
	}
	log := slog.New(slog.NewJSONHandler(opts.log, nil))
	notifier, err := webhook.New(st, webhook.Config{URLs: []string{hookURL},
		Secret: []byte("0123456789abcdef0123456789abcdef"), Now: clock.Now}, log)
	if err != nil {
		t.Fatal(err)
	}

	keys := vault.GenerateKeyring()
	checks := verify.New(st, keys, verifier, log)
	var announcer jobs.Announcer = notifier
	if opts.announcer != nil {
		announcer = opts.announcer
	}
	if opts.rand == nil {
		opts.rand = func(n int64) int64 { return n / 2 } // no jitter: the middle of the range
	}
	var c jobs.Clock = clock
	if opts.clock != nil {
		c = opts.clock
	}
	runner := jobs.New(st, checks, announcer, jobs.Config{RatePerMinute: opts.rate, Clock: c,
		Rand: opts.rand, Poll: 5 * time.Millisecond}, log)
	checks.SetHooks(runner)

	return &env{t: t, ctx: ctx, st: st, path: path, keys: keys, clock: clock, checks: checks,
		runner: runner}
}

// newFakeEnv is an env whose verify service talks to a fake Shiprocket over loopback.
func newFakeEnv(t *testing.T) (*env, *shiprockettest.Server) {
	t.Helper()
	return newFakeEnvWith(t, envOptions{})
}

// newFakeEnvWith is newFakeEnv with options.
func newFakeEnvWith(t *testing.T, opts envOptions) (*env, *shiprockettest.Server) {
	t.Helper()
	fake := shiprockettest.NewServer()
	t.Cleanup(fake.Close)
	fake.AddAccount(shiprockettest.Account{Email: apiEmail, Password: password})

	client, err := shiprocket.New(shiprocket.Config{BaseURL: fake.URL(), MaxAttempts: 1,
		BaseDelay: time.Millisecond, MaxDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return newEnv(t, client, opts), fake
}

// exec runs raw SQL on the database through a connection of its own, as another process would.
func (e *env) exec(query string) {
	e.t.Helper()
	db, err := sql.Open("sqlite", "file:"+e.path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(e.ctx, query); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) newSeller(name string) int64 {
	e.t.Helper()
	h := sha256.Sum256([]byte(name))
	s, err := e.st.CreateSeller(e.ctx, store.NewSeller{StoreName: name, ContactName: "Asha",
		LoginEmail: name + "@example.com"}, h[:], time.Hour, store.ActorSeller)
	if err != nil {
		e.t.Fatal(err)
	}
	return s.ID
}

func (e *env) submit(id int64, pw string) verify.Result {
	e.t.Helper()
	res, err := e.checks.Submit(e.ctx, id, apiEmail, pw, store.ActorSeller)
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

func (e *env) seller(id int64) store.Seller {
	e.t.Helper()
	s, err := e.st.Seller(e.ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

func (e *env) monitor(id int64) store.Monitor {
	e.t.Helper()
	m, err := e.st.Monitor(e.ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

// queued returns the seller's queued job, failing the test when there is none.
func (e *env) queued(id int64) store.Job {
	e.t.Helper()
	j, err := e.st.QueuedJob(e.ctx, id)
	if err != nil {
		e.t.Fatalf("queued job of seller %d: %v", id, err)
	}
	return j
}

func (e *env) noQueued(id int64) {
	e.t.Helper()
	if j, err := e.st.QueuedJob(e.ctx, id); err == nil {
		e.t.Fatalf("seller %d has queued job %+v, want none", id, j)
	}
}

// runAt moves the clock to the job's time and runs everything due, expecting exactly want jobs.
func (e *env) runAt(t time.Time, want int) {
	e.t.Helper()
	e.clock.Set(t)
	n, err := e.runner.RunDue(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	if n != want {
		e.t.Fatalf("at %s: ran %d jobs, want %d", t.Format(time.RFC3339), n, want)
	}
}

// eventKinds returns the kinds of the seller's timeline events, oldest first, leaving out the
// ones the wizard writes.
func (e *env) eventKinds(id int64) []string {
	e.t.Helper()
	events, err := e.st.Events(e.ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Kind != store.EventCreated {
			out = append(out, events[i].Kind)
		}
	}
	return out
}

// announced returns the event types queued for webhooks about the seller, oldest first.
func (e *env) announced(id int64) []string {
	e.t.Helper()
	ds, err := e.st.Deliveries(e.ctx, store.DeliveryFilter{SellerID: id, Limit: 500})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for i := len(ds) - 1; i >= 0; i-- {
		out = append(out, ds[i].EventType)
	}
	return out
}

func (e *env) checkTriggers(id int64) []string {
	e.t.Helper()
	checks, err := e.st.Checks(e.ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for i := len(checks) - 1; i >= 0; i-- {
		out = append(out, checks[i].Trigger+":"+checks[i].Outcome)
	}
	return out
}

func TestPendingRetriesFollowTheSchedule(t *testing.T) {
	e, fake := newFakeEnv(t)
	fake.SetFault(shiprockettest.Fault{Kind: shiprockettest.FaultStatus, Status: 503})
	id := e.newSeller("pending")
	t0 := e.clock.Now()

	if res := e.submit(id, password); res.Status != store.StatusCheckPending {
		t.Fatalf("submit with Shiprocket down: status %s, want check_pending", res.Status)
	}

	// 1, 5, 15 and 60 minutes, then hourly, with one last try when the 24 hours are up, then
	// once a day.
	want := []time.Duration{time.Minute, 6 * time.Minute, 21 * time.Minute, 81 * time.Minute}
	for m := 141; m < 24*60; m += 60 {
		want = append(want, time.Duration(m)*time.Minute)
	}
	want = append(want, 24*time.Hour, 48*time.Hour)

	var got []time.Duration
	for range want {
		j := e.queued(id)
		if j.Kind != store.JobRetry {
			t.Fatalf("queued job kind %q, want retry", j.Kind)
		}
		got = append(got, j.RunAt.Sub(t0))
		e.runAt(j.RunAt, 1)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("retries at %v,\nwant %v", got, want)
	}

	if n := fake.LoginCalls(apiEmail); n != len(want)+1 {
		t.Errorf("logins = %d, want %d (the submission and each retry)", n, len(want)+1)
	}
	m := e.monitor(id)
	// Every retry but the daily one counts as a retry within the window.
	wantMon := store.Monitor{SellerID: id, PendingSince: t0, PendingRetries: len(want) - 1,
		GaveUpAt: t0.Add(24 * time.Hour), UpdatedAt: t0.Add(48 * time.Hour)}
	if m != wantMon {
		t.Errorf("monitor %+v,\nwant %+v", m, wantMon)
	}
	kinds := e.eventKinds(id)
	if n := countOf(kinds, store.EventRetriesExhausted); n != 1 {
		t.Errorf("%d retries_exhausted events, want 1: %v", n, kinds)
	}
	if s := e.seller(id); s.Status != store.StatusCheckPending {
		t.Errorf("status %s, want check_pending", s.Status)
	}

	// Shiprocket comes back: the next daily try verifies, and the seller is re-checked a day on.
	fake.ClearFaults()
	next := e.queued(id).RunAt
	e.runAt(next, 1)
	if s := e.seller(id); s.Status != store.StatusVerified {
		t.Fatalf("status after Shiprocket came back: %s, want verified", s.Status)
	}
	if j := e.queued(id); j.Kind != store.JobRecheck || !j.RunAt.Equal(next.Add(24*time.Hour)) {
		t.Errorf("next job %s at %s, want recheck at %s", j.Kind, j.RunAt, next.Add(24*time.Hour))
	}
	if m := e.monitor(id); m != (store.Monitor{SellerID: id, Announced: store.StatusVerified,
		UpdatedAt: next}) {
		t.Errorf("monitor after verification %+v", m)
	}
	if got := e.announced(id); !slices.Equal(got, []string{webhook.EventSubmitted,
		webhook.EventVerified}) {
		t.Errorf("webhooks %v, want submitted then verified", got)
	}
}

func countOf(list []string, v string) int {
	n := 0
	for _, s := range list {
		if s == v {
			n++
		}
	}
	return n
}

func TestChangedPasswordIsCaughtNeverRetriedAndRecovers(t *testing.T) {
	e, fake := newFakeEnv(t)
	id := e.newSeller("changed")
	t0 := e.clock.Now()
	if res := e.submit(id, password); res.Status != store.StatusVerified {
		t.Fatalf("submit: status %s, want verified", res.Status)
	}
	if j := e.queued(id); j.Kind != store.JobRecheck || !j.RunAt.Equal(t0.Add(24*time.Hour)) {
		t.Fatalf("after verification: job %s at %s, want recheck a day later", j.Kind, j.RunAt)
	}

	// The seller changes the API user's password in Shiprocket; the next re-check sees it.
	fake.SetPassword(apiEmail, "a-new-password")
	e.runAt(t0.Add(24*time.Hour), 1)
	s := e.seller(id)
	if s.Status != store.StatusNeedsAction ||
		s.StatusReason != string(shiprocket.OutcomeWrongCredentials) {
		t.Fatalf("after re-check: %s/%s, want needs_action/wrong_credentials", s.Status,
			s.StatusReason)
	}
	if n := fake.LoginCalls(apiEmail); n != 2 {
		t.Fatalf("logins = %d, want 2", n)
	}

	// Three more days are counted without a single login, and the fourth makes it stale.
	for day := 2; day <= 4; day++ {
		j := e.queued(id)
		if j.Kind != store.JobWatch || !j.RunAt.Equal(t0.Add(time.Duration(day)*24*time.Hour)) {
			t.Fatalf("day %d: job %s at %s, want watch", day, j.Kind, j.RunAt)
		}
		e.runAt(j.RunAt, 1)
		if m := e.monitor(id); m.FailDays != day {
			t.Fatalf("day %d: fail days %d", day, m.FailDays)
		}
	}
	if n := fake.LoginCalls(apiEmail); n != 2 {
		t.Fatalf("logins after the failing days = %d, want still 2: a refused password must "+
			"never be retried", n)
	}
	e.noQueued(id)
	e.runAt(t0.Add(30*24*time.Hour), 0)

	m := e.monitor(id)
	wantMon := store.Monitor{SellerID: id, Announced: store.StatusNeedsAction,
		FailingSince: t0.Add(24 * time.Hour), FailDays: 4,
		LastFailDay: t0.Add(4 * 24 * time.Hour).Format(time.DateOnly),
		StaleAt:     t0.Add(4 * 24 * time.Hour), UpdatedAt: t0.Add(4 * 24 * time.Hour)}
	if m != wantMon {
		t.Errorf("monitor %+v,\nwant %+v", m, wantMon)
	}

	// The seller submits the new password: verified again, and that is a recovery.
	e.submit(id, "a-new-password")
	if s := e.seller(id); s.Status != store.StatusVerified {
		t.Fatalf("after the new password: %s", s.Status)
	}
	if got, want := e.eventKinds(id), []string{
		store.EventSubmitted, store.EventChecked, // verified
		store.EventChecked, store.EventCredentialsFailed, // re-check refused
		store.EventStale,
		store.EventSubmitted, store.EventChecked, store.EventRecovered,
	}; !slices.Equal(got, want) {
		t.Errorf("timeline %v,\nwant %v", got, want)
	}
	if got, want := e.announced(id), []string{
		webhook.EventSubmitted, webhook.EventVerified, webhook.EventNeedsAction,
		webhook.EventStale, webhook.EventSubmitted, webhook.EventRecovered,
		webhook.EventVerified,
	}; !slices.Equal(got, want) {
		t.Errorf("webhooks %v,\nwant %v", got, want)
	}
	if got, want := e.checkTriggers(id), []string{"seller:verified",
		"auto:wrong_credentials", "seller:verified"}; !slices.Equal(got, want) {
		t.Errorf("checks %v, want %v", got, want)
	}
	if m := e.monitor(id); !m.FailingSince.IsZero() || m.FailDays != 0 || !m.StaleAt.IsZero() {
		t.Errorf("failure not cleared after recovery: %+v", m)
	}
}

func TestMissingModulesAreCheckedDailyUntilFixed(t *testing.T) {
	e, fake := newFakeEnv(t)
	id := e.newSeller("modules")
	t0 := e.clock.Now()
	e.submit(id, password)

	// A module is unticked: logging in still works, so following up means checking again.
	fake.SetDenied(apiEmail, shiprocket.AreaWallet)
	e.runAt(t0.Add(24*time.Hour), 1)
	e.runAt(t0.Add(48*time.Hour), 1)
	if s := e.seller(id); s.StatusReason != verify.ReasonMissingModules {
		t.Fatalf("reason %q, want missing_modules", s.StatusReason)
	}
	if m := e.monitor(id); m.FailDays != 2 || !m.StaleAt.IsZero() {
		t.Fatalf("monitor %+v, want 2 failing days and not stale", m)
	}

	fake.SetDenied(apiEmail)
	e.runAt(t0.Add(72*time.Hour), 1)
	if s := e.seller(id); s.Status != store.StatusVerified {
		t.Fatalf("after the module was ticked: %s", s.Status)
	}
	if n := fake.LoginCalls(apiEmail); n != 4 {
		t.Errorf("logins = %d, want 4 (submission and three daily checks)", n)
	}
	if got, want := e.announced(id), []string{webhook.EventSubmitted, webhook.EventVerified,
		webhook.EventNeedsAction, webhook.EventRecovered, webhook.EventVerified}; !slices.Equal(
		got, want) {
		t.Errorf("webhooks %v, want %v", got, want)
	}
}

// stubVerifier verifies every login at once, noting when each call started by the clock and
// how many ran at the same time.
type stubVerifier struct {
	clock    jobs.Clock
	mu       sync.Mutex
	starts   []time.Time
	inFlight atomic.Int32
	maxIn    atomic.Int32
	gate     chan struct{} // when set, each call waits for a value
	entered  chan struct{} // when set, each call reports that it started
}

func (v *stubVerifier) Verify(ctx context.Context, email, password string) shiprocket.Report {
	n := v.inFlight.Add(1)
	defer v.inFlight.Add(-1)
	for {
		old := v.maxIn.Load()
		if n <= old || v.maxIn.CompareAndSwap(old, n) {
			break
		}
	}
	v.mu.Lock()
	v.starts = append(v.starts, v.clock.Now())
	v.mu.Unlock()
	if v.entered != nil {
		v.entered <- struct{}{}
	}
	if v.gate != nil {
		<-v.gate
	}

	rep := shiprocket.Report{Login: shiprocket.LoginResult{Outcome: shiprocket.OutcomeVerified,
		HTTPStatus: 200}, Buyer: shiprocket.BuyerVisible}
	for _, a := range shiprocket.Areas() {
		rep.Probes = append(rep.Probes, shiprocket.Probe{Area: a.Area,
			Access: shiprocket.AccessGranted, HTTPStatus: 200})
	}
	return rep
}

func TestThousandSellersNeverExceedTheRateCap(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 1,000 sellers")
	}
	const sellers, capPerMinute = 1000, 60
	v := &stubVerifier{}
	e := newEnv(t, v, envOptions{rate: capPerMinute, rand: newSeqRand(),
		announcer: nopAnnouncer{}})
	v.clock = e.clock

	t0 := e.clock.Now()
	for i := range sellers {
		id := e.newSeller(fmt.Sprintf("s%04d", i))
		e.submit(id, password)
	}

	// The re-checks are spread by jitter over a window around one day.
	var first, last time.Time
	for id := int64(1); id <= sellers; id++ {
		at := e.queued(id).RunAt
		if first.IsZero() || at.Before(first) {
			first = at
		}
		if at.After(last) {
			last = at
		}
	}
	day := t0.Add(24 * time.Hour)
	if first.Before(day.Add(-72*time.Minute)) || last.After(day.Add(72*time.Minute)) ||
		last.Sub(first) < 2*time.Hour {
		t.Fatalf("re-checks between %s and %s, want spread over about ±72 minutes of %s", first,
			last, day)
	}

	v.mu.Lock()
	v.starts = nil
	v.mu.Unlock()
	e.runAt(day.Add(3*time.Hour), sellers)

	v.mu.Lock()
	starts := slices.Clone(v.starts)
	v.mu.Unlock()
	if len(starts) != sellers {
		t.Fatalf("%d re-checks, want %d", len(starts), sellers)
	}
	for i := 0; i+capPerMinute < len(starts); i++ {
		if d := starts[i+capPerMinute].Sub(starts[i]); d < time.Minute {
			t.Fatalf("checks %d to %d started within %s: more than %d in a minute", i,
				i+capPerMinute, d, capPerMinute)
		}
	}
	if m := v.maxIn.Load(); m != 1 {
		t.Errorf("at most %d checks ran at once, want 1", m)
	}
}

// newSeqRand is a deterministic spread of values in [0, n).
func newSeqRand() func(int64) int64 {
	var i int64
	return func(n int64) int64 {
		i++
		return (i * 7919) % 1000 * (n / 1000)
	}
}

type nopAnnouncer struct{}

func (nopAnnouncer) Deliveries(string, store.Seller, time.Time) ([]store.NewDelivery, error) {
	return nil, nil
}
func (nopAnnouncer) Wake() {}

func TestResumeRetriesACheckCutOffByACrash(t *testing.T) {
	e, fake := newFakeEnv(t)
	id := e.newSeller("crashed")

	// What a kill -9 during the check leaves behind: the submission committed, its safety
	// retry queued a minute on, and its check still marked running.
	keyID, sealed, err := e.keys.Seal([]byte(password),
		store.SecretAD(id, store.PurposePassword))
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.st.Submit(e.ctx, store.Submission{SellerID: id, APIEmail: apiEmail,
		KeyID: keyID, Sealed: sealed, Trigger: verify.TriggerSeller, Actor: store.ActorSeller,
		Then: e.runner.Submitted(id)})
	if err != nil {
		t.Fatal(err)
	}
	if j := e.queued(id); !j.RunAt.Equal(e.clock.Now().Add(time.Minute)) {
		t.Fatalf("safety retry at %s, want a minute on", j.RunAt)
	}

	// The restart: the check is tried at once rather than a minute later.
	e.clock.Advance(time.Second)
	if err := e.runner.Resume(e.ctx); err != nil {
		t.Fatal(err)
	}
	j := e.queued(id)
	if j.Kind != store.JobRetry || !j.RunAt.Equal(e.clock.Now()) {
		t.Fatalf("after resume: job %s at %s, want retry now (%s)", j.Kind, j.RunAt,
			e.clock.Now())
	}
	e.runAt(e.clock.Now(), 1)
	if s := e.seller(id); s.Status != store.StatusVerified {
		t.Fatalf("after the retry: %s, want verified", s.Status)
	}
	got, want := e.checkTriggers(id), []string{"seller:running", "auto:verified"}
	if !slices.Equal(got, want) {
		t.Errorf("checks %v, want %v", got, want)
	}
	if n := fake.LoginCalls(apiEmail); n != 1 {
		t.Errorf("logins = %d, want 1", n)
	}
}

func TestResumeAnnouncesAndSchedulesWhatWasLost(t *testing.T) {
	e, _ := newFakeEnv(t)
	id := e.newSeller("lost")
	e.submit(id, password)

	// Lose the job and the announcement, as a crash between the check and its hook would.
	e.exec(`DELETE FROM jobs; DELETE FROM webhook_deliveries; UPDATE monitor SET announced = ''`)
	if err := e.runner.Resume(e.ctx); err != nil {
		t.Fatal(err)
	}
	if j := e.queued(id); j.Kind != store.JobRecheck ||
		j.RunAt.Before(e.clock.Now()) || j.RunAt.After(e.clock.Now().Add(24*time.Hour)) {
		t.Errorf("job %s at %s, want a recheck within a day", j.Kind, j.RunAt)
	}
	if got := e.announced(id); !slices.Equal(got, []string{webhook.EventVerified}) {
		t.Errorf("webhooks %v, want verified", got)
	}

	// A second pass finds nothing more to do.
	if err := e.runner.Resume(e.ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.announced(id); len(got) != 1 {
		t.Errorf("webhooks after a second resume %v, want still one", got)
	}
}

func TestRunFinishesTheCheckInFlightWhenStopped(t *testing.T) {
	v := &stubVerifier{}
	e := newEnv(t, v, envOptions{})
	v.clock = e.clock
	id := e.newSeller("inflight")
	t0 := e.clock.Now()
	e.submit(id, password)

	v.gate, v.entered = make(chan struct{}), make(chan struct{}, 1)
	e.clock.Set(t0.Add(24 * time.Hour))
	ctx, cancel := context.WithCancel(e.ctx)
	stopped := make(chan error, 1)
	go func() { stopped <- e.runner.Run(ctx) }()

	select {
	case <-v.entered:
	case <-time.After(5 * time.Second):
		t.Fatal("the re-check never started")
	}
	cancel()
	select {
	case <-stopped:
		t.Fatal("Run returned while its check was still running")
	case <-time.After(50 * time.Millisecond):
	}

	close(v.gate)
	select {
	case err := <-stopped:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return once its check finished")
	}

	got, want := e.checkTriggers(id), []string{"seller:verified", "auto:verified"}
	if !slices.Equal(got, want) {
		t.Errorf("checks %v, want %v: the check in flight must be recorded", got, want)
	}
	jobs, err := e.st.Jobs(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 2 || jobs[1].State != store.JobDone || jobs[0].State != store.JobQueued {
		t.Errorf("jobs %+v, want the re-check done and the next one queued", jobs)
	}
}

// sleepyClock is a fakeClock whose Sleep waits until ctx ends, reporting each call.
type sleepyClock struct {
	*fakeClock
	sleeping chan time.Duration
}

func (c sleepyClock) Sleep(ctx context.Context, d time.Duration) error {
	c.sleeping <- d
	<-ctx.Done()
	return ctx.Err()
}

func TestRunGivesBackAJobWaitingForItsTurn(t *testing.T) {
	v := &stubVerifier{}
	clock := sleepyClock{sleeping: make(chan time.Duration, 1)}
	e := newEnv(t, v, envOptions{rate: 1, clock: &clock})
	clock.fakeClock = e.clock
	v.clock = e.clock
	a, b := e.newSeller("first"), e.newSeller("second")
	t0 := e.clock.Now()
	e.submit(a, password)
	e.submit(b, password)

	e.clock.Set(t0.Add(25 * time.Hour))
	ctx, cancel := context.WithCancel(e.ctx)
	stopped := make(chan error, 1)
	go func() { stopped <- e.runner.Run(ctx) }()

	// The first re-check runs at once; the second waits a minute under the cap of one a minute.
	select {
	case d := <-clock.sleeping:
		if d != time.Minute {
			t.Errorf("waited %s for the second login, want 1m", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the second job never waited for its turn")
	}
	cancel()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}

	if n := len(v.starts); n != 3 {
		t.Errorf("%d logins, want 3 (two submissions, one re-check)", n)
	}
	j := e.queued(b)
	if j.Kind != store.JobRecheck || j.Attempts != 0 || j.Result != "released" ||
		!j.RunAt.Equal(e.clock.Now()) {
		t.Errorf("the waiting job %+v, want it queued again for now, attempts not counted", j)
	}
}

// failingAnnouncer cannot build any webhook delivery while failing is set.
type failingAnnouncer struct{ failing *atomic.Bool }

func (a failingAnnouncer) Deliveries(string, store.Seller, time.Time) ([]store.NewDelivery,
	error) {
	if a.failing.Load() {
		return nil, errors.New("no payload today")
	}
	return nil, nil
}

func (failingAnnouncer) Wake() {}

// TestFailingPlanKeepsTheCheck checks that when the runner's plan fails (here its webhooks
// cannot be built), the seller's submission and the check's result are recorded all the same,
// each failure is logged with the seller, and reconciliation gives back the missing job.
func TestFailingPlanKeepsTheCheck(t *testing.T) {
	var logs bytes.Buffer
	var failing atomic.Bool
	failing.Store(true)
	e, _ := newFakeEnvWith(t, envOptions{announcer: failingAnnouncer{&failing}, log: &logs})
	id := e.newSeller("planless")

	res := e.submit(id, password)
	if res.Status != store.StatusVerified || res.Check.Outcome != "verified" {
		t.Fatalf("submit: status %s, outcome %s", res.Status, res.Check.Outcome)
	}
	if got := e.seller(id); got.Status != store.StatusVerified {
		t.Fatalf("seller status %s, want verified", got.Status)
	}
	if n := strings.Count(logs.String(), `failed; kept the write without it`); n != 2 {
		t.Errorf("%d plan failures logged, want 2 (submission, result):\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), fmt.Sprintf(`"seller_id":%d`, id)) ||
		!strings.Contains(logs.String(), "no payload today") {
		t.Errorf("the failure log lacks the seller or the cause:\n%s", logs.String())
	}
	if _, err := e.st.QueuedJob(e.ctx, id); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a job was planned although the plan failed: %v", err)
	}

	// Once webhooks can be built again, reconciliation schedules the verified seller's daily
	// check.
	failing.Store(false)
	if err := e.runner.Reconcile(e.ctx); err != nil {
		t.Fatal(err)
	}
	if j := e.queued(id); j.Kind != store.JobRecheck {
		t.Errorf("after reconciliation: job %s, want %s", j.Kind, store.JobRecheck)
	}
}
