package jobs

import (
	"reflect"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/verify"
	"github.com/aicofounder/shiprocket-portal/webhook"
)

var t0 = time.Date(2026, 3, 2, 23, 30, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func spec(kind string, d time.Duration) *store.JobSpec {
	return &store.JobSpec{Kind: kind, RunAt: at(d)}
}

func event(kind, detail string) store.Event {
	return store.Event{Kind: kind, Actor: store.ActorSystem, Detail: detail}
}

func TestPolicyPending(t *testing.T) {
	p := DefaultPolicy()
	tests := []struct {
		name string
		m    store.Monitor
		now  time.Time
		want decision
	}{
		{
			name: "first pending result starts the run",
			m:    store.Monitor{SellerID: 1},
			now:  t0,
			want: decision{monitor: store.Monitor{SellerID: 1, PendingSince: t0,
				PendingRetries: 1}, schedule: spec(store.JobRetry, time.Minute)},
		},
		{
			name: "third retry waits 15 minutes",
			m:    store.Monitor{SellerID: 1, PendingSince: t0, PendingRetries: 2},
			now:  at(6 * time.Minute),
			want: decision{monitor: store.Monitor{SellerID: 1, PendingSince: t0,
				PendingRetries: 3}, schedule: spec(store.JobRetry, 21*time.Minute)},
		},
		{
			name: "after the list, hourly",
			m:    store.Monitor{SellerID: 1, PendingSince: t0, PendingRetries: 9},
			now:  at(5 * time.Hour),
			want: decision{monitor: store.Monitor{SellerID: 1, PendingSince: t0,
				PendingRetries: 10}, schedule: spec(store.JobRetry, 6*time.Hour)},
		},
		{
			name: "the last retry lands on the end of the window",
			m:    store.Monitor{SellerID: 1, PendingSince: t0, PendingRetries: 26},
			now:  at(23*time.Hour + 30*time.Minute),
			want: decision{monitor: store.Monitor{SellerID: 1, PendingSince: t0,
				PendingRetries: 27}, schedule: spec(store.JobRetry, 24*time.Hour)},
		},
		{
			name: "window over: marked for staff once, then daily",
			m:    store.Monitor{SellerID: 1, PendingSince: t0, PendingRetries: 27},
			now:  at(24 * time.Hour),
			want: decision{monitor: store.Monitor{SellerID: 1, PendingSince: t0,
				PendingRetries: 27, GaveUpAt: at(24 * time.Hour)},
				schedule: spec(store.JobRetry, 48*time.Hour),
				events: []store.Event{event(store.EventRetriesExhausted,
					"check pending since 2026-03-02T23:30:00Z after 27 retries; "+
						"staff should look")}},
		},
		{
			name: "already marked: no second event",
			m: store.Monitor{SellerID: 1, PendingSince: t0, PendingRetries: 27,
				GaveUpAt: at(24 * time.Hour)},
			now: at(48 * time.Hour),
			want: decision{monitor: store.Monitor{SellerID: 1, PendingSince: t0,
				PendingRetries: 27, GaveUpAt: at(24 * time.Hour)},
				schedule: spec(store.JobRetry, 72*time.Hour)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.pending(tt.m, tt.now)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestPolicyNeedsAction(t *testing.T) {
	p := DefaultPolicy()
	verified := store.Seller{ID: 1, VerifiedAt: t0.Add(-48 * time.Hour)}
	wrong := verify.Finished{SellerID: 1, Outcome: "wrong_credentials",
		Status: store.StatusNeedsAction, Reason: "wrong_credentials"}
	modules := verify.Finished{SellerID: 1, Outcome: "verified",
		Status: store.StatusNeedsAction, Reason: verify.ReasonMissingModules}
	day := t0.Format(time.DateOnly)

	tests := []struct {
		name   string
		seller store.Seller
		m      store.Monitor
		f      verify.Finished
		now    time.Time
		want   decision
	}{
		{
			name:   "never verified: announced, nothing followed up",
			seller: store.Seller{ID: 1},
			m:      store.Monitor{SellerID: 1, PendingSince: t0, PendingRetries: 1},
			f:      wrong,
			now:    t0,
			want: decision{monitor: store.Monitor{SellerID: 1,
				Announced: store.StatusNeedsAction}, cancel: true,
				announce: []string{webhook.EventNeedsAction}},
		},
		{
			name:   "verified credentials refused: first failing day, watched without login",
			seller: verified,
			m:      store.Monitor{SellerID: 1, Announced: store.StatusVerified},
			f:      wrong,
			now:    t0,
			want: decision{monitor: store.Monitor{SellerID: 1,
				Announced: store.StatusNeedsAction, FailingSince: t0, FailDays: 1,
				LastFailDay: day}, schedule: spec(store.JobWatch, 24*time.Hour),
				events:   []store.Event{event(store.EventCredentialsFailed, "wrong_credentials")},
				announce: []string{webhook.EventNeedsAction}},
		},
		{
			name:   "a second failure on the same day is not counted",
			seller: verified,
			m: store.Monitor{SellerID: 1, Announced: store.StatusNeedsAction, FailingSince: t0,
				FailDays: 1, LastFailDay: day},
			f:   modules,
			now: at(20 * time.Minute),
			want: decision{monitor: store.Monitor{SellerID: 1,
				Announced: store.StatusNeedsAction, FailingSince: t0, FailDays: 1,
				LastFailDay: day}, schedule: spec(store.JobWatch, 24*time.Hour+20*time.Minute)},
		},
		{
			name:   "fourth day: stale, and a refused login is not followed up any more",
			seller: verified,
			m: store.Monitor{SellerID: 1, Announced: store.StatusNeedsAction, FailingSince: t0,
				FailDays: 3, LastFailDay: at(48 * time.Hour).Format(time.DateOnly)},
			f:   wrong,
			now: at(72 * time.Hour),
			want: decision{monitor: store.Monitor{SellerID: 1,
				Announced: store.StatusNeedsAction, FailingSince: t0, FailDays: 4,
				LastFailDay: at(72 * time.Hour).Format(time.DateOnly),
				StaleAt:     at(72 * time.Hour)}, cancel: true,
				events:   []store.Event{event(store.EventStale, "failing on 4 days")},
				announce: []string{webhook.EventStale}},
		},
		{
			name:   "stale but the login works: still checked daily",
			seller: verified,
			m: store.Monitor{SellerID: 1, Announced: store.StatusNeedsAction, FailingSince: t0,
				FailDays: 3, LastFailDay: at(48 * time.Hour).Format(time.DateOnly)},
			f:   modules,
			now: at(72 * time.Hour),
			want: decision{monitor: store.Monitor{SellerID: 1,
				Announced: store.StatusNeedsAction, FailingSince: t0, FailDays: 4,
				LastFailDay: at(72 * time.Hour).Format(time.DateOnly),
				StaleAt:     at(72 * time.Hour)}, schedule: spec(store.JobWatch, 96*time.Hour),
				events:   []store.Event{event(store.EventStale, "failing on 4 days")},
				announce: []string{webhook.EventStale}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.finished(tt.seller, tt.m, tt.f, tt.now, 0)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestPolicyVerified(t *testing.T) {
	p := DefaultPolicy()
	f := verify.Finished{SellerID: 1, Outcome: "verified", Status: store.StatusVerified}
	tests := []struct {
		name   string
		m      store.Monitor
		jitter time.Duration
		want   decision
	}{
		{
			name:   "first verification",
			m:      store.Monitor{SellerID: 1, PendingSince: t0, PendingRetries: 1},
			jitter: -time.Hour,
			want: decision{monitor: store.Monitor{SellerID: 1, Announced: store.StatusVerified},
				schedule: spec(store.JobRecheck, 23*time.Hour),
				announce: []string{webhook.EventVerified}},
		},
		{
			name:   "daily re-check that still works: nothing to announce",
			m:      store.Monitor{SellerID: 1, Announced: store.StatusVerified},
			jitter: 10 * time.Minute,
			want: decision{monitor: store.Monitor{SellerID: 1, Announced: store.StatusVerified},
				schedule: spec(store.JobRecheck, 24*time.Hour+10*time.Minute)},
		},
		{
			name: "after failing: recovered",
			m: store.Monitor{SellerID: 1, Announced: store.StatusNeedsAction,
				FailingSince: at(-72 * time.Hour), FailDays: 4, LastFailDay: "2026-03-02",
				StaleAt: at(-time.Hour)},
			want: decision{monitor: store.Monitor{SellerID: 1, Announced: store.StatusVerified},
				schedule: spec(store.JobRecheck, 24*time.Hour),
				events: []store.Event{event(store.EventRecovered,
					"failing since 2026-02-27T23:30:00Z, on 4 days")},
				announce: []string{webhook.EventRecovered, webhook.EventVerified}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.finished(store.Seller{ID: 1, VerifiedAt: t0}, tt.m, f, t0, tt.jitter)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestPolicyReconcile(t *testing.T) {
	p := DefaultPolicy()
	verifiedAt := t0.Add(-time.Hour)
	tests := []struct {
		name   string
		seller store.Seller
		m      store.Monitor
		in     reconcileInput
		want   decision
	}{
		{
			name:   "interrupted check: retried now even though a job is queued",
			seller: store.Seller{ID: 1, Status: store.StatusCheckPending},
			m:      store.Monitor{SellerID: 1, PendingSince: at(-time.Minute)},
			in:     reconcileInput{hasJob: true, interrupted: true},
			want: decision{monitor: store.Monitor{SellerID: 1, PendingSince: at(-time.Minute)},
				schedule: spec(store.JobRetry, 0)},
		},
		{
			name:   "pending with its job: left alone",
			seller: store.Seller{ID: 1, Status: store.StatusCheckPending},
			m:      store.Monitor{SellerID: 1, PendingSince: t0},
			in:     reconcileInput{hasJob: true},
			want:   decision{monitor: store.Monitor{SellerID: 1, PendingSince: t0}},
		},
		{
			name:   "verified without a job or announcement",
			seller: store.Seller{ID: 1, Status: store.StatusVerified, VerifiedAt: verifiedAt},
			m:      store.Monitor{SellerID: 1},
			in:     reconcileInput{spread: 5 * time.Hour},
			want: decision{monitor: store.Monitor{SellerID: 1, Announced: store.StatusVerified},
				schedule: spec(store.JobRecheck, 5*time.Hour),
				announce: []string{webhook.EventVerified}},
		},
		{
			name: "stale after a refused login: nothing to follow up",
			seller: store.Seller{ID: 1, Status: store.StatusNeedsAction,
				VerifiedAt: verifiedAt},
			m:  store.Monitor{SellerID: 1, Announced: store.StatusNeedsAction, StaleAt: t0},
			in: reconcileInput{refused: true},
			want: decision{monitor: store.Monitor{SellerID: 1,
				Announced: store.StatusNeedsAction, StaleAt: t0}},
		},
		{
			name: "failing, job lost: watched again",
			seller: store.Seller{ID: 1, Status: store.StatusNeedsAction,
				VerifiedAt: verifiedAt},
			m:  store.Monitor{SellerID: 1, Announced: store.StatusNeedsAction},
			in: reconcileInput{refused: true},
			want: decision{monitor: store.Monitor{SellerID: 1,
				Announced: store.StatusNeedsAction}, schedule: spec(store.JobWatch, 24*time.Hour)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.reconcile(tt.seller, tt.m, tt.in, t0)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
