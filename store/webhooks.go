package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The states of a webhook delivery.
const (
	DeliveryPending   = "pending"   // waiting for its next attempt
	DeliveryDelivered = "delivered" // a receiver answered 2xx
	DeliveryFailed    = "failed"    // no 2xx before give_up_at
)

// NewDelivery is a webhook delivery to queue: one event for one receiving URL.
type NewDelivery struct {
	EventID   string
	EventType string
	SellerID  int64
	URL       string
	Payload   string
	// GiveUpAt is when retrying stops.
	GiveUpAt time.Time
}

// Delivery is a queued or finished webhook delivery. Finished deliveries and their attempts are
// kept for staff and never pruned yet, so the two tables grow with every event.
type Delivery struct {
	ID            int64
	EventID       string
	EventType     string
	SellerID      int64
	URL           string
	Payload       string
	State         string
	AttemptCount  int
	NextAttemptAt time.Time
	LeaseUntil    time.Time
	CreatedAt     time.Time
	GiveUpAt      time.Time
	FinishedAt    time.Time
}

// DeliveryAttempt is one try at a delivery.
type DeliveryAttempt struct {
	ID         int64
	DeliveryID int64
	At         time.Time
	// HTTPStatus is the receiver's status, 0 when no answer came back.
	HTTPStatus int
	// Error says in plain words why the attempt failed; empty on a 2xx.
	Error    string
	Duration time.Duration
}

const deliveryColumns = `id, event_id, event_type, COALESCE(seller_id, 0), url, payload, state,
	attempts, next_attempt_at, lease_until, created_at, give_up_at, finished_at`

func scanDelivery(row interface{ Scan(...any) error }) (Delivery, error) {
	var d Delivery
	var next, created, giveUp string
	var lease, finished sql.NullString
	err := row.Scan(&d.ID, &d.EventID, &d.EventType, &d.SellerID, &d.URL, &d.Payload, &d.State,
		&d.AttemptCount, &next, &lease, &created, &giveUp, &finished)
	if err != nil {
		return Delivery{}, err
	}
	d.NextAttemptAt = parseTime(next)
	d.LeaseUntil = parseNullTime(lease)
	d.CreatedAt = parseTime(created)
	d.GiveUpAt = parseTime(giveUp)
	d.FinishedAt = parseNullTime(finished)
	return d, nil
}

func insertDeliveries(ctx context.Context, tx *wtx, ds []NewDelivery, now time.Time) error {
	for _, d := range ds {
		seller := sql.NullInt64{Int64: d.SellerID, Valid: d.SellerID != 0}
		_, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (event_id, event_type,
			seller_id, url, payload, next_attempt_at, created_at, give_up_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			d.EventID, d.EventType, seller, d.URL, d.Payload, formatTime(now), formatTime(now),
			formatTime(d.GiveUpAt))
		if err != nil {
			return fmt.Errorf("queue webhook delivery: %w", err)
		}
	}
	return nil
}

// AddDeliveries queues webhook deliveries, due at once.
func (s *Store) AddDeliveries(ctx context.Context, ds []NewDelivery) error {
	now := s.Now()
	return s.tx(ctx, func(tx *wtx) error { return insertDeliveries(ctx, tx, ds, now) })
}

// ClaimDelivery takes the next due pending delivery and leases it until now plus lease, so that
// no other sender tries it meanwhile. It reports false when nothing is due.
func (s *Store) ClaimDelivery(ctx context.Context, lease time.Duration) (Delivery, bool, error) {
	now := s.Now()
	var id int64

	err := s.tx(ctx, func(tx *wtx) error {
		err := tx.QueryRowContext(ctx, `SELECT id FROM webhook_deliveries
			WHERE state = 'pending' AND next_attempt_at <= ?
			AND (lease_until IS NULL OR lease_until <= ?)
			ORDER BY next_attempt_at, id LIMIT 1`, formatTime(now), formatTime(now)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			id = 0
			return nil
		}
		if err != nil {
			return fmt.Errorf("find due delivery: %w", err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE webhook_deliveries SET lease_until = ? WHERE id = ?`,
			formatTime(now.Add(lease)), id)
		if err != nil {
			return fmt.Errorf("claim delivery: %w", err)
		}
		return nil
	})
	if err != nil || id == 0 {
		return Delivery{}, false, err
	}

	d, err := s.Delivery(ctx, id)
	if err != nil {
		return Delivery{}, false, err
	}
	return d, true, nil
}

// AttemptResult is the outcome of one delivery attempt, with what to do next.
type AttemptResult struct {
	Attempt DeliveryAttempt
	// State is the delivery's new state.
	State string
	// NextAttemptAt is when to try again, used while the state stays pending.
	NextAttemptAt time.Time
}

// RecordAttempt stores one attempt at a delivery and moves the delivery on as r says.
func (s *Store) RecordAttempt(ctx context.Context, deliveryID int64, r AttemptResult) error {
	now := s.Now()
	at := r.Attempt.At
	if at.IsZero() {
		at = now
	}

	return s.tx(ctx, func(tx *wtx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO webhook_attempts (delivery_id, at, http_status,
			error, duration_ms) VALUES (?, ?, ?, ?, ?)`,
			deliveryID, formatTime(at), r.Attempt.HTTPStatus, r.Attempt.Error,
			r.Attempt.Duration.Milliseconds())
		if err != nil {
			return fmt.Errorf("record delivery attempt: %w", err)
		}

		finished := sql.NullString{}
		if r.State != DeliveryPending {
			finished = sql.NullString{String: formatTime(now), Valid: true}
		}
		next := r.NextAttemptAt
		if next.IsZero() {
			next = now
		}
		res, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET state = ?,
			attempts = attempts + 1, next_attempt_at = ?, lease_until = NULL, finished_at = ?
			WHERE id = ?`, r.State, formatTime(next), finished, deliveryID)
		if err != nil {
			return fmt.Errorf("update delivery: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
}

// Delivery returns one delivery by id, or ErrNotFound.
func (s *Store) Delivery(ctx context.Context, id int64) (Delivery, error) {
	row := s.read.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries
		WHERE id = ?`, id)
	d, err := scanDelivery(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Delivery{}, ErrNotFound
	}
	if err != nil {
		return Delivery{}, fmt.Errorf("load delivery %d: %w", id, err)
	}
	return d, nil
}

// DeliveryFilter selects deliveries for the staff pages. Zero fields select everything; Limit
// defaults to 50 and is at most 500. BeforeID pages backwards: only ids below it.
type DeliveryFilter struct {
	SellerID int64
	State    string
	BeforeID int64
	Limit    int
}

// DeliveryWithAttempts is a delivery and every attempt at it, oldest attempt first.
type DeliveryWithAttempts struct {
	Delivery
	Attempts []DeliveryAttempt
}

// Deliveries lists deliveries, newest first, each with all its attempts.
func (s *Store) Deliveries(ctx context.Context, f DeliveryFilter) ([]DeliveryWithAttempts,
	error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries
		WHERE (? = 0 OR seller_id = ?) AND (? = '' OR state = ?) AND (? = 0 OR id < ?)
		ORDER BY id DESC LIMIT ?`,
		f.SellerID, f.SellerID, f.State, f.State, f.BeforeID, f.BeforeID, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}

	var out []DeliveryWithAttempts
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("list deliveries: %w", err)
		}
		out = append(out, DeliveryWithAttempts{Delivery: d})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}

	for i := range out {
		if out[i].Attempts, err = s.DeliveryAttempts(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DeliveryAttempts returns every attempt at one delivery, oldest first.
func (s *Store) DeliveryAttempts(ctx context.Context, deliveryID int64) ([]DeliveryAttempt,
	error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, delivery_id, at, http_status, error,
		duration_ms FROM webhook_attempts WHERE delivery_id = ? ORDER BY id`, deliveryID)
	if err != nil {
		return nil, fmt.Errorf("list delivery attempts: %w", err)
	}
	defer rows.Close()

	var out []DeliveryAttempt
	for rows.Next() {
		var a DeliveryAttempt
		var at string
		var ms int64
		if err := rows.Scan(&a.ID, &a.DeliveryID, &at, &a.HTTPStatus, &a.Error, &ms); err != nil {
			return nil, fmt.Errorf("list delivery attempts: %w", err)
		}
		a.At = parseTime(at)
		a.Duration = time.Duration(ms) * time.Millisecond
		out = append(out, a)
	}
	return out, rows.Err()
}
