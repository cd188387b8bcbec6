package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The kinds of background job. Each is a check of one seller's stored credentials.
const (
	JobRetry   = "retry"   // a pending check tried again
	JobRecheck = "recheck" // the periodic check of a verified seller
	JobWatch   = "watch"   // the daily follow-up of a seller whose credentials stopped working
)

// The states of a job.
const (
	JobQueued  = "queued"  // waiting for its run_at
	JobRunning = "running" // claimed by a runner until lease_until
	JobDone    = "done"    // finished; result says how
	JobFailed  = "failed"  // gave up after errors; result holds the last one
)

// The timeline events written by background work.
const (
	EventCredentialsFailed = "credentials_failed" // a verified seller's credentials stopped working
	EventStale             = "stale"              // failing on StaleDays distinct days
	EventRecovered         = "recovered"          // verified again after failing
	EventRetriesExhausted  = "retries_exhausted"  // pending for the whole retry window: for staff
)

// ActorSystem marks events caused by background work rather than a person.
const ActorSystem = "system"

// Job is one scheduled background check.
type Job struct {
	ID         int64
	SellerID   int64
	Kind       string
	State      string
	RunAt      time.Time
	Attempts   int
	LeaseOwner string
	LeaseUntil time.Time
	Result     string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// JobSpec is a job to schedule for a seller.
type JobSpec struct {
	Kind  string
	RunAt time.Time
}

const jobColumns = `id, seller_id, kind, state, run_at, attempts, lease_owner, lease_until,
	result, created_at, updated_at`

func scanJob(row interface{ Scan(...any) error }) (Job, error) {
	var j Job
	var runAt, created, updated string
	var lease sql.NullString
	err := row.Scan(&j.ID, &j.SellerID, &j.Kind, &j.State, &runAt, &j.Attempts, &j.LeaseOwner,
		&lease, &j.Result, &created, &updated)
	if err != nil {
		return Job{}, err
	}
	j.RunAt = parseTime(runAt)
	j.LeaseUntil = parseNullTime(lease)
	j.CreatedAt = parseTime(created)
	j.UpdatedAt = parseTime(updated)
	return j, nil
}

// ScheduleJob queues a job for the seller, replacing the seller's queued job if there is one. A
// job that is running is left alone.
func (s *Store) ScheduleJob(ctx context.Context, sellerID int64, spec JobSpec) error {
	return s.tx(ctx, func(tx *wtx) error {
		return upsertJob(ctx, tx, sellerID, spec, s.Now())
	})
}

func upsertJob(ctx context.Context, tx *wtx, sellerID int64, spec JobSpec,
	now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO jobs (seller_id, kind, state, run_at,
		created_at, updated_at) VALUES (?, ?, 'queued', ?, ?, ?)
		ON CONFLICT (seller_id) WHERE state = 'queued' DO UPDATE SET kind = excluded.kind,
		run_at = excluded.run_at, attempts = 0, result = '', updated_at = excluded.updated_at`,
		sellerID, spec.Kind, formatTime(spec.RunAt), formatTime(now), formatTime(now))
	if err != nil {
		return fmt.Errorf("schedule %s job: %w", spec.Kind, err)
	}
	return nil
}

func cancelQueuedJob(ctx context.Context, tx *wtx, sellerID int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'done', result = 'cancelled',
		updated_at = ? WHERE seller_id = ? AND state = 'queued'`, formatTime(now), sellerID)
	if err != nil {
		return fmt.Errorf("cancel queued job: %w", err)
	}
	return nil
}

// ClaimJob takes the next due job for the runner named owner and leases it until now plus
// lease. Only one job runs at a time across every runner sharing the database: while any lease
// is live, nothing is claimed. A running job whose lease has run out is due again. It reports
// false when nothing is due.
func (s *Store) ClaimJob(ctx context.Context, owner string, lease time.Duration) (Job, bool,
	error) {
	now := formatTime(s.Now())
	var id int64

	err := s.tx(ctx, func(tx *wtx) error {
		err := tx.QueryRowContext(ctx, `SELECT id FROM jobs
			WHERE ((state = 'queued' AND run_at <= ?) OR (state = 'running' AND lease_until <= ?))
			AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.state = 'running' AND r.lease_until > ?)
			ORDER BY run_at, id LIMIT 1`, now, now, now).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			id = 0
			return nil
		}
		if err != nil {
			return fmt.Errorf("find due job: %w", err)
		}

		_, err = tx.ExecContext(ctx, `UPDATE jobs SET state = 'running', lease_owner = ?,
			lease_until = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?`,
			owner, formatTime(s.Now().Add(lease)), now, id)
		if err != nil {
			return fmt.Errorf("claim job: %w", err)
		}
		return nil
	})
	if err != nil || id == 0 {
		return Job{}, false, err
	}

	j, err := s.Job(ctx, id)
	if err != nil {
		return Job{}, false, err
	}
	return j, true, nil
}

// FinishJob marks a claimed job done with a short result. It does nothing when the lease has
// passed to another runner meanwhile.
func (s *Store) FinishJob(ctx context.Context, id int64, owner, result string) error {
	_, err := s.write.ExecContext(ctx, `UPDATE jobs SET state = 'done', result = ?,
		lease_until = NULL, updated_at = ? WHERE id = ? AND state = 'running' AND lease_owner = ?`,
		result, s.stamp(), id, owner)
	if err != nil {
		return fmt.Errorf("finish job %d: %w", id, err)
	}
	return nil
}

// ReleaseJob gives back a claimed job that was not started, for example because the runner is
// stopping, so it runs again as soon as possible. When the seller already has another queued
// job the released one is closed instead.
func (s *Store) ReleaseJob(ctx context.Context, id int64, owner string) error {
	return s.endAttempt(ctx, id, owner, "released", s.Now(), 0, 1)
}

// RetryJob records that a claimed job failed with errText and queues it again at runAt, unless
// it has now been tried maxAttempts times, in which case it is marked failed.
func (s *Store) RetryJob(ctx context.Context, id int64, owner, errText string, runAt time.Time,
	maxAttempts int) error {
	return s.endAttempt(ctx, id, owner, errText, runAt, maxAttempts, 0)
}

// endAttempt closes a claimed job's attempt: failed once maxAttempts (when above 0) is reached,
// otherwise queued again at runAt. uncount is taken off the attempts, so a release does not count.
func (s *Store) endAttempt(ctx context.Context, id int64, owner, result string, runAt time.Time,
	maxAttempts, uncount int) error {
	_, err := s.write.ExecContext(ctx, `UPDATE jobs SET attempts = MAX(attempts - ?, 0),
		state = CASE
			WHEN ? > 0 AND attempts >= ? THEN 'failed'
			WHEN EXISTS (SELECT 1 FROM jobs q WHERE q.seller_id = jobs.seller_id
				AND q.state = 'queued') THEN 'done'
			ELSE 'queued' END,
		run_at = ?, result = ?, lease_owner = '', lease_until = NULL, updated_at = ?
		WHERE id = ? AND state = 'running' AND lease_owner = ?`,
		uncount, maxAttempts, maxAttempts, formatTime(runAt), result, s.stamp(), id, owner)
	if err != nil {
		return fmt.Errorf("end job %d: %w", id, err)
	}
	return nil
}

// Job returns one job by id, or ErrNotFound.
func (s *Store) Job(ctx context.Context, id int64) (Job, error) {
	row := s.read.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = ?`, id)
	j, err := scanJob(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Job{}, ErrNotFound
	}
	if err != nil {
		return Job{}, fmt.Errorf("load job %d: %w", id, err)
	}
	return j, nil
}

// QueuedJob returns the seller's queued job, or ErrNotFound.
func (s *Store) QueuedJob(ctx context.Context, sellerID int64) (Job, error) {
	row := s.read.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs
		WHERE seller_id = ? AND state = 'queued'`, sellerID)
	j, err := scanJob(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Job{}, ErrNotFound
	}
	if err != nil {
		return Job{}, fmt.Errorf("load queued job: %w", err)
	}
	return j, nil
}

// HasOpenJob reports whether the seller has a job queued or running.
func (s *Store) HasOpenJob(ctx context.Context, sellerID int64) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs
		WHERE seller_id = ? AND state IN ('queued', 'running')`, sellerID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look for open job: %w", err)
	}
	return n > 0, nil
}

// Jobs returns every job of a seller, newest first.
func (s *Store) Jobs(ctx context.Context, sellerID int64) ([]Job, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+jobColumns+` FROM jobs
		WHERE seller_id = ? ORDER BY id DESC`, sellerID)
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	defer rows.Close()

	var out []Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, fmt.Errorf("list jobs: %w", err)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// PruneJobs deletes finished jobs last touched before the given time and returns how many went.
func (s *Store) PruneJobs(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.write.ExecContext(ctx, `DELETE FROM jobs
		WHERE state IN ('done', 'failed') AND updated_at < ?`, formatTime(before))
	if err != nil {
		return 0, fmt.Errorf("prune jobs: %w", err)
	}
	return res.RowsAffected()
}

// Monitor is what background work remembers about a seller between checks.
type Monitor struct {
	SellerID int64
	// Announced is the last status sent by webhook (verified or needs_action), or empty.
	Announced Status
	// PendingSince is when the current run of "check pending" began; zero when not pending.
	PendingSince time.Time
	// PendingRetries counts the automatic retries of the current pending run.
	PendingRetries int
	// GaveUpAt is when the retry window ran out and the seller was marked for staff.
	GaveUpAt time.Time
	// FailingSince is when verified credentials stopped working; zero while they work.
	FailingSince time.Time
	// FailDays counts the distinct days (UTC) on which the seller was found failing.
	FailDays int
	// LastFailDay is the last of those days, as YYYY-MM-DD.
	LastFailDay string
	// StaleAt is when FailDays reached the stale threshold.
	StaleAt   time.Time
	UpdatedAt time.Time
}

const monitorColumns = `seller_id, announced, pending_since, pending_retries, gave_up_at,
	failing_since, fail_days, last_fail_day, stale_at, updated_at`

func scanMonitor(row interface{ Scan(...any) error }) (Monitor, error) {
	var m Monitor
	var pending, gaveUp, failing, stale sql.NullString
	var updated string
	err := row.Scan(&m.SellerID, &m.Announced, &pending, &m.PendingRetries, &gaveUp, &failing,
		&m.FailDays, &m.LastFailDay, &stale, &updated)
	if err != nil {
		return Monitor{}, err
	}
	m.PendingSince = parseNullTime(pending)
	m.GaveUpAt = parseNullTime(gaveUp)
	m.FailingSince = parseNullTime(failing)
	m.StaleAt = parseNullTime(stale)
	m.UpdatedAt = parseTime(updated)
	return m, nil
}

func nullTime(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: formatTime(t), Valid: true}
}

// Monitor returns the seller's monitor row; a seller without one gets a zero Monitor.
func (s *Store) Monitor(ctx context.Context, sellerID int64) (Monitor, error) {
	row := s.read.QueryRowContext(ctx, `SELECT `+monitorColumns+` FROM monitor
		WHERE seller_id = ?`, sellerID)
	m, err := scanMonitor(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Monitor{SellerID: sellerID}, nil
	}
	if err != nil {
		return Monitor{}, fmt.Errorf("load monitor: %w", err)
	}
	return m, nil
}

// MonitorChange is what background work decided about a seller; UpdateMonitor applies all of it
// in one transaction.
type MonitorChange struct {
	// Monitor is the new monitor row.
	Monitor Monitor
	// Schedule, when set, replaces the seller's queued job.
	Schedule *JobSpec
	// CancelQueued closes the seller's queued job (ignored when Schedule is set).
	CancelQueued bool
	// Events are appended to the seller's timeline, stamped with the store's clock.
	Events []Event
	// Deliveries are webhook deliveries to queue.
	Deliveries []NewDelivery
}

// Follow is background work decided in the same transaction as the write it follows (a
// submission, a check's result), so that the two commit together. Decide gets the seller as that
// write left it and the seller's monitor row, and returns the change to apply; it must not
// block, since the write lock is held while it runs. Done, when set, is called with the change
// once it has committed.
//
// A plan never costs the write it follows: when Decide or its change fails, the write is
// committed again on its own and Failed, when set, is told why. What the plan would have written
// is then missing: the hourly reconciliation of the jobs package gives back a missing job and the
// webhook of the seller's status, but the plan's timeline events, its other webhooks and the
// monitor row's counters are lost. Plans fail only when the database does.
type Follow struct {
	Decide func(Seller, Monitor) (MonitorChange, error)
	Done   func(MonitorChange)
	Failed func(error)
}

// planError marks an error of a Follow's plan, as opposed to one of the write it follows.
type planError struct{ err error }

func (e *planError) Error() string { return "plan: " + e.err.Error() }
func (e *planError) Unwrap() error { return e.err }

// txThen runs write with f in one transaction, and calls f.Done after the commit when f's change
// was applied. write applies f last, with f.apply, and may leave it out. When f's plan fails,
// write runs again in a transaction of its own without it and f.Failed is told.
func (s *Store) txThen(ctx context.Context, f Follow,
	write func(tx *wtx, f Follow) (*MonitorChange, error)) error {
	var ch *MonitorChange
	err := s.tx(ctx, func(tx *wtx) error {
		var err error
		ch, err = write(tx, f)
		return err
	})
	var pe *planError
	if errors.As(err, &pe) {
		err = s.tx(ctx, func(tx *wtx) error {
			_, err := write(tx, Follow{})
			return err
		})
		if err != nil {
			return errors.Join(err, pe)
		}
		if f.Failed != nil {
			f.Failed(pe.err)
		}
		return nil
	}
	if err == nil && ch != nil {
		f.done(*ch)
	}
	return err
}

// UpdateMonitor applies f on its own: the seller and its monitor row are loaded inside a write
// transaction, and the monitor row, job, timeline and webhook deliveries decided commit together.
func (s *Store) UpdateMonitor(ctx context.Context, sellerID int64, f Follow) error {
	now := s.Now()
	var ch MonitorChange
	err := s.tx(ctx, func(tx *wtx) error {
		var err error
		ch, err = applyFollow(ctx, tx, sellerID, f, now)
		return err
	})
	if err != nil {
		return err
	}
	f.done(ch)
	return nil
}

// apply applies f in tx after the write it follows and returns the change, or nil for a Follow
// without Decide. Its errors are marked as the plan's, for txThen.
func (f Follow) apply(ctx context.Context, tx *wtx, sellerID int64,
	now time.Time) (*MonitorChange, error) {
	if f.Decide == nil {
		return nil, nil
	}
	ch, err := applyFollow(ctx, tx, sellerID, f, now)
	if err != nil {
		return nil, &planError{err: err}
	}
	return &ch, nil
}

// done calls Done, when set.
func (f Follow) done(ch MonitorChange) {
	if f.Done != nil {
		f.Done(ch)
	}
}

// applyFollow loads the seller and its monitor row in tx, asks f what to change and applies it.
func applyFollow(ctx context.Context, tx *wtx, sellerID int64, f Follow,
	now time.Time) (MonitorChange, error) {
	seller, err := scanSeller(tx.QueryRowContext(ctx,
		`SELECT `+sellerColumns+` FROM sellers WHERE id = ?`, sellerID))
	if errors.Is(err, sql.ErrNoRows) {
		return MonitorChange{}, ErrNotFound
	}
	if err != nil {
		return MonitorChange{}, fmt.Errorf("load seller %d: %w", sellerID, err)
	}
	if f.Decide == nil {
		return MonitorChange{}, nil
	}

	m, err := scanMonitor(tx.QueryRowContext(ctx,
		`SELECT `+monitorColumns+` FROM monitor WHERE seller_id = ?`, sellerID))
	if errors.Is(err, sql.ErrNoRows) {
		m, err = Monitor{SellerID: sellerID}, nil
	}
	if err != nil {
		return MonitorChange{}, fmt.Errorf("load monitor: %w", err)
	}

	ch, err := f.Decide(seller, m)
	if err != nil {
		return MonitorChange{}, err
	}
	return ch, applyMonitorChange(ctx, tx, sellerID, ch, now)
}

func applyMonitorChange(ctx context.Context, tx *wtx, sellerID int64, ch MonitorChange,
	now time.Time) error {
	m := ch.Monitor
	_, err := tx.ExecContext(ctx, `INSERT INTO monitor (`+monitorColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (seller_id) DO UPDATE SET announced = excluded.announced,
		pending_since = excluded.pending_since, pending_retries = excluded.pending_retries,
		gave_up_at = excluded.gave_up_at, failing_since = excluded.failing_since,
		fail_days = excluded.fail_days, last_fail_day = excluded.last_fail_day,
		stale_at = excluded.stale_at, updated_at = excluded.updated_at`,
		sellerID, m.Announced, nullTime(m.PendingSince), m.PendingRetries, nullTime(m.GaveUpAt),
		nullTime(m.FailingSince), m.FailDays, m.LastFailDay, nullTime(m.StaleAt),
		formatTime(now))
	if err != nil {
		return fmt.Errorf("save monitor: %w", err)
	}

	switch {
	case ch.Schedule != nil:
		err = upsertJob(ctx, tx, sellerID, *ch.Schedule, now)
	case ch.CancelQueued:
		err = cancelQueuedJob(ctx, tx, sellerID, now)
	}
	if err != nil {
		return err
	}

	for _, e := range ch.Events {
		e.SellerID, e.At = sellerID, now
		if err := insertEvent(ctx, tx, e); err != nil {
			return err
		}
	}
	return insertDeliveries(ctx, tx, ch.Deliveries, now)
}

// SellersToReconcile lists sellers whose background state may have been lost, for example by a
// crash between a check and its follow-up: live sellers that should have a job and have none,
// and sellers whose status differs from the one last announced by webhook.
func (s *Store) SellersToReconcile(ctx context.Context) ([]int64, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT s.id FROM sellers s
		LEFT JOIN monitor m ON m.seller_id = s.id
		WHERE s.archived_at IS NULL AND (
			((s.status IN ('check_pending', 'verified')
				OR (s.status = 'needs_action' AND s.verified_at IS NOT NULL
					AND m.stale_at IS NULL))
				AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.seller_id = s.id
					AND j.state IN ('queued', 'running')))
			OR (s.status IN ('verified', 'needs_action')
				AND COALESCE(m.announced, '') != s.status))
		ORDER BY s.id`)
	if err != nil {
		return nil, fmt.Errorf("list sellers to reconcile: %w", err)
	}
	return scanIDs(rows)
}

// InterruptedChecks lists pending sellers whose latest check is still marked running although it
// started before the given time: the process that ran it died (kill -9, power loss).
func (s *Store) InterruptedChecks(ctx context.Context, before time.Time) ([]int64, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT s.id FROM sellers s
		JOIN checks c ON c.id = (SELECT MAX(id) FROM checks WHERE seller_id = s.id)
		WHERE s.status = 'check_pending' AND s.archived_at IS NULL
		AND c.outcome = 'running' AND c.started_at < ?
		ORDER BY s.id`, formatTime(before))
	if err != nil {
		return nil, fmt.Errorf("list interrupted checks: %w", err)
	}
	return scanIDs(rows)
}

// LastOutcome returns the outcome of the latest finished check of the seller's stored
// password, or "" when none has finished. Checks of candidate passwords that were not kept do
// not count.
func (s *Store) LastOutcome(ctx context.Context, sellerID int64) (string, error) {
	var outcome string
	err := s.read.QueryRowContext(ctx, `SELECT outcome FROM checks
		WHERE seller_id = ? AND finished_at IS NOT NULL
		AND (trigger != ? OR outcome = 'verified') ORDER BY id DESC LIMIT 1`,
		sellerID, TriggerCandidate).Scan(&outcome)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("load last outcome: %w", err)
	}
	return outcome, nil
}

func scanIDs(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
