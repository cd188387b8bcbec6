package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Note is an internal remark staff wrote about a seller. Notes are never shown to the seller and,
// like the timeline, can be neither edited nor deleted.
type Note struct {
	ID         int64
	SellerID   int64
	AuthorID   int64
	AuthorName string
	At         time.Time
	Body       string
}

// AddNote appends a note by the actor to the seller's notes, with its audit entry (which names
// the note, not its text), in one transaction. It returns ErrNotFound for an unknown seller.
func (s *Store) AddNote(ctx context.Context, sellerID int64, body string, by Actor) (Note,
	error) {
	n := Note{SellerID: sellerID, AuthorID: by.StaffID, At: s.Now(), Body: body}

	err := s.tx(ctx, func(tx *wtx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM sellers WHERE id = ?`, sellerID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("load seller %d: %w", sellerID, err)
		}
		err = tx.QueryRowContext(ctx, `SELECT name FROM staff WHERE id = ?`, by.StaffID).
			Scan(&n.AuthorName)
		if err != nil {
			return fmt.Errorf("load note author: %w", err)
		}

		res, err := tx.ExecContext(ctx, `INSERT INTO notes (seller_id, author_id, at, body)
			VALUES (?, ?, ?, ?)`, sellerID, by.StaffID, formatTime(n.At), body)
		if err != nil {
			return fmt.Errorf("insert note: %w", err)
		}
		if n.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("insert note: %w", err)
		}
		return insertAuditRow(ctx, tx, by.entry(n.At, AuditNoteAdded, sellerID,
			"note "+strconv.FormatInt(n.ID, 10)))
	})
	if err != nil {
		return Note{}, err
	}
	return n, nil
}

// Notes returns a seller's notes, newest first.
func (s *Store) Notes(ctx context.Context, sellerID int64) ([]Note, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT n.id, n.seller_id, n.author_id,
		COALESCE(st.name, ''), n.at, n.body
		FROM notes n LEFT JOIN staff st ON st.id = n.author_id
		WHERE n.seller_id = ? ORDER BY n.id DESC`, sellerID)
	if err != nil {
		return nil, fmt.Errorf("list notes: %w", err)
	}
	defer rows.Close()

	var out []Note
	for rows.Next() {
		var n Note
		var at string
		if err := rows.Scan(&n.ID, &n.SellerID, &n.AuthorID, &n.AuthorName, &at,
			&n.Body); err != nil {
			return nil, fmt.Errorf("list notes: %w", err)
		}
		n.At = parseTime(at)
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list notes: %w", err)
	}
	return out, nil
}
