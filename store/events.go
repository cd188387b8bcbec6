package store

import (
	"context"
	"fmt"
	"time"
)

// The kinds of timeline event.
const (
	EventCreated     = "created"      // the seller record was made
	EventStepReached = "step_reached" // a guided step was opened for the first time
	EventSubmitted   = "submitted"    // API email and password were submitted
	EventChecked     = "checked"      // a Shiprocket check finished; detail holds the outcome
	EventLinkCreated = "link_created" // a new resume link replaced the old one
	EventResumed     = "resumed"      // the seller came back through a resume link
)

// ActorSeller marks events caused by the seller; staff actions carry "staff:<id>".
const ActorSeller = "seller"

// Event is one entry of a seller's append-only timeline.
type Event struct {
	ID       int64
	SellerID int64
	At       time.Time
	Kind     string
	Step     int
	Actor    string
	Detail   string
}

func insertEvent(ctx context.Context, tx *wtx, e Event) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO events (seller_id, at, kind, step, actor, detail)
		VALUES (?, ?, ?, ?, ?, ?)`,
		e.SellerID, formatTime(e.At), e.Kind, e.Step, e.Actor, e.Detail)
	if err != nil {
		return fmt.Errorf("insert %s event: %w", e.Kind, err)
	}
	return nil
}

// AddEvent appends one event to a seller's timeline, stamped with the store's clock.
func (s *Store) AddEvent(ctx context.Context, e Event) error {
	e.At = s.Now()
	return s.tx(ctx, func(tx *wtx) error { return insertEvent(ctx, tx, e) })
}

// Events returns a seller's timeline, newest first.
func (s *Store) Events(ctx context.Context, sellerID int64) ([]Event, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, seller_id, at, kind, step, actor, detail
		FROM events WHERE seller_id = ? ORDER BY id DESC`, sellerID)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	defer rows.Close()

	var out []Event
	for rows.Next() {
		var e Event
		var at string
		if err := rows.Scan(&e.ID, &e.SellerID, &at, &e.Kind, &e.Step, &e.Actor,
			&e.Detail); err != nil {
			return nil, fmt.Errorf("list events: %w", err)
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
