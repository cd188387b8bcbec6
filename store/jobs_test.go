package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/store"
)

func TestScheduleJobReplacesTheQueuedOne(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, _ := openStore(t, c)
	s, err := st.CreateSeller(ctx, newSeller("a"), hash("a"), time.Hour, "seller")
	if err != nil {
		t.Fatal(err)
	}

	if err := st.ScheduleJob(ctx, s.ID, store.JobSpec{Kind: store.JobRetry,
		RunAt: c.t.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	c.add(time.Second)
	if err := st.ScheduleJob(ctx, s.ID, store.JobSpec{Kind: store.JobRecheck,
		RunAt: c.t.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}

	jobs, err := st.Jobs(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := store.Job{ID: 1, SellerID: s.ID, Kind: store.JobRecheck, State: store.JobQueued,
		RunAt: c.t.Add(24 * time.Hour), CreatedAt: c.t.Add(-time.Second), UpdatedAt: c.t}
	if len(jobs) != 1 || jobs[0] != want {
		t.Fatalf("jobs %+v,\nwant [%+v]", jobs, want)
	}
}

func TestClaimJobLeasesAcrossStores(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	a, path := openStore(t, c)
	// A second Store on the same file behaves like a second process.
	b, err := store.Open(ctx, path, store.WithClock(c.now))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	var ids []int64
	for i := range 2 {
		s, err := a.CreateSeller(ctx, newSeller(fmt.Sprint("s", i)), hash(fmt.Sprint(i)),
			time.Hour, "seller")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID)
		if err := a.ScheduleJob(ctx, s.ID, store.JobSpec{Kind: store.JobRecheck,
			RunAt: c.t.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	c.add(time.Minute)

	j, ok, err := a.ClaimJob(ctx, "runner-a", 2*time.Minute)
	if err != nil || !ok {
		t.Fatalf("first claim: %v %v", ok, err)
	}
	want := store.Job{ID: 1, SellerID: ids[0], Kind: store.JobRecheck, State: store.JobRunning,
		RunAt: c.t.Add(-time.Minute), Attempts: 1, LeaseOwner: "runner-a",
		LeaseUntil: c.t.Add(2 * time.Minute), CreatedAt: c.t.Add(-time.Minute), UpdatedAt: c.t}
	if j != want {
		t.Fatalf("claimed %+v,\nwant %+v", j, want)
	}

	// While that lease lives nothing else runs, even the other due job.
	if _, ok, err := b.ClaimJob(ctx, "runner-b", 2*time.Minute); ok || err != nil {
		t.Fatalf("second runner claimed during a live lease: %v %v", ok, err)
	}

	// Runner A dies. Once its lease runs out, B takes the same job over.
	c.add(2 * time.Minute)
	j2, ok, err := b.ClaimJob(ctx, "runner-b", 2*time.Minute)
	if err != nil || !ok || j2.ID != j.ID || j2.Attempts != 2 || j2.LeaseOwner != "runner-b" {
		t.Fatalf("claim after expiry: %+v %v %v", j2, ok, err)
	}
	// A late finish from A changes nothing; B's does.
	if err := a.FinishJob(ctx, j.ID, "runner-a", "late"); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.Job(ctx, j.ID); got.State != store.JobRunning {
		t.Fatalf("a stale lease holder finished the job: %+v", got)
	}
	if err := b.FinishJob(ctx, j.ID, "runner-b", "checked"); err != nil {
		t.Fatal(err)
	}
	got, _ := a.Job(ctx, j.ID)
	if got.State != store.JobDone || got.Result != "checked" || !got.LeaseUntil.IsZero() {
		t.Fatalf("finished job %+v", got)
	}
}

func TestClaimJobConcurrentlyGivesEachJobOnce(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	a, path := openStore(t, c)
	b, err := store.Open(ctx, path, store.WithClock(c.now))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	s, err := a.CreateSeller(ctx, newSeller("x"), hash("x"), time.Hour, "seller")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.ScheduleJob(ctx, s.ID, store.JobSpec{Kind: store.JobRetry,
		RunAt: c.t}); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	var mu sync.Mutex
	claims := 0
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := []*store.Store{a, b}[i%2]
			_, ok, err := st.ClaimJob(ctx, fmt.Sprint("runner-", i), time.Minute)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				claims++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if claims != 1 {
		t.Fatalf("%d runners claimed the one job, want 1", claims)
	}
}

func TestReleaseAndRetryJob(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, _ := openStore(t, c)
	s, err := st.CreateSeller(ctx, newSeller("r"), hash("r"), time.Hour, "seller")
	if err != nil {
		t.Fatal(err)
	}
	schedule := func(d time.Duration) {
		if err := st.ScheduleJob(ctx, s.ID, store.JobSpec{Kind: store.JobRetry,
			RunAt: c.t.Add(d)}); err != nil {
			t.Fatal(err)
		}
	}
	claim := func() store.Job {
		j, ok, err := st.ClaimJob(ctx, "me", time.Minute)
		if err != nil || !ok {
			t.Fatalf("claim: %v %v", ok, err)
		}
		return j
	}

	schedule(0)
	j := claim()
	if err := st.ReleaseJob(ctx, j.ID, "me"); err != nil {
		t.Fatal(err)
	}
	got, _ := st.Job(ctx, j.ID)
	if got.State != store.JobQueued || got.Attempts != 0 || got.Result != "released" ||
		!got.RunAt.Equal(c.t) || got.LeaseOwner != "" {
		t.Fatalf("released job %+v, want queued again, attempt not counted", got)
	}

	for i := 1; i <= 3; i++ {
		j = claim()
		if err := st.RetryJob(ctx, j.ID, "me", "database is locked", c.t, 3); err != nil {
			t.Fatal(err)
		}
		got, _ = st.Job(ctx, j.ID)
		wantState := store.JobQueued
		if i == 3 {
			wantState = store.JobFailed
		}
		if got.State != wantState || got.Attempts != i || got.Result != "database is locked" {
			t.Fatalf("after failure %d: %+v, want %s", i, got, wantState)
		}
	}

	// A job released while the seller already has a newer queued job is closed instead.
	schedule(0)
	j = claim()
	schedule(time.Hour)
	if err := st.ReleaseJob(ctx, j.ID, "me"); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Job(ctx, j.ID); got.State != store.JobDone {
		t.Fatalf("released job with a newer one queued: %+v, want done", got)
	}
	if q, err := st.QueuedJob(ctx, s.ID); err != nil || !q.RunAt.Equal(c.t.Add(time.Hour)) {
		t.Fatalf("queued job %+v %v", q, err)
	}
}

func TestUpdateMonitorCommitsEverythingOrNothing(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, _ := openStore(t, c)
	s, err := st.CreateSeller(ctx, newSeller("m"), hash("m"), time.Hour, "seller")
	if err != nil {
		t.Fatal(err)
	}

	change := store.MonitorChange{
		Monitor: store.Monitor{SellerID: s.ID, Announced: store.StatusVerified,
			FailDays: 2, LastFailDay: "2026-03-01", FailingSince: c.t.Add(-time.Hour)},
		Schedule: &store.JobSpec{Kind: store.JobWatch, RunAt: c.t.Add(24 * time.Hour)},
		Events:   []store.Event{{Kind: store.EventStale, Actor: store.ActorSystem, Detail: "d"}},
		Deliveries: []store.NewDelivery{{EventID: "evt_1", EventType: "seller.stale",
			SellerID: s.ID, URL: "http://127.0.0.1:9/h", Payload: "{}",
			GiveUpAt: c.t.Add(24 * time.Hour)}},
	}
	boom := errors.New("boom")
	doneCalls := 0
	err = st.UpdateMonitor(ctx, s.ID, store.Follow{
		Decide: func(got store.Seller, m store.Monitor) (store.MonitorChange, error) {
			if got.ID != s.ID || m != (store.Monitor{SellerID: s.ID}) {
				t.Errorf("decide saw seller %d and monitor %+v", got.ID, m)
			}
			return change, boom
		},
		Done: func(store.MonitorChange) { doneCalls++ },
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v, want boom", err)
	}
	if m, _ := st.Monitor(ctx, s.ID); m != (store.Monitor{SellerID: s.ID}) {
		t.Fatalf("a failed decision left monitor %+v", m)
	}
	if _, err := st.QueuedJob(ctx, s.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a failed decision left a job: %v", err)
	}

	if doneCalls != 0 {
		t.Fatalf("Done called %d times after a failed decision", doneCalls)
	}

	var committed store.MonitorChange
	err = st.UpdateMonitor(ctx, s.ID, store.Follow{
		Decide: func(store.Seller, store.Monitor) (store.MonitorChange, error) {
			return change, nil
		},
		Done: func(ch store.MonitorChange) { doneCalls++; committed = ch },
	})
	if err != nil {
		t.Fatal(err)
	}
	if doneCalls != 1 || len(committed.Deliveries) != 1 || committed.Schedule == nil {
		t.Errorf("Done called %d times with %+v", doneCalls, committed)
	}
	wantMon := change.Monitor
	wantMon.UpdatedAt = c.t
	if m, _ := st.Monitor(ctx, s.ID); m != wantMon {
		t.Errorf("monitor %+v,\nwant %+v", m, wantMon)
	}
	if j, err := st.QueuedJob(ctx, s.ID); err != nil || j.Kind != store.JobWatch {
		t.Errorf("job %+v %v", j, err)
	}
	events, _ := st.Events(ctx, s.ID)
	if len(events) != 2 || events[0].Kind != store.EventStale || !events[0].At.Equal(c.t) ||
		events[0].SellerID != s.ID || events[0].Actor != store.ActorSystem {
		t.Errorf("events %+v", events)
	}
	ds, _ := st.Deliveries(ctx, store.DeliveryFilter{SellerID: s.ID})
	if len(ds) != 1 || ds[0].State != store.DeliveryPending || !ds[0].NextAttemptAt.Equal(c.t) ||
		ds[0].EventID != "evt_1" || ds[0].URL != "http://127.0.0.1:9/h" {
		t.Errorf("deliveries %+v", ds)
	}

	if err := st.UpdateMonitor(ctx, 999, store.Follow{}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown seller: %v, want ErrNotFound", err)
	}
}

func TestInterruptedChecksAndSellersToReconcile(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, _ := openStore(t, c)
	mk := func(name string) int64 {
		s, err := st.CreateSeller(ctx, newSeller(name), hash(name), time.Hour, "seller")
		if err != nil {
			t.Fatal(err)
		}
		return s.ID
	}
	submit := func(id int64) store.Check {
		ch, err := st.Submit(ctx, store.Submission{SellerID: id, APIEmail: "a+api@example.com",
			KeyID: "k1", Sealed: []byte("sealed"), Trigger: "seller", Actor: "seller"})
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}

	cut, finished, fresh, idle := mk("cut"), mk("finished"), mk("fresh"), mk("idle")
	submit(cut)
	ch := submit(finished)
	if err := st.FinishCheck(ctx, ch.ID, store.CheckResult{Outcome: "verified",
		Status: store.StatusVerified}); err != nil {
		t.Fatal(err)
	}
	c.add(time.Minute)
	submit(fresh) // started now: not before the cut-off

	got, err := st.InterruptedChecks(ctx, c.t)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint([]int64{cut}) {
		t.Errorf("interrupted %v, want [%d]", got, cut)
	}

	// cut and fresh are pending without a job; finished is verified, unannounced and without a
	// job; idle has not submitted.
	got, err = st.SellersToReconcile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint([]int64{cut, finished, fresh}) {
		t.Errorf("to reconcile %v, want [%d %d %d] (not %d)", got, cut, finished, fresh, idle)
	}

	for _, id := range []int64{cut, fresh} {
		if err := st.ScheduleJob(ctx, id, store.JobSpec{Kind: store.JobRetry,
			RunAt: c.t}); err != nil {
			t.Fatal(err)
		}
	}
	got, _ = st.SellersToReconcile(ctx)
	if fmt.Sprint(got) != fmt.Sprint([]int64{finished}) {
		t.Errorf("to reconcile after scheduling %v, want [%d]", got, finished)
	}
}

// TestFollowCommitsWithTheWrite checks that the work planned after a submission or a check's
// result commits in the same transaction: the plan sees the seller as the write left it, a
// failing plan never costs the write (which commits alone, and the plan is told why), and a
// candidate password Shiprocket refused plans nothing.
func TestFollowCommitsWithTheWrite(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, _ := openStore(t, c)
	s, _ := st.CreateSeller(ctx, newSeller("asha"), hash("t"), time.Hour, "seller")

	boom := errors.New("boom")
	var failures []error
	failing := store.Follow{
		Decide: func(store.Seller, store.Monitor) (store.MonitorChange, error) {
			return store.MonitorChange{Schedule: &store.JobSpec{Kind: store.JobRetry,
				RunAt: c.t}}, boom
		},
		Done:   func(store.MonitorChange) { t.Error("Done called after a failed plan") },
		Failed: func(err error) { failures = append(failures, err) },
	}
	first, err := st.Submit(ctx, store.Submission{SellerID: s.ID,
		APIEmail: "asha+api@example.com", KeyID: "k1", Sealed: []byte{1}, Trigger: "seller",
		Actor: "seller", Then: failing})
	if err != nil {
		t.Fatalf("submit with a failing plan: %v", err)
	}
	got, _ := st.Seller(ctx, s.ID)
	checks, _ := st.Checks(ctx, s.ID)
	if got.Status != store.StatusCheckPending || got.APIEmail != "asha+api@example.com" ||
		len(checks) != 1 || checks[0].ID != first.ID {
		t.Fatalf("after a failed plan: status %s, api email %q, %d checks", got.Status,
			got.APIEmail, len(checks))
	}
	if sec, err := st.Secret(ctx, s.ID, store.PurposePassword); err != nil || sec.KeyID != "k1" {
		t.Fatalf("after a failed plan the password is %+v, %v", sec, err)
	}
	if _, err := st.QueuedJob(ctx, s.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the failed plan's job was written: %v", err)
	}
	if len(failures) != 1 || !errors.Is(failures[0], boom) {
		t.Fatalf("Failed was told %v, want boom once", failures)
	}

	// A result whose plan fails is recorded all the same.
	err = st.FinishCheck(ctx, first.ID, store.CheckResult{Outcome: "unavailable",
		HTTPStatus: 503, Report: "{}", Status: store.StatusCheckPending, Then: failing})
	if err != nil {
		t.Fatalf("result with a failing plan: %v", err)
	}
	if c, _ := st.Check(ctx, first.ID); c.Outcome != "unavailable" || len(failures) != 2 ||
		!errors.Is(failures[1], boom) {
		t.Fatalf("after a failed plan the check is %+v; %d failures told", c, len(failures))
	}

	// plan records the seller's status as the write left it, and schedules a job at a time that
	// names the write.
	var seen []store.Status
	var done []store.MonitorChange
	plan := func(at time.Duration) store.Follow {
		return store.Follow{
			Decide: func(sel store.Seller, m store.Monitor) (store.MonitorChange, error) {
				seen = append(seen, sel.Status)
				m.PendingRetries++
				return store.MonitorChange{Monitor: m,
					Schedule: &store.JobSpec{Kind: store.JobRetry, RunAt: c.t.Add(at)}}, nil
			},
			Done: func(ch store.MonitorChange) { done = append(done, ch) },
		}
	}
	check, err := st.Submit(ctx, store.Submission{SellerID: s.ID,
		APIEmail: "asha+api@example.com", KeyID: "k1", Sealed: []byte{1}, Trigger: "seller",
		Actor: "seller", Then: plan(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if j, err := st.QueuedJob(ctx, s.ID); err != nil || !j.RunAt.Equal(c.t.Add(time.Minute)) {
		t.Fatalf("job after submit: %+v, %v", j, err)
	}

	err = st.FinishCheck(ctx, check.ID, store.CheckResult{Outcome: "verified", HTTPStatus: 200,
		Report: "{}", Status: store.StatusVerified, Then: plan(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := st.Monitor(ctx, s.ID)
	if j, err := st.QueuedJob(ctx, s.ID); err != nil || !j.RunAt.Equal(c.t.Add(time.Hour)) ||
		m.PendingRetries != 2 {
		t.Fatalf("after the result: job %+v, %v; monitor %+v", j, err, m)
	}

	candidate, err := st.StartCandidateCheck(ctx, s.ID, "asha+api@example.com")
	if err != nil {
		t.Fatal(err)
	}
	err = st.FinishCandidateCheck(ctx, candidate.ID, store.CheckResult{
		Outcome: "wrong_credentials", HTTPStatus: 401, Report: "{}",
		Status: store.StatusNeedsAction, Then: plan(24 * time.Hour)}, "k2", []byte{2})
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Status{store.StatusCheckPending, store.StatusVerified}
	if fmt.Sprint(seen) != fmt.Sprint(want) || len(done) != 2 ||
		!done[1].Schedule.RunAt.Equal(c.t.Add(time.Hour)) {
		t.Errorf("plans saw %v (want %v) and %d were done", seen, want, len(done))
	}
	if j, _ := st.QueuedJob(ctx, s.ID); !j.RunAt.Equal(c.t.Add(time.Hour)) {
		t.Errorf("a refused candidate changed the job to %+v", j)
	}
}

// TestPlanFailingHalfWayLeavesNoTrace checks a plan whose change fails after part of it was
// written (its webhook delivery names a seller that does not exist): the monitor row, job and
// timeline event it wrote are gone, the write it followed is there exactly once, Failed is told
// the database's error, and the same holds for a new password Shiprocket accepted.
func TestPlanFailingHalfWayLeavesNoTrace(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, _ := openStore(t, c)
	s, _ := st.CreateSeller(ctx, newSeller("asha"), hash("t"), time.Hour, "seller")

	var failures []error
	halfWay := store.Follow{
		Decide: func(sel store.Seller, m store.Monitor) (store.MonitorChange, error) {
			m.PendingRetries = 7
			return store.MonitorChange{Monitor: m,
				Schedule: &store.JobSpec{Kind: store.JobRetry, RunAt: c.t.Add(time.Minute)},
				Events:   []store.Event{{Kind: store.EventStale, Actor: store.ActorSystem}},
				Deliveries: []store.NewDelivery{{EventID: "evt_x", EventType: "seller.stale",
					SellerID: sel.ID + 1000, URL: "http://127.0.0.1:9/h", Payload: "{}",
					GiveUpAt: c.t.Add(time.Hour)}},
			}, nil
		},
		Done:   func(store.MonitorChange) { t.Error("Done called after a failed plan") },
		Failed: func(err error) { failures = append(failures, err) },
	}
	noTrace := func(when string) {
		t.Helper()
		if m, _ := st.Monitor(ctx, s.ID); m.PendingRetries != 0 {
			t.Errorf("%s: the failed plan's monitor row is there: %+v", when, m)
		}
		if _, err := st.QueuedJob(ctx, s.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: the failed plan's job is there: %v", when, err)
		}
		events, _ := st.Events(ctx, s.ID)
		for _, e := range events {
			if e.Kind == store.EventStale {
				t.Errorf("%s: the failed plan's event is there", when)
			}
		}
	}

	check, err := st.Submit(ctx, store.Submission{SellerID: s.ID,
		APIEmail: "asha+api@example.com", KeyID: "k1", Sealed: []byte{1}, Trigger: "seller",
		Actor: "seller", Then: halfWay})
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	noTrace("after the submission")
	events, _ := st.Events(ctx, s.ID)
	submitted := 0
	for _, e := range events {
		if e.Kind == store.EventSubmitted {
			submitted++
		}
	}
	if checks, _ := st.Checks(ctx, s.ID); submitted != 1 || len(checks) != 1 ||
		checks[0].ID != check.ID {
		t.Errorf("after the submission: %d submitted events, checks %+v", submitted, checks)
	}

	err = st.FinishCheck(ctx, check.ID, store.CheckResult{Outcome: "verified",
		HTTPStatus: 200, Report: "{}", Status: store.StatusVerified, Then: halfWay})
	if err != nil {
		t.Fatalf("result: %v", err)
	}
	noTrace("after the result")
	if got, _ := st.Seller(ctx, s.ID); got.Status != store.StatusVerified {
		t.Errorf("after the result the seller is %s", got.Status)
	}

	candidate, err := st.StartCandidateCheck(ctx, s.ID, "asha.k+api@example.com")
	if err != nil {
		t.Fatal(err)
	}
	err = st.FinishCandidateCheck(ctx, candidate.ID, store.CheckResult{Outcome: "verified",
		HTTPStatus: 200, Report: "{}", Status: store.StatusVerified, Then: halfWay}, "k2",
		[]byte{2})
	if err != nil {
		t.Fatalf("candidate: %v", err)
	}
	noTrace("after the new password")
	sec, _ := st.Secret(ctx, s.ID, store.PurposePassword)
	if got, _ := st.Seller(ctx, s.ID); sec.KeyID != "k2" || got.APIEmail != "asha.k+api@example.com" {
		t.Errorf("the accepted password was not kept: key %s, API email %s", sec.KeyID,
			got.APIEmail)
	}

	if len(failures) != 3 {
		t.Fatalf("Failed told %d times, want 3", len(failures))
	}
	for _, err := range failures {
		if !strings.Contains(err.Error(), "FOREIGN KEY") {
			t.Errorf("Failed told %v, want the foreign key error", err)
		}
	}
}
