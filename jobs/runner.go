// Package jobs runs the portal's background checks from a queue kept in SQLite: pending checks
// are retried on a growing schedule, verified sellers are checked again every day, and sellers
// whose credentials stopped working are followed up until they are stale or recover.
//
// Every check goes through verify.Service.Recheck with the trigger "auto", so it is recorded like
// a seller's own. The Runner is also the verify.Hooks that plans what follows each check, so a
// check made by a seller or by staff reschedules background work the same way.
//
// Jobs are leased in the database: a runner that dies leaves its job to be claimed again when
// the lease runs out, and only one job runs at a time across every runner sharing the database.
// Logins are spaced by a global rate cap on top of that. A password that Shiprocket refused is
// never tried again by background work: the follow-up only counts failing days until the seller
// submits new credentials.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"time"

	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/verify"
)

// Defaults of Config.
const (
	DefaultRatePerMinute = 30
	DefaultPoll          = 5 * time.Second
	// errorRetry is the wait before a job that failed with an error (not a check outcome) is
	// tried again, at most maxJobAttempts times.
	errorRetry     = 5 * time.Minute
	maxJobAttempts = 5
	// reconcileEvery is how often Run looks for sellers whose background state was lost.
	reconcileEvery = time.Hour
	// keepJobs is how long finished jobs are kept for staff to look at.
	keepJobs = 30 * 24 * time.Hour
)

// Checker runs a recorded check of a seller's stored credentials; *verify.Service is one.
type Checker interface {
	Recheck(ctx context.Context, sellerID int64, trigger string) (verify.Result, error)
}

// Announcer builds webhook deliveries for an event and sends them; *webhook.Notifier is one.
type Announcer interface {
	Deliveries(eventType string, seller store.Seller, at time.Time) ([]store.NewDelivery, error)
	Wake()
}

// Config holds the settings of a Runner. Zero values take the defaults.
type Config struct {
	// Policy says when checks happen; DefaultPolicy when its Interval is zero.
	Policy Policy
	// RatePerMinute caps background logins to Shiprocket across all sellers; default 30.
	RatePerMinute int
	// Poll is how often Run looks for due jobs when nothing wakes it; default 5 s. It is real
	// time, not Clock time.
	Poll time.Duration
	// Clock is the time source; SystemClock by default.
	Clock Clock
	// Rand returns a random number in [0, n), for jitter; default math/rand.
	Rand func(n int64) int64
}

// Runner claims due jobs and runs them one at a time.
type Runner struct {
	store    *store.Store
	checks   Checker
	announce Announcer
	policy   Policy
	spacing  time.Duration
	lease    time.Duration
	poll     time.Duration
	clock    Clock
	rand     func(n int64) int64
	log      *slog.Logger
	owner    string
	wake     chan struct{}

	// nextLogin is the earliest time the next background login may start; only the goroutine
	// running jobs touches it.
	nextLogin time.Time
}

// New returns a Runner that records through st, checks through checks and announces through
// announce.
func New(st *store.Store, checks Checker, announce Announcer, cfg Config,
	log *slog.Logger) *Runner {
	if cfg.Policy.Interval <= 0 {
		cfg.Policy = DefaultPolicy()
	}
	if len(cfg.Policy.RetryDelays) == 0 {
		cfg.Policy.RetryDelays = DefaultPolicy().RetryDelays
	}
	if cfg.RatePerMinute <= 0 {
		cfg.RatePerMinute = DefaultRatePerMinute
	}
	if cfg.Poll <= 0 {
		cfg.Poll = DefaultPoll
	}
	if cfg.Clock == nil {
		cfg.Clock = SystemClock()
	}
	if cfg.Rand == nil {
		cfg.Rand = mrand.Int64N
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if announce == nil {
		announce = silent{}
	}

	spacing := time.Minute / time.Duration(cfg.RatePerMinute)
	owner := make([]byte, 8)
	rand.Read(owner)
	return &Runner{
		store: st, checks: checks, announce: announce, policy: cfg.Policy,
		spacing: spacing,
		// The lease covers the wait for a turn under the rate cap and a whole check.
		lease: spacing + verify.Budget + time.Minute,
		poll:  cfg.Poll, clock: cfg.Clock, rand: cfg.Rand, log: log,
		owner: hex.EncodeToString(owner), wake: make(chan struct{}, 1),
	}
}

// silent announces nothing, for a Runner built without an Announcer.
type silent struct{}

// Deliveries returns none.
func (silent) Deliveries(string, store.Seller, time.Time) ([]store.NewDelivery, error) {
	return nil, nil
}

// Wake does nothing.
func (silent) Wake() {}

// Submitted plans the safety retry for new credentials and announces them; see verify.Hooks.
func (r *Runner) Submitted(sellerID int64) store.Follow {
	now := r.clock.Now()
	return r.follow("plan after submission", sellerID, func(_ store.Seller,
		m store.Monitor) decision {
		return r.policy.submitted(m, now)
	})
}

// Finished plans what follows a recorded check and announces any change; see verify.Hooks.
func (r *Runner) Finished(f verify.Finished) store.Follow {
	now := r.clock.Now()
	jitter := r.jitter()
	return r.follow("plan after check", f.SellerID, func(s store.Seller,
		m store.Monitor) decision {
		return r.policy.finished(s, m, f, now, jitter)
	})
}

// jitter returns a random offset in [-Jitter/2, Jitter/2].
func (r *Runner) jitter() time.Duration {
	j := r.policy.Jitter
	if j <= 0 {
		return 0
	}
	return time.Duration(r.rand(int64(j)+1)) - j/2
}

// update applies a policy decision about one seller in a transaction of its own.
func (r *Runner) update(ctx context.Context, sellerID int64,
	decide func(store.Seller, store.Monitor) decision) error {
	return r.store.UpdateMonitor(ctx, sellerID, r.follow("plan", sellerID, decide))
}

// follow turns a policy decision into the store's change, webhook deliveries included, and once
// it has committed wakes the webhook sender (when something was announced) and the job loop. A
// plan that fails is logged as what; the write it followed is kept without it, and Reconcile
// gives back a missing job and the status webhook within the hour (see store.Follow for what
// is lost).
func (r *Runner) follow(what string, sellerID int64,
	decide func(store.Seller, store.Monitor) decision) store.Follow {
	now := r.clock.Now()
	return store.Follow{
		Failed: func(err error) {
			r.log.Error(what+" failed; kept the write without it until reconciliation",
				"seller_id", sellerID, "error", err)
		},
		Decide: func(s store.Seller, m store.Monitor) (store.MonitorChange, error) {
			d := decide(s, m)
			d.monitor.SellerID = s.ID
			ch := store.MonitorChange{Monitor: d.monitor, Schedule: d.schedule,
				CancelQueued: d.cancel, Events: d.events}
			for _, kind := range d.announce {
				ds, err := r.announce.Deliveries(kind, s, now)
				if err != nil {
					return store.MonitorChange{}, err
				}
				ch.Deliveries = append(ch.Deliveries, ds...)
			}
			return ch, nil
		},
		Done: func(ch store.MonitorChange) {
			if len(ch.Deliveries) > 0 {
				r.announce.Wake()
			}
			r.Wake()
		},
	}
}

// Wake tells Run that a job may have become due.
func (r *Runner) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Resume prepares background work after a start: a check that a crash cut off is retried at once,
// and every seller whose job or announcement was lost gets it back. Call it before serving.
func (r *Runner) Resume(ctx context.Context) error {
	cut, err := r.store.InterruptedChecks(ctx, r.clock.Now())
	if err != nil {
		return err
	}
	interrupted := make(map[int64]bool, len(cut))
	for _, id := range cut {
		interrupted[id] = true
		r.log.WarnContext(ctx, "check cut off by a restart; trying again", "seller_id", id)
	}

	ids, err := r.store.SellersToReconcile(ctx)
	if err != nil {
		return err
	}
	for _, id := range cut {
		if !contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return r.reconcile(ctx, ids, interrupted)
}

// Reconcile gives back lost jobs and announcements; Run calls it every hour.
func (r *Runner) Reconcile(ctx context.Context) error {
	ids, err := r.store.SellersToReconcile(ctx)
	if err != nil {
		return err
	}
	if err := r.reconcile(ctx, ids, nil); err != nil {
		return err
	}
	_, err = r.store.PruneJobs(ctx, r.clock.Now().Add(-keepJobs))
	return err
}

func (r *Runner) reconcile(ctx context.Context, ids []int64, interrupted map[int64]bool) error {
	for _, id := range ids {
		hasJob, err := r.store.HasOpenJob(ctx, id)
		if err != nil {
			return err
		}
		outcome, err := r.store.LastOutcome(ctx, id)
		if err != nil {
			return err
		}
		in := reconcileInput{hasJob: hasJob, interrupted: interrupted[id],
			refused: verify.RefusedLogin(outcome),
			spread:  time.Duration(r.rand(int64(r.policy.Interval)))}

		now := r.clock.Now()
		err = r.update(ctx, id, func(s store.Seller, m store.Monitor) decision {
			return r.policy.reconcile(s, m, in, now)
		})
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return nil
}

func contains(ids []int64, id int64) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

// Run runs due jobs until ctx ends. It then returns once the job in flight is done: a check that
// has started always finishes and is recorded (bounded by verify.Budget), and a job still waiting
// for its turn is given back to the queue. Call Resume first; Run reconciles again every hour.
func (r *Runner) Run(ctx context.Context) error {
	lastReconcile := r.clock.Now()
	for {
		if ctx.Err() != nil {
			return nil
		}
		if now := r.clock.Now(); now.Sub(lastReconcile) >= reconcileEvery {
			lastReconcile = now
			if err := r.Reconcile(ctx); err != nil && ctx.Err() == nil {
				r.log.Error("reconcile background jobs", "error", err)
			}
		}

		ran, err := r.runOne(ctx)
		if err != nil && ctx.Err() == nil {
			r.log.Error("background job", "error", err)
		}
		if ran && err == nil {
			continue
		}

		t := time.NewTimer(r.poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-r.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// RunDue runs jobs until none is due (by the Clock) and returns how many ran. Tests drive the
// queue with it; Run does the same in a loop.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	n := 0
	for {
		ran, err := r.runOne(ctx)
		if err != nil {
			return n, err
		}
		if !ran {
			return n, nil
		}
		n++
	}
}

// errStopped means the runner was stopped before the job started.
var errStopped = errors.New("jobs: runner stopped")

// runOne claims and runs one due job. It reports false when nothing was due.
func (r *Runner) runOne(ctx context.Context) (bool, error) {
	job, ok, err := r.store.ClaimJob(ctx, r.owner, r.lease)
	if err != nil || !ok {
		return false, err
	}
	log := r.log.With("job_id", job.ID, "job_kind", job.Kind, "seller_id", job.SellerID)

	// Whatever happens to ctx, the job's end is recorded.
	done := context.WithoutCancel(ctx)
	result, err := r.runJob(ctx, job)
	switch {
	case errors.Is(err, errStopped):
		log.Info("background job left for later: stopping")
		return true, r.store.ReleaseJob(done, job.ID, r.owner)
	case err != nil:
		log.Error("background job failed", "error", err, "attempt", job.Attempts)
		retryAt := r.clock.Now().Add(errorRetry)
		if rerr := r.store.RetryJob(done, job.ID, r.owner, err.Error(), retryAt,
			maxJobAttempts); rerr != nil {
			return true, rerr
		}
		return true, nil
	}

	log.Info("background job done", "result", result)
	return true, r.store.FinishJob(done, job.ID, r.owner, result)
}

// wantStatus is the status a job kind is meant for; a seller who moved on makes the job moot.
var wantStatus = map[string]store.Status{
	store.JobRetry:   store.StatusCheckPending,
	store.JobRecheck: store.StatusVerified,
	store.JobWatch:   store.StatusNeedsAction,
}

// runJob does one job and returns a short result for the record.
func (r *Runner) runJob(ctx context.Context, job store.Job) (string, error) {
	seller, err := r.store.Seller(ctx, job.SellerID)
	if errors.Is(err, store.ErrNotFound) {
		return "seller gone", nil
	}
	if err != nil {
		return "", err
	}
	if !seller.ArchivedAt.IsZero() {
		return "seller archived", nil
	}
	if want, ok := wantStatus[job.Kind]; !ok || seller.Status != want {
		return "nothing to do: seller is " + string(seller.Status), nil
	}

	if job.Kind == store.JobWatch {
		outcome, err := r.store.LastOutcome(ctx, seller.ID)
		if err != nil {
			return "", err
		}
		if verify.RefusedLogin(outcome) {
			return r.countRefusedDay(ctx, seller)
		}
	}

	if err := r.waitTurn(ctx); err != nil {
		return "", errStopped
	}
	// From here the check runs to its end even if the runner is stopping.
	res, err := r.checks.Recheck(context.WithoutCancel(ctx), seller.ID, verify.TriggerAuto)
	if verify.IsNoSecret(err) {
		return "no stored password", nil
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("checked: %s, seller %s", res.Report.Outcome, res.Status), nil
}

// countRefusedDay follows up a seller whose password Shiprocket refused, without logging in.
func (r *Runner) countRefusedDay(ctx context.Context, seller store.Seller) (string, error) {
	now := r.clock.Now()
	var days int
	err := r.update(ctx, seller.ID, func(s store.Seller, m store.Monitor) decision {
		d := r.policy.stillFailing(m, s.StatusReason, now)
		days = d.monitor.FailDays
		return d
	})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("not logged in: Shiprocket refused these credentials; failing on %d days",
		days), nil
}

// waitTurn waits until the rate cap allows the next background login. The cap is kept in this
// process: several portals on one database still run one job at a time between them (the lease),
// but each spaces only its own logins, so two of them could together reach twice the cap.
func (r *Runner) waitTurn(ctx context.Context) error {
	if wait := r.nextLogin.Sub(r.clock.Now()); wait > 0 {
		if err := r.clock.Sleep(ctx, wait); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r.nextLogin = r.clock.Now().Add(r.spacing)
	return nil
}
