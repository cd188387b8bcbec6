package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
)

// Targets of issue 8, on 2 cores.
const (
	wizardShare    = 0.5 // of the bare handler's throughput
	submitRate     = 500 // credentials submits per second
	queueRate      = 200 // staff queue requests per second, open loop
	queueP99       = 20 * time.Millisecond
	searchP99      = 50 * time.Millisecond
	exportLimit    = 2 * time.Second
	slowChecks     = 200 // concurrent checks in flight
	slowAnswer     = 500 * time.Millisecond
	slowPageP99    = 50 * time.Millisecond
	startLimit     = 300 * time.Millisecond
	rssLimit       = 80 << 20
	exportFlatness = 16 << 20 // the most RSS may grow while streaming 100k rows
)

// Load shapes of the scenarios.
const (
	closedWorkers = 16 // connections of the throughput loops
	searchRate    = 20 // searches per second, open loop
	slowPageRate  = 50 // page loads per second during the slow checks
	maxInFlight   = 2000
)

// Staff account the bench signs in with. The password only ever goes to the bench's own portal.
const (
	staffEmail    = "bench-admin@bench.example"
	staffPassword = "bench staff password 2024"
)

// bench holds one run: its directory, the processes, the seeded data and the results so far.
type bench struct {
	opts options
	dir  string
	out  io.Writer
	rng  *mrand.Rand

	bin    string
	dbPath string
	seed   *seedResult
	fake   *shiprockettest.Server
	delay  atomic.Int64 // nanoseconds the fake waits before each answer
	fakeLn net.Listener
	portal *server
	env    []string
	logEnd int64

	transport *http.Transport
	client    *http.Client
	staff     *user
	wizard    []*sessionUser
	bareTput  *sample
	floorTput *sample
	bareOpen  *sample

	// overall is the highest per-scenario peak RSS.
	overall int64
	notes   []string
	// cpuMark is the portal's CPU time when a scenario's measurement started, and lastSample
	// what the scenario measured, for the CPU time per request.
	cpuMark    time.Duration
	selfMark   time.Duration
	lastSample *sample
	loadStart  string
}

// sessionUser is a pool seller signed in through their resume link.
type sessionUser struct {
	*user
	seller poolSeller
}

// result is one line of the results table.
type result struct {
	name       string
	load       string
	requests   int
	failures   int
	throughput float64
	p50, p99   time.Duration
	peak       int64
	cpu        time.Duration // the server's CPU time per successful request
	target     string
	pass       bool
	vsBare     string
}

// durations returns how long throughput and latency scenarios run, and their warm-up.
func (b *bench) durations() (measure, warm time.Duration) {
	if b.opts.quick {
		return 4 * time.Second, time.Second
	}
	return 10 * time.Second, 2 * time.Second
}

// logf prints a progress line with the time.
func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.out, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05")},
		args...)...)
}

// wants reports whether the scenario is selected by -only.
func (b *bench) wants(name string) bool {
	return b.opts.only == "" || strings.Contains(name, b.opts.only)
}

// all runs every scenario in order and returns the table's lines.
func (b *bench) all(ctx context.Context) ([]result, error) {
	b.loadStart = loadAverage()
	b.transport = newTransport(4 * slowChecks)
	defer b.transport.CloseIdleConnections()
	b.client = newClient(b.transport, 30*time.Second)

	// Whatever prepare got to start is stopped, even when it fails half-way.
	defer func() {
		b.portal.stop()
		if b.fakeLn != nil {
			b.fakeLn.Close()
		}
		if b.fake != nil {
			b.fake.Close()
		}
	}()
	if err := b.prepare(ctx); err != nil {
		return nil, err
	}

	var rows []result
	bare, err := b.baseline(ctx)
	if err != nil {
		return nil, err
	}
	rows = append(rows, bare...)
	if b.wants("wizard") {
		floor, err := b.stackFloor(ctx)
		if err != nil {
			return nil, fmt.Errorf("stack floor: %w", err)
		}
		rows = append(rows, floor)
	}

	steps := []struct {
		name string
		fn   func(context.Context) (result, error)
	}{
		{"wizard", b.wizardStep},
		{"submit", b.credentialsSubmit},
		{"queue-first", b.queueFirst},
		{"queue-deep", b.queueDeep},
		{"search", b.search},
		{"export", b.export},
		{"slow-checks", b.slowChecks},
	}
	for _, s := range steps {
		if !b.wants(s.name) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		resetPeak(b.portal.pid())
		b.cpuMark = 0
		r, err := s.fn(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		if n := time.Duration(len(b.lastSample.durations)); b.cpuMark > 0 && n > 0 {
			r.cpu = (cpuTime(b.portal.pid()) - b.cpuMark) / n
			if s.name == "wizard" || s.name == "submit" {
				b.notes = append(b.notes, fmt.Sprintf("%s: the bench itself (load generator "+
					"and fake Shiprocket) used %s of CPU per request, the portal %s", r.name,
					ms((cpuTime(os.Getpid())-b.selfMark)/n), ms(r.cpu)))
			}
		}
		if r.peak == 0 {
			_, r.peak, _ = memory(b.portal.pid())
		}
		b.overall = max(b.overall, r.peak)
		if busy, errs, end, err := logCounts(b.portal.logPath, b.logEnd); err == nil {
			b.logEnd = end
			if busy > 0 || errs > 0 {
				b.notes = append(b.notes, fmt.Sprintf("%s: the portal logged %d SQLITE_BUSY "+
					"lines and %d errors", r.name, busy, errs))
				r.pass = r.pass && busy == 0
			}
		}
		b.logf("%-28s %8.0f/s  p50 %-8s p99 %-8s cpu/req %-8s rss %s  %s  (load %s)", r.name,
			r.throughput, ms(r.p50), ms(r.p99), ms(r.cpu), mib(r.peak), passText(r.pass),
			loadAverage())
		b.logf("%-28s resident now: %s", "", memoryParts(b.portal.pid()))
		rows = append(rows, r)
	}

	if b.wants("startup") {
		r, err := b.startup(ctx)
		if err != nil {
			return nil, fmt.Errorf("startup: %w", err)
		}
		b.overall = max(b.overall, r.peak)
		rows = append(rows, r)
	}

	rows = append(rows, result{name: "Peak RSS under all of the above",
		load: "highest of the rows above", peak: b.overall,
		target: "≤ " + mib(rssLimit), pass: b.overall <= rssLimit})
	return rows, nil
}

// profile starts a CPU profile of the portal for the next d, when -pprof is set, saved to
// <dir>/<name>.pprof. Scenarios call it as their measurement starts; the returned function
// waits for the profile to be written.
func (b *bench) profile(name string, d time.Duration) func() {
	b.cpuMark = cpuTime(b.portal.pid())
	b.selfMark = cpuTime(os.Getpid())
	done := make(chan struct{})
	if b.opts.pprof == "" {
		close(done)
		return func() { <-done }
	}
	go func() {
		defer close(done)
		seconds := strconv.Itoa(max(1, int(d.Seconds())))
		resp, err := http.Get("http://" + b.opts.pprof + "/debug/pprof/profile?seconds=" +
			seconds)
		if err != nil {
			b.logf("profile %s: %v", name, err)
			return
		}
		defer resp.Body.Close()
		path := filepath.Join(b.dir, name+".pprof")
		f, err := os.Create(path)
		if err != nil {
			return
		}
		defer f.Close()
		if _, err := io.Copy(f, resp.Body); err == nil {
			b.logf("CPU profile of %s: %s", name, path)
		}
		// The heap as the measurement ends, for memory.
		if resp, err := http.Get("http://" + b.opts.pprof + "/debug/pprof/heap"); err == nil {
			defer resp.Body.Close()
			if f, err := os.Create(filepath.Join(b.dir, name+".heap")); err == nil {
				defer f.Close()
				_, _ = io.Copy(f, resp.Body)
			}
		}
	}()
	return func() { <-done }
}

// prepare seeds the database, builds the portal, starts the fake and the portal, and signs in
// the staff user and the wizard pool.
func (b *bench) prepare(ctx context.Context) error {
	want := pools{wizard: 400, submit: 12_000, slow: 1_500}
	if b.opts.quick {
		want.submit = 5_000
	}

	b.dbPath = filepath.Join(b.dir, "portal.db")
	built := make(chan error, 1)
	go func() {
		var err error
		b.bin, err = buildPortal(ctx, b.opts.src, b.dir)
		built <- err
	}()

	b.logf("seeding %d sellers into %s", b.opts.sellers, b.dbPath)
	var err error
	reused := false
	if b.opts.seedCache != "" {
		b.seed, reused, err = seedCached(ctx, b.opts.seedCache, b.dbPath, b.opts.sellers, want,
			b.rng)
	} else {
		b.seed, err = seed(ctx, b.dbPath, b.opts.sellers, want, b.rng)
	}
	if err != nil {
		return err
	}
	if reused {
		b.logf("copied the database seeded earlier from %s", b.opts.seedCache)
	}
	if fi, err := os.Stat(b.dbPath); err == nil && b.seed.dbBytes == 0 {
		b.seed.dbBytes = fi.Size()
	}
	b.logf("seeded in %s: %d live sellers, %d events, %d checks, %d notes, %d jobs, %s",
		b.seed.took.Round(time.Millisecond), b.seed.live, b.seed.events, b.seed.checks,
		b.seed.notes, b.seed.jobs, mib(b.seed.dbBytes))
	if err := <-built; err != nil {
		return err
	}

	if err := b.startFake(); err != nil {
		return err
	}

	addr, err := freeAddr()
	if err != nil {
		return err
	}
	b.env = []string{"PORTAL_ADDR=" + addr, "PORTAL_DB=" + b.dbPath,
		"PORTAL_SECRET_KEY=" + b.seed.keysText, "PORTAL_BASE_URL=http://" + addr,
		"PORTAL_SHIPROCKET_URL=http://" + b.fakeLn.Addr().String(), "PORTAL_LOG_LEVEL=info"}
	if b.opts.pprof != "" {
		b.env = append(b.env, "PORTAL_PPROF="+b.opts.pprof)
	}
	b.env = append(b.env, b.opts.extraEnv...)
	if err := b.addStaff(ctx); err != nil {
		return err
	}

	b.portal, err = startServer(ctx, "portal", b.bin, nil, b.env, addr, "/healthz",
		filepath.Join(b.dir, "portal.log"))
	if err != nil {
		return err
	}
	b.logf("portal serving after %s (first start on the seeded database)",
		b.portal.ready.Round(time.Millisecond))

	if err := b.signInStaff(ctx); err != nil {
		return err
	}
	b.wizard, err = b.signIn(ctx, b.seed.wizard)
	return err
}

// startFake starts the fake Shiprocket with an account for every pool seller, behind a
// listener of the bench's own that can delay every answer.
func (b *bench) startFake() error {
	b.fake = shiprockettest.NewServer()
	for _, pool := range [][]poolSeller{b.seed.submit, b.seed.slow} {
		for _, p := range pool {
			b.fake.AddAccount(shiprockettest.Account{Email: p.apiEmail, Password: benchPassword})
		}
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	b.fakeLn = ln
	inner := b.fake.Handler()
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if d := time.Duration(b.delay.Load()); d > 0 {
				t := time.NewTimer(d)
				select {
				case <-t.C:
				case <-r.Context().Done():
					t.Stop()
					return
				}
			}
			inner.ServeHTTP(w, r)
		})}
	go func() { _ = srv.Serve(ln) }()
	return nil
}

// addStaff creates the bench's admin through the portal's own command.
func (b *bench) addStaff(ctx context.Context) error {
	cmd := execCommand(ctx, b.bin, b.env, strings.NewReader(staffPassword+"\n"),
		"staff", "add", "--email", staffEmail, "--name", "Bench Admin")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("staff add: %w\n%s", err, out)
	}
	return nil
}

// signInStaff signs the bench's admin in, as a browser would.
func (b *bench) signInStaff(ctx context.Context) error {
	u := newUser()
	err := u.want(ctx, b.client, "GET", b.portal.url+"/admin/login", nil, http.StatusOK)
	if err != nil {
		return fmt.Errorf("staff sign-in page: %w", err)
	}
	r, err := u.do(ctx, b.client, "POST", b.portal.url+"/admin/login",
		url.Values{"email": {staffEmail}, "password": {staffPassword}}, false)
	if err := expect(r, err, http.StatusSeeOther); err != nil {
		return fmt.Errorf("staff sign-in: %w", err)
	}
	if err := u.want(ctx, b.client, "GET", b.portal.url+"/admin", nil, http.StatusOK); err != nil {
		return fmt.Errorf("staff home after sign-in: %w", err)
	}
	b.staff = u
	return nil
}

// signIn opens each pool seller's resume link with its own cookie jar, 16 at a time.
func (b *bench) signIn(ctx context.Context, pool []poolSeller) ([]*sessionUser, error) {
	users := make([]*sessionUser, len(pool))
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(pool) || ctx.Err() != nil {
					return
				}
				u := &sessionUser{user: newUser(), seller: pool[i]}
				r, err := u.do(ctx, b.client, "GET", b.portal.url+"/r/"+pool[i].token, nil,
					false)
				if err := expect(r, err, http.StatusSeeOther); err != nil {
					errs <- fmt.Errorf("resume link of seller %d: %w", pool[i].id, err)
					return
				}
				users[i] = u
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return users, ctx.Err()
}

// baseline measures the bare Echo handler: its throughput with the same closed loop as the
// wizard, and its latency at the queue's open-loop rate.
func (b *bench) baseline(ctx context.Context) ([]result, error) {
	bare, err := b.startReference(ctx, "bare", nil)
	if err != nil {
		return nil, err
	}
	defer bare.stop()

	measure, _ := b.durations()
	u := newUser()
	get := func(ctx context.Context, _, _ int) error {
		return u.want(ctx, b.client, "GET", bare.url+"/", nil, http.StatusOK)
	}
	var cpu time.Duration
	b.bareTput, cpu = b.closedOn(ctx, bare, get)
	b.bareOpen = openLoop(ctx, queueRate, measure, maxInFlight, func(ctx context.Context,
		_ int) error {
		return get(ctx, 0, 0)
	})
	_, peak, _ := memory(bare.pid())

	rows := []result{
		b.row("Bare Echo handler, throughput", fmt.Sprintf("closed loop, %d connections",
			closedWorkers), b.bareTput, peak, "baseline", true, "1.00× throughput"),
		b.row("Bare Echo handler, latency", fmt.Sprintf("open loop, %d/s", queueRate),
			b.bareOpen, peak, "baseline", true, "1.00× p99"),
	}
	rows[0].cpu = cpu
	for _, r := range rows {
		b.logf("%-28s %8.0f/s  p50 %-8s p99 %-8s cpu/req %-8s rss %s", r.name, r.throughput,
			ms(r.p50), ms(r.p99), ms(r.cpu), mib(r.peak))
	}
	return rows, nil
}

// startReference starts the bench binary again as the reference server name (-bare, -floor) on
// a free loopback address, with env added to its environment.
func (b *bench) startReference(ctx context.Context, name string, env []string) (*server,
	error) {
	self, err := selfBinary()
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	return startServer(ctx, name, self, []string{"-" + name, addr}, env, addr, "/healthz",
		filepath.Join(b.dir, name+".log"))
}

// closedOn warms srv up with get's closed loop, then measures it: the sample, and srv's CPU time
// per request served. srv's peak RSS is reset as the measurement starts.
func (b *bench) closedOn(ctx context.Context, srv *server,
	get func(ctx context.Context, worker, i int) error) (*sample, time.Duration) {
	measure, warm := b.durations()
	closedLoop(ctx, closedWorkers, warm, 0, get)
	resetPeak(srv.pid())
	cpu0 := cpuTime(srv.pid())
	s := closedLoop(ctx, closedWorkers, measure, 0, get)
	cpu := (cpuTime(srv.pid()) - cpu0) / time.Duration(max(1, len(s.durations)))
	return s, cpu
}

// row fills a result from a sample.
func (b *bench) row(name, load string, s *sample, peak int64, target string, pass bool,
	vsBare string) result {
	b.lastSample = s
	return result{name: name, load: load, requests: len(s.durations) + s.failures,
		failures: s.failures, throughput: s.throughput(), p50: s.quantile(0.50),
		p99: s.quantile(0.99), peak: peak, target: target, pass: pass && s.failures == 0,
		vsBare: vsBare}
}

// latencyVsBare compares a p99 with the bare handler's at the same open-loop rate.
func (b *bench) latencyVsBare(s *sample) string {
	base := b.bareOpen.quantile(0.99)
	if base <= 0 {
		return ""
	}
	return fmt.Sprintf("%.1f× p99", float64(s.quantile(0.99))/float64(base))
}

// failNote records the first error of a sample that had failures.
func (b *bench) failNote(name string, s *sample) {
	if s.failures > 0 {
		b.notes = append(b.notes, fmt.Sprintf("%s: %d failed requests, the first: %v", name,
			s.failures, s.firstErr))
	}
}

// wizardStep: signed-in sellers open guided step pages they have reached, back to back.
func (b *bench) wizardStep(ctx context.Context) (result, error) {
	measure, warm := b.durations()
	get := func(ctx context.Context, w, i int) error {
		u := b.wizard[(w*31+i)%len(b.wizard)]
		n := 1 + i%u.seller.step
		return u.want(ctx, b.client, "GET", b.portal.url+"/steps/"+strconv.Itoa(n), nil, http.StatusOK)
	}
	closedLoop(ctx, closedWorkers, warm, 0, get)
	resetPeak(b.portal.pid())
	defer b.profile("wizard", measure)()
	s := closedLoop(ctx, closedWorkers, measure, 0, get)
	b.failNote("wizard", s)

	ratio := s.throughput() / b.bareTput.throughput()
	if b.floorTput != nil && b.floorTput.throughput() > 0 {
		floor := b.floorTput.throughput() / b.bareTput.throughput()
		b.notes = append(b.notes, fmt.Sprintf("Wizard step page: the stack floor, the same "+
			"page with none of the portal's own work, served %.2f× the bare handler's "+
			"throughput; the portal's page served %.0f%% of the floor's", floor,
			100*s.throughput()/b.floorTput.throughput()))
	}
	return b.row("Wizard step page (with session)", fmt.Sprintf("closed loop, %d connections",
		closedWorkers), s, 0, fmt.Sprintf("≥ %.0f%% of bare", wizardShare*100),
		ratio >= wizardShare, fmt.Sprintf("%.2f× throughput", ratio)), nil
}

// credentialsSubmit: sellers at the credentials form each submit once; the fake answers at
// once. Every submit is a Shiprocket login, thirteen module probes and a logout.
func (b *bench) credentialsSubmit(ctx context.Context) (result, error) {
	measure, _ := b.durations()
	users, err := b.signIn(ctx, b.seed.submit)
	if err != nil {
		return result{}, err
	}
	b.delay.Store(0)

	var next atomic.Int64
	submit := func(ctx context.Context, _, _ int) error {
		i := int(next.Add(1)) - 1
		if i >= len(users) {
			return errDone
		}
		u := users[i]
		r, err := u.do(ctx, b.client, "POST", b.portal.url+"/credentials", url.Values{
			"api_email": {u.seller.apiEmail}, "password": {benchPassword}}, false)
		if err := expect(r, err, http.StatusSeeOther); err != nil {
			return err
		}
		if r.location != "/done" {
			return fmt.Errorf("submit went to %s, want /done", r.location)
		}
		return nil
	}
	resetPeak(b.portal.pid())
	defer b.profile("submit", measure)()
	s := closedLoop(ctx, closedWorkers*2, measure, 0, submit)
	b.failNote("submit", s)
	if int(next.Load()) >= len(users) {
		b.notes = append(b.notes, fmt.Sprintf("credentials submit: the pool of %d sellers ran "+
			"out before the %s were over", len(users), measure))
	}

	return b.row("Credentials submit, instant fake",
		fmt.Sprintf("closed loop, %d connections", closedWorkers*2), s, 0,
		fmt.Sprintf("≥ %d/s, no SQLITE_BUSY", submitRate), s.throughput() >= submitRate,
		fmt.Sprintf("%.2f× throughput", s.throughput()/b.bareTput.throughput())), nil
}

// queueURL is the staff queue with the given query.
func (b *bench) queueURL(q url.Values) string {
	if len(q) == 0 {
		return b.portal.url + "/admin"
	}
	return b.portal.url + "/admin?" + q.Encode()
}

// openStaff runs an open loop of staff page loads over the given addresses, in turn.
func (b *bench) openStaff(ctx context.Context, name string, rate float64,
	targets []string) *sample {
	measure, warm := b.durations()
	get := func(ctx context.Context, i int) error {
		return b.staff.want(ctx, b.client, "GET", targets[i%len(targets)], nil, http.StatusOK)
	}
	// The warm-up walks the addresses from the end, so that where every address differs (the
	// searches) the measurement asks nothing the warm-up asked.
	openLoop(ctx, rate, warm, maxInFlight, func(ctx context.Context, i int) error {
		return get(ctx, len(targets)-1-i%len(targets))
	})
	resetPeak(b.portal.pid())
	defer b.profile(name, measure)()
	return openLoop(ctx, rate, measure, maxInFlight, get)
}

// queueFirst: the first page of the queue's busiest views.
func (b *bench) queueFirst(ctx context.Context) (result, error) {
	targets := []string{
		b.queueURL(nil),
		b.queueURL(url.Values{"status": {"needs_action"}}),
		b.queueURL(url.Values{"status": {"stuck"}, "sort": {"idle"}}),
		b.queueURL(url.Values{"status": {"in_progress"}, "step": {"3"}}),
	}
	s := b.openStaff(ctx, "queue-first", queueRate, targets)
	b.failNote("queue first page", s)
	return b.row("Staff queue, first page", fmt.Sprintf("open loop, %d/s", queueRate), s, 0,
		"p99 ≤ "+ms(queueP99), s.quantile(0.99) <= queueP99, b.latencyVsBare(s)), nil
}

// queueDeep: pages far down the queue, reached by keyset cursors taken from the database.
func (b *bench) queueDeep(ctx context.Context) (result, error) {
	cursors, err := b.deepCursors(ctx)
	if err != nil {
		return result{}, err
	}
	var targets []string
	for _, c := range cursors {
		targets = append(targets, b.queueURL(c))
	}
	s := b.openStaff(ctx, "queue-deep", queueRate, targets)
	b.failNote("queue deep page", s)
	return b.row("Staff queue, deep keyset page", fmt.Sprintf("open loop, %d/s", queueRate), s,
		0, "p99 ≤ "+ms(queueP99), s.quantile(0.99) <= queueP99, b.latencyVsBare(s)), nil
}

// deepCursors returns queue filters whose cursor sits 50% and 90% of the way down the "All"
// tab, 90% down the "verified" tab and 90% down the order by creation.
func (b *bench) deepCursors(ctx context.Context) ([]url.Values, error) {
	db, err := sql.Open("sqlite", dsn(b.dbPath)+"&_pragma=query_only(1)")
	if err != nil {
		return nil, err
	}
	defer db.Close()

	var out []url.Values
	for _, c := range []struct {
		column, where string
		share         float64
		q             url.Values
	}{
		{"last_activity_at", "", 0.5, url.Values{}},
		{"last_activity_at", "", 0.9, url.Values{}},
		{"last_activity_at", "AND status = 'verified'", 0.9, url.Values{"status": {"verified"}}},
		{"created_at", "", 0.9, url.Values{"sort": {"created"}}},
	} {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sellers
			WHERE archived_at IS NULL `+c.where).Scan(&n); err != nil {
			return nil, err
		}
		var at string
		var id int64
		err := db.QueryRowContext(ctx, `SELECT `+c.column+`, id FROM sellers
			WHERE archived_at IS NULL `+c.where+` ORDER BY `+c.column+` DESC, id DESC
			LIMIT 1 OFFSET ?`, int(float64(n)*c.share)).Scan(&at, &id)
		if err != nil {
			return nil, err
		}
		t, err := time.Parse(timeLayout, at)
		if err != nil {
			return nil, err
		}
		c.q.Set("after", strconv.FormatInt(t.UnixMicro(), 10)+"-"+strconv.FormatInt(id, 10))
		out = append(out, c.q)
	}
	return out, nil
}

// search: staff search the queue, each time for something else: a city, a store word, a
// contact's name, part of an email, a seller's exact login email. No two searches in a run are
// the same, so no search is answered from an earlier one.
func (b *bench) search(ctx context.Context) (result, error) {
	measure, warm := b.durations()
	n := int((measure+warm).Seconds()*searchRate) + 1
	terms := searchTerms(b.rng, n, b.seed.submit)
	var targets []string
	for _, t := range terms {
		targets = append(targets, b.queueURL(url.Values{"q": {t}}))
	}
	s := b.openStaff(ctx, "search", searchRate, targets)
	b.failNote("search", s)
	return b.row("Search across all sellers", fmt.Sprintf("open loop, %d/s, every term new",
		searchRate), s, 0, "p99 ≤ "+ms(searchP99), s.quantile(0.99) <= searchP99,
		b.latencyVsBare(s)), nil
}

// searchTerms returns n different things staff might type in the search box, in turn: a city
// or a kind of store in a city, a store's words, a contact's name, a surname with digits as in
// an email, a first.last email part, a seller's exact login email. A term already used is
// replaced by one of the next kind; only when every kind repeats does a term repeat.
func searchTerms(rng *mrand.Rand, n int, sellers []poolSeller) []string {
	seen := map[string]bool{}
	term := func(kind int) string {
		switch kind {
		case 0:
			if t := pick(rng, cities); !seen[t] {
				return t
			}
			return pick(rng, storeKinds) + " " + pick(rng, cities)
		case 1:
			return pick(rng, storeWords) + " " + pick(rng, storeKinds)
		case 2:
			return pick(rng, firstNames) + " " + pick(rng, lastNames)
		case 3:
			return strings.ToLower(pick(rng, lastNames)) + strconv.Itoa(rng.IntN(1000))
		case 4:
			return strings.ToLower(pick(rng, firstNames)) + "." +
				strings.ToLower(pick(rng, lastNames))
		default:
			// The +api address without its tag is the seller's login email.
			return strings.Replace(pick(rng, sellers).apiEmail, "+api@", "@", 1)
		}
	}

	var out []string
	for len(out) < n {
		var t string
		for off := 0; off < 6; off++ {
			if t = term((len(out) + off) % 6); !seen[t] {
				break
			}
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

// export: the CSV of every live seller, three times in a row, while RSS is sampled.
func (b *bench) export(ctx context.Context) (result, error) {
	runs := 3
	if b.opts.quick {
		runs = 2
	}
	rss0, _, err := memory(b.portal.pid())
	if err != nil {
		return result{}, err
	}
	resetPeak(b.portal.pid())

	stop := make(chan struct{})
	var highest atomic.Int64
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
				if rss, _, err := memory(b.portal.pid()); err == nil && rss > highest.Load() {
					highest.Store(rss)
				}
			}
		}
	}()

	s := &sample{}
	started := time.Now()
	measure, _ := b.durations()
	wait := b.profile("export", min(measure, time.Duration(runs)*exportLimit))
	var size int64
	for i := 0; i < runs; i++ {
		t := time.Now()
		lines, n, err := b.exportOnce(ctx)
		if err == nil && lines != b.seed.live+1 {
			err = fmt.Errorf("export has %d lines, want %d sellers and a header", lines,
				b.seed.live)
		}
		s.add(time.Since(t), err)
		size = n
	}
	s.elapsed = time.Since(started)
	close(stop)
	wait()

	_, peak, _ := memory(b.portal.pid())
	growth := max(0, highest.Load()-rss0)
	b.failNote("export", s)
	b.notes = append(b.notes, fmt.Sprintf("CSV export: %d rows, %s per file; RSS %s before, "+
		"at most %s during (growth %.1f MiB)", b.seed.live, mib(size), mib(rss0),
		mib(highest.Load()), float64(growth)/(1<<20)))

	r := b.row(fmt.Sprintf("CSV export of %d sellers", b.seed.live),
		fmt.Sprintf("%d exports in a row", runs), s, peak,
		fmt.Sprintf("≤ %s, RSS growth ≤ %s", ms(exportLimit), mib(exportFlatness)),
		s.quantile(1) <= exportLimit && growth <= exportFlatness, "")
	r.throughput = float64(b.seed.live) / s.quantile(0.5).Seconds()
	r.load += " (throughput in rows/s)"
	return r, nil
}

// exportOnce downloads the export and counts its lines and bytes.
func (b *bench) exportOnce(ctx context.Context) (lines int, size int64, err error) {
	req, err := http.NewRequestWithContext(ctx, "GET", b.portal.url+"/admin/export.csv", nil)
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Cookie", b.staff.header())
	// A browser asks for gzip; the bench unpacks it to count the lines.
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := b.client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	b.staff.keep(resp)
	if resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("export: status %d", resp.StatusCode)
	}
	var body io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return 0, 0, err
		}
		body = zr
	}
	r := bufio.NewReaderSize(body, 64<<10)
	buf := make([]byte, 64<<10)
	for {
		n, err := r.Read(buf)
		lines += bytes.Count(buf[:n], []byte{'\n'})
		size += int64(n)
		if err == io.EOF {
			return lines, size, nil
		}
		if err != nil {
			return lines, size, err
		}
	}
}

// slowChecks: 200 sellers submit credentials at once, again and again, against a fake that
// takes 500 ms over every answer, while other sellers and staff load pages.
func (b *bench) slowChecks(ctx context.Context) (result, error) {
	measure, warm := b.durations()
	users, err := b.signIn(ctx, b.seed.slow)
	if err != nil {
		return result{}, err
	}
	b.delay.Store(int64(slowAnswer))
	defer b.delay.Store(0)

	var next, inFlight, lowest atomic.Int64
	lowest.Store(slowChecks)
	submit := func(ctx context.Context, _, _ int) error {
		i := int(next.Add(1)) - 1
		if i >= len(users) {
			return errDone
		}
		u := users[i]
		inFlight.Add(1)
		defer inFlight.Add(-1)
		r, err := u.do(ctx, b.client, "POST", b.portal.url+"/credentials", url.Values{
			"api_email": {u.seller.apiEmail}, "password": {benchPassword}}, false)
		return expect(r, err, http.StatusSeeOther)
	}

	// The sellers start one after another over the length of one check (fifteen answers of
	// the fake), so that from then on checks start and finish steadily with 200 in flight,
	// rather than all at the same instant. Page loads are measured once that is so.
	ramp := 15 * slowAnswer
	checksDone := make(chan *sample, 1)
	go func() {
		checksDone <- closedLoop(ctx, slowChecks, ramp+measure+warm, ramp/slowChecks, submit)
	}()
	time.Sleep(ramp + warm/2)
	resetPeak(b.portal.pid())
	defer b.profile("slow-checks", measure)()
	stopWatch := make(chan struct{})
	go func() {
		for {
			select {
			case <-stopWatch:
				return
			case <-time.After(50 * time.Millisecond):
				if n := inFlight.Load(); n < lowest.Load() {
					lowest.Store(n)
				}
			}
		}
	}()
	staffPage := b.queueURL(nil)
	pages := openLoop(ctx, slowPageRate, measure, maxInFlight, func(ctx context.Context,
		i int) error {
		if i%2 == 0 {
			return b.staff.want(ctx, b.client, "GET", staffPage, nil, http.StatusOK)
		}
		u := b.wizard[i%len(b.wizard)]
		return u.want(ctx, b.client, "GET", b.portal.url+"/steps/1", nil, http.StatusOK)
	})
	close(stopWatch)
	_, peak, _ := memory(b.portal.pid())
	checks := <-checksDone

	b.failNote("pages during slow checks", pages)
	b.failNote("slow checks", checks)
	b.notes = append(b.notes, fmt.Sprintf("slow checks: %d checks finished (p50 %s each), at "+
		"least %d in flight while pages were measured; the %d sellers started %s apart",
		len(checks.durations), ms(checks.quantile(0.5)), lowest.Load(), slowChecks,
		ms(ramp/slowChecks)))
	// The portal's CPU time here is the checks' as much as the pages'.
	b.cpuMark = 0
	r := b.row(fmt.Sprintf("Page loads during %d slow checks", slowChecks),
		fmt.Sprintf("open loop, %d/s; fake answers in %s", slowPageRate, ms(slowAnswer)), pages,
		peak, "p99 ≤ "+ms(slowPageP99), pages.quantile(0.99) <= slowPageP99 &&
			lowest.Load() >= slowChecks*9/10 && checks.failures == 0, b.latencyVsBare(pages))
	return r, nil
}

// startup stops the portal and starts it again on the same database, a few times, timing exec
// to the first healthy answer.
func (b *bench) startup(ctx context.Context) (result, error) {
	runs := 5
	if b.opts.quick {
		runs = 3
	}
	addr := strings.TrimPrefix(b.portal.url, "http://")
	logPath := b.portal.logPath
	b.portal.stop()
	b.portal = nil

	s := &sample{}
	var peak int64
	for i := 0; i < runs; i++ {
		p, err := startServer(ctx, "portal", b.bin, nil, b.env, addr, "/healthz", logPath)
		if err != nil {
			return result{}, err
		}
		s.add(p.ready, nil)
		_, hwm, _ := memory(p.pid())
		peak = max(peak, hwm)
		if i < runs-1 {
			p.stop()
		} else {
			b.portal = p
		}
	}
	b.logf("%-28s p50 %-8s max %-8s", "start-up", ms(s.quantile(0.5)), ms(s.quantile(1)))
	fi, err := os.Stat(b.dbPath)
	if err != nil {
		return result{}, err
	}
	r := b.row(fmt.Sprintf("Start-up on an existing %s database", mib(fi.Size())),
		fmt.Sprintf("%d starts, exec to first healthy answer (p99 column: slowest)", runs), s,
		peak, "≤ "+ms(startLimit), s.quantile(1) <= startLimit, "")
	r.throughput = 0
	r.p99 = s.quantile(1)
	return r, nil
}
