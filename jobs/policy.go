package jobs

import (
	"fmt"
	"strconv"
	"time"

	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/verify"
	"github.com/aicofounder/shiprocket-portal/webhook"
)

// Policy is when background checks happen. The zero value is not useful; DefaultPolicy gives the
// documented defaults.
type Policy struct {
	// Interval is how often a verified seller is checked again, and how often a failing one is
	// followed up.
	Interval time.Duration
	// Jitter spreads re-checks: each is scheduled up to Jitter/2 earlier or later than Interval,
	// so sellers verified together are not all checked together.
	Jitter time.Duration
	// RetryDelays are the waits before the automatic retries of a pending check; the last one
	// repeats.
	RetryDelays []time.Duration
	// RetryFor is how long a pending check is retried on RetryDelays before the seller is
	// marked for staff and the check is tried once per Interval instead.
	RetryFor time.Duration
	// StaleDays is the number of distinct failing days after which a seller is marked stale.
	StaleDays int
}

// DefaultPolicy returns the documented defaults: re-checks every 24 h with 10% jitter, pending
// retries after 1, 5, 15 and 60 minutes and then hourly for 24 h, stale after 4 failing days.
func DefaultPolicy() Policy {
	return Policy{
		Interval: 24 * time.Hour,
		Jitter:   24 * time.Hour / 10,
		RetryDelays: []time.Duration{
			time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour,
		},
		RetryFor:  24 * time.Hour,
		StaleDays: 4,
	}
}

// decision is what the policy wants done about one seller; the runner turns it into a
// store.MonitorChange, building webhook deliveries for announce.
type decision struct {
	monitor  store.Monitor
	schedule *store.JobSpec
	cancel   bool
	events   []store.Event
	announce []string
}

// dayOf names the UTC calendar day of t; failures count at most once per day.
func dayOf(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// monitored reports whether background work watches the seller's credentials: only those that
// have worked once can stop working.
func monitored(s store.Seller) bool { return !s.VerifiedAt.IsZero() }

// submitted starts a pending run for new credentials and queues a safety retry, so that a check
// cut short by a crash is tried again even if nothing else is recorded.
func (p Policy) submitted(m store.Monitor, now time.Time) decision {
	m.PendingSince, m.PendingRetries, m.GaveUpAt = now, 0, time.Time{}
	return decision{
		monitor:  m,
		schedule: &store.JobSpec{Kind: store.JobRetry, RunAt: now.Add(p.RetryDelays[0])},
		announce: []string{webhook.EventSubmitted},
	}
}

// finished plans what follows a recorded check. jitter is this re-check's offset from Interval,
// within ±Jitter/2.
func (p Policy) finished(s store.Seller, m store.Monitor, f verify.Finished, now time.Time,
	jitter time.Duration) decision {
	switch f.Status {
	case store.StatusVerified:
		return p.verified(m, now, jitter)
	case store.StatusNeedsAction:
		return p.needsAction(s, m, f, now)
	case store.StatusCheckPending:
		return p.pending(m, now)
	}
	return decision{monitor: m, cancel: true}
}

// verified clears every failure, plans the next re-check and announces what changed.
func (p Policy) verified(m store.Monitor, now time.Time, jitter time.Duration) decision {
	d := decision{schedule: &store.JobSpec{Kind: store.JobRecheck,
		RunAt: now.Add(p.Interval + jitter)}}

	if !m.FailingSince.IsZero() {
		d.events = append(d.events, store.Event{Kind: store.EventRecovered,
			Actor: store.ActorSystem, Detail: "failing since " +
				m.FailingSince.Format(time.RFC3339) + ", on " + strconv.Itoa(m.FailDays) +
				" days"})
		d.announce = append(d.announce, webhook.EventRecovered)
	}
	if m.Announced != store.StatusVerified {
		d.announce = append(d.announce, webhook.EventVerified)
	}

	d.monitor = store.Monitor{SellerID: m.SellerID, Announced: store.StatusVerified}
	return d
}

// needsAction counts a failing day for a seller whose credentials used to work, and follows them
// up once per Interval. A seller whose login Shiprocket refused is never logged in for again:
// the follow-up only counts days, and stops once the seller is stale.
func (p Policy) needsAction(s store.Seller, m store.Monitor, f verify.Finished,
	now time.Time) decision {
	m.PendingSince, m.PendingRetries, m.GaveUpAt = time.Time{}, 0, time.Time{}
	d := decision{monitor: m, cancel: true}

	if monitored(s) {
		d = p.failingDay(d, f.Reason, verify.RefusedLogin(f.Outcome), now)
	}
	if d.monitor.Announced != store.StatusNeedsAction {
		d.monitor.Announced = store.StatusNeedsAction
		d.announce = append(d.announce, webhook.EventNeedsAction)
	}
	return d
}

// stillFailing is the daily follow-up of a seller whose login was refused: no login, one more
// failing day.
func (p Policy) stillFailing(m store.Monitor, reason string, now time.Time) decision {
	return p.failingDay(decision{monitor: m}, reason, true, now)
}

// failingDay counts today as failing (once), marks the seller stale on the StaleDays-th day and
// plans the follow-up.
func (p Policy) failingDay(d decision, reason string, refused bool, now time.Time) decision {
	m := d.monitor
	if m.FailingSince.IsZero() {
		m.FailingSince = now
		d.events = append(d.events, store.Event{Kind: store.EventCredentialsFailed,
			Actor: store.ActorSystem, Detail: reason})
	}
	if today := dayOf(now); m.LastFailDay != today {
		m.FailDays++
		m.LastFailDay = today
	}
	if m.FailDays >= p.StaleDays && m.StaleAt.IsZero() {
		m.StaleAt = now
		d.events = append(d.events, store.Event{Kind: store.EventStale,
			Actor: store.ActorSystem, Detail: fmt.Sprintf("failing on %d days", m.FailDays)})
		d.announce = append(d.announce, webhook.EventStale)
	}
	d.monitor = m

	d.schedule, d.cancel = nil, false
	if refused && !m.StaleAt.IsZero() {
		d.cancel = true // nothing more to learn without a login, and no login is allowed
		return d
	}
	d.schedule = &store.JobSpec{Kind: store.JobWatch, RunAt: now.Add(p.Interval)}
	return d
}

// pending retries a check that got no answer on RetryDelays for RetryFor, then marks the seller
// for staff and keeps trying once per Interval.
func (p Policy) pending(m store.Monitor, now time.Time) decision {
	if m.PendingSince.IsZero() {
		m.PendingSince, m.PendingRetries = now, 0
	}
	d := decision{}

	deadline := m.PendingSince.Add(p.RetryFor)
	if !now.Before(deadline) {
		if m.GaveUpAt.IsZero() {
			m.GaveUpAt = now
			d.events = append(d.events, store.Event{Kind: store.EventRetriesExhausted,
				Actor: store.ActorSystem, Detail: fmt.Sprintf("check pending since %s "+
					"after %d retries; staff should look", m.PendingSince.Format(time.RFC3339),
					m.PendingRetries)})
		}
		d.monitor = m
		d.schedule = &store.JobSpec{Kind: store.JobRetry, RunAt: now.Add(p.Interval)}
		return d
	}

	delay := p.RetryDelays[min(m.PendingRetries, len(p.RetryDelays)-1)]
	m.PendingRetries++
	runAt := now.Add(delay)
	if runAt.After(deadline) {
		runAt = deadline // one last try right at the end of the window
	}
	d.monitor = m
	d.schedule = &store.JobSpec{Kind: store.JobRetry, RunAt: runAt}
	return d
}

// reconcileInput is what the runner found about a seller whose background state may be lost.
type reconcileInput struct {
	hasJob      bool
	interrupted bool // the latest check was cut off by a crash
	refused     bool // the latest finished check was a refused login
	spread      time.Duration
}

// reconcile puts back a missing job and announces a status the receivers never heard of. A check
// cut off by a crash is retried at once.
func (p Policy) reconcile(s store.Seller, m store.Monitor, in reconcileInput,
	now time.Time) decision {
	d := decision{monitor: m}

	switch s.Status {
	case store.StatusCheckPending:
		if in.interrupted || !in.hasJob {
			if d.monitor.PendingSince.IsZero() {
				d.monitor.PendingSince = now
			}
			d.schedule = &store.JobSpec{Kind: store.JobRetry, RunAt: now}
		}
	case store.StatusVerified:
		if !in.hasJob {
			d.schedule = &store.JobSpec{Kind: store.JobRecheck, RunAt: now.Add(in.spread)}
		}
	case store.StatusNeedsAction:
		if monitored(s) && !in.hasJob && !(in.refused && !m.StaleAt.IsZero()) {
			d.schedule = &store.JobSpec{Kind: store.JobWatch, RunAt: now.Add(p.Interval)}
		}
	}

	if (s.Status == store.StatusVerified || s.Status == store.StatusNeedsAction) &&
		m.Announced != s.Status {
		d.monitor.Announced = s.Status
		d.announce = append(d.announce, announcement(s.Status))
	}
	return d
}

// announcement names the webhook event for a status.
func announcement(s store.Status) string {
	if s == store.StatusVerified {
		return webhook.EventVerified
	}
	return webhook.EventNeedsAction
}
