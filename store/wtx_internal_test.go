package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// TestWriteStatementsArePrepared checks that a write statement is prepared after its first run
// and that later transactions run it prepared with the right results, that a query's rows can
// stay open while the same query runs again, that the writer keeps temporary files in memory
// once migrations are done, that a statement SQLite refuses still reports its error, and that
// the number kept prepared is bounded.
func TestWriteStatementsArePrepared(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	const insert = `INSERT INTO meta (key, value, updated_at) VALUES (?, ?, '')`
	prepared := func(q string) bool {
		st.preparedMu.Lock()
		defer st.preparedMu.Unlock()
		return st.writes[q] != nil
	}
	runs := func() int {
		st.preparedMu.Lock()
		defer st.preparedMu.Unlock()
		return st.writesPrepared
	}
	for i := range 3 {
		before := runs()
		err := st.tx(ctx, func(tx *wtx) error {
			_, err := tx.ExecContext(ctx, insert, fmt.Sprintf("test-%d", i), fmt.Sprint(i))
			return err
		})
		if err != nil {
			t.Fatalf("insert %d: %v", i, err)
		}
		// The first run asks for the statement; the next transaction prepares it and runs
		// the prepared statement.
		if got, want := prepared(insert), i > 0; got != want {
			t.Errorf("after transaction %d: prepared %v, want %v", i, got, want)
		}
		if got, want := runs()-before, min(i, 1); got != want {
			t.Errorf("transaction %d ran %d prepared statements, want %d", i, got, want)
		}
	}
	var n int
	err = st.tx(ctx, func(tx *wtx) error {
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM meta WHERE key LIKE 'test-%'`).
			Scan(&n)
	})
	if err != nil || n != 3 {
		t.Fatalf("rows written: %d, %v; want 3", n, err)
	}

	// A query's rows stay open while the same query runs again: rows are never prepared.
	for range 3 {
		err = st.tx(ctx, func(tx *wtx) error {
			rows, err := tx.QueryContext(ctx, `SELECT key FROM meta WHERE key LIKE ?`, "test-%")
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var k string
				if err := rows.Scan(&k); err != nil {
					return err
				}
				inner, err := tx.QueryContext(ctx, `SELECT key FROM meta WHERE key LIKE ?`, k)
				if err != nil {
					return err
				}
				inner.Close()
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatalf("nested queries: %v", err)
		}
	}

	var tempStore int
	if err := st.write.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&tempStore); err != nil ||
		tempStore != 2 {
		t.Errorf("the writer's temp_store is %d (%v), want 2 (memory)", tempStore, err)
	}

	for range 2 {
		err = st.tx(ctx, func(tx *wtx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO no_such_table VALUES (1)`)
			return err
		})
		if err == nil {
			t.Fatal("a statement on a missing table ran")
		}
	}

	for i := range maxWriteStmts + 20 {
		var got int
		err := st.tx(ctx, func(tx *wtx) error {
			return tx.QueryRowContext(ctx, fmt.Sprintf("SELECT %d + ?", i), 1).Scan(&got)
		})
		if err != nil || got != i+1 {
			t.Fatalf("query %d: %d, %v", i, got, err)
		}
	}
	st.preparedMu.Lock()
	kept := len(st.writes) + len(st.toPrepare)
	st.preparedMu.Unlock()
	if kept > maxWriteStmts {
		t.Errorf("%d statements kept, more than %d", kept, maxWriteStmts)
	}
}

// TestSearchIndexRewrittenOnlyOnChange checks that submitting the same API email again leaves
// the search index alone, and that a new one replaces the old in it.
func TestSearchIndexRewrittenOnlyOnChange(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, err := st.CreateSeller(ctx, NewSeller{StoreName: "Kumkum Crafts", ContactName: "Asha",
		LoginEmail: "asha@example.com"}, []byte("token hash"), time.Hour, ActorSeller)
	if err != nil {
		t.Fatal(err)
	}

	segments := func() int {
		var n int
		err := st.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM sellers_search_data`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	matches := func(q string) int {
		var n int
		err := st.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM sellers_search
			WHERE sellers_search MATCH ?`, `"`+q+`"`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	submit := func(apiEmail string) {
		t.Helper()
		_, err := st.Submit(ctx, Submission{SellerID: s.ID, APIEmail: apiEmail, KeyID: "k",
			Sealed: []byte{1}, Trigger: "seller", Actor: ActorSeller})
		if err != nil {
			t.Fatal(err)
		}
	}

	submit("asha+api@example.com")
	before := segments()
	submit("asha+api@example.com")
	if after := segments(); after != before {
		t.Errorf("the same API email again wrote the search index: %d rows, then %d", before,
			after)
	}
	submit("asha.k+api@example.com")
	if matches("asha+api") != 0 || matches("asha.k+api") != 1 {
		t.Errorf("after a new API email the search finds the old %d times and the new %d",
			matches("asha+api"), matches("asha.k+api"))
	}
}
