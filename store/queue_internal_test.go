package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// seedNow is the clock of the seeded stores: 100 days after the first seeded seller started.
var seedNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// seedQueue fills st with n sellers shaped like a busy portal: every status, steps 0 to 9,
// activity spread over the last 70 days, a tenth assigned to one of five staff members, one in
// fifty archived, and a check for every seller that submitted. It writes with plain SQL, which
// takes about a second for 100,000 sellers where the store's methods would take minutes.
func seedQueue(tb testing.TB, st *Store, n int) {
	tb.Helper()
	ctx := context.Background()
	for i := 1; i <= 5; i++ {
		if _, err := st.CreateStaff(ctx, fmt.Sprintf("staff%d@example.com", i),
			fmt.Sprintf("Staff %d", i), "", RoleSupport); err != nil {
			tb.Fatal(err)
		}
	}

	// i%10 picks the status: 0 not started, 1-2 in progress, 3 at the credentials form, 4 check
	// pending, 5-6 needs action, 7-9 verified. Seller i starts i minutes after the first and is
	// last active up to 20 days later, never after seedNow.
	t := func(expr string) string {
		return `strftime('%Y-%m-%dT%H:%M:%S', '2026-02-21T12:00:00', ` + expr + `) || '.000000Z'`
	}
	created := t(`'+' || i || ' minutes'`)
	active := `min(` + t(`'+' || (i * 60 + (i * 7919) % 1728000) || ' seconds'`) + `, '` +
		formatTime(seedNow) + `')`
	seed := fmt.Sprintf(`
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
		INSERT INTO sellers (id, store_name, contact_name, login_email, api_email, status,
			status_reason, step, created_at, updated_at, last_activity_at, submitted_at,
			verified_at, last_checked_at, archived_at, assignee_id)
		SELECT i, 'Store ' || i, 'Contact ' || i, 'seller' || i || '@example.com',
			CASE WHEN i %% 10 >= 4 THEN 'seller' || i || '+api@example.com' ELSE '' END,
			CASE i %% 10 WHEN 0 THEN 'not_started' WHEN 1 THEN 'in_progress'
				WHEN 2 THEN 'in_progress' WHEN 3 THEN 'awaiting_password'
				WHEN 4 THEN 'check_pending' WHEN 5 THEN 'needs_action'
				WHEN 6 THEN 'needs_action' ELSE 'verified' END,
			CASE i %% 10 WHEN 5 THEN 'wrong_credentials' WHEN 6 THEN 'missing_modules'
				WHEN 4 THEN 'unavailable' ELSE '' END,
			CASE WHEN i %% 10 = 0 THEN 0 WHEN i %% 10 IN (1, 2) THEN 1 + i %% 8 ELSE 9 END,
			%[2]s, %[3]s, %[3]s,
			CASE WHEN i %% 10 >= 4 THEN %[3]s END,
			CASE WHEN i %% 10 >= 7 THEN %[3]s END,
			CASE WHEN i %% 10 >= 4 THEN %[3]s END,
			CASE WHEN i %% 50 = 49 THEN %[3]s END,
			CASE WHEN i %% 10 = 8 THEN 1 + i %% 5 END
		FROM n;
		INSERT INTO checks (seller_id, trigger, api_email, started_at, finished_at, outcome)
		SELECT id, 'seller', api_email, last_checked_at, last_checked_at,
			CASE status WHEN 'verified' THEN 'verified' WHEN 'check_pending' THEN 'unavailable'
				WHEN 'needs_action' THEN CASE status_reason WHEN 'wrong_credentials'
					THEN 'wrong_credentials' ELSE 'verified' END END
		FROM sellers WHERE last_checked_at IS NOT NULL;`, n, created, active)
	if err := st.ExecForTest(ctx, seed); err != nil {
		tb.Fatal(err)
	}
}

// openSeeded opens a store on a temporary file holding n seeded sellers.
func openSeeded(tb testing.TB, n int) *Store {
	tb.Helper()
	st, err := Open(context.Background(), filepath.Join(tb.TempDir(), "portal.db"),
		WithClock(func() time.Time { return seedNow }))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	seedQueue(tb, st, n)
	return st
}

// queryPlan returns SQLite's plan for a statement, one step per line.
func queryPlan(t *testing.T, st *Store, query string, args []any) string {
	t.Helper()
	rows, err := st.read.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()

	var steps []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, detail)
	}
	return strings.Join(steps, "\n")
}

// TestQueuePlansUseIndexes checks that every page the queue offers reads an index in the page's
// order (no full scan, no sort of all matching rows), so a page costs the same at any depth, and
// that the tab counts read only an index.
func TestQueuePlansUseIndexes(t *testing.T) {
	st := openSeeded(t, 2000)
	step := 3
	cursor := &QueueCursor{At: seedNow.Add(-48 * time.Hour), ID: 500}

	tests := []struct {
		name   string
		filter QueueFilter
		index  string
	}{
		{"all by activity", QueueFilter{}, "sellers_live_activity"},
		{"all by activity, deep", QueueFilter{After: cursor}, "sellers_live_activity"},
		{"all by idle time, deep", QueueFilter{Sort: SortIdle, After: cursor},
			"sellers_live_activity"},
		{"all by creation, deep", QueueFilter{Sort: SortCreated, After: cursor},
			"sellers_live_created"},
		{"status by activity, deep", QueueFilter{Tab: "needs_action", After: cursor},
			"sellers_live_status"},
		{"status by idle time", QueueFilter{Tab: "in_progress", Sort: SortIdle},
			"sellers_live_status"},
		{"status by creation, deep", QueueFilter{Tab: "verified", Sort: SortCreated,
			After: cursor}, "sellers_live_status_created"},
		{"stuck by activity, deep", QueueFilter{Tab: TabStuck, After: cursor},
			"sellers_live_activity"},
		{"assignee, deep", QueueFilter{AssigneeID: 2, After: cursor}, "sellers_live_assignee"},
		{"unassigned in a status", QueueFilter{Tab: "verified", Unassigned: true},
			"sellers_live_"},
		{"step", QueueFilter{Step: &step, After: cursor}, "sellers_live_"},
		{"archived, deep", QueueFilter{Tab: TabArchived, After: cursor},
			"sellers_archived_activity"},
		{"common search by activity, deep", QueueFilter{Query: "example", After: cursor,
			probe: true}, "sellers_live_activity"},
		{"common search in a status by idle time", QueueFilter{Query: "Store",
			Tab: "verified", Sort: SortIdle, probe: true}, "sellers_live_status"},
		{"common search by creation", QueueFilter{Query: "Contact", Sort: SortCreated,
			probe: true}, "sellers_live_created"},
		{"common search, stuck", QueueFilter{Query: "example", Tab: TabStuck, probe: true},
			"sellers_live_activity"},
		{"common search, archived", QueueFilter{Query: "example", Tab: TabArchived,
			probe: true}, "sellers_archived_activity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			query, args := tt.filter.queueQuery(seedNow, 51)
			plan := queryPlan(t, st, query, args)
			if !strings.Contains(plan, "USING INDEX "+tt.index) &&
				!strings.Contains(plan, "USING COVERING INDEX "+tt.index) {
				t.Errorf("plan does not use %s:\n%s", tt.index, plan)
			}
			if strings.Contains(plan, "TEMP B-TREE") || strings.Contains(plan, "SCAN s\n") ||
				strings.HasSuffix(plan, "SCAN s") {
				t.Errorf("plan sorts or scans the table:\n%s", plan)
			}
		})
	}

	// The counts without a search read one covering index.
	conds, args := QueueFilter{}.conditions(seedNow, false)
	if len(conds) != 0 {
		t.Fatalf("an empty filter has conditions %v", conds)
	}
	plan := queryPlan(t, st, `SELECT s.status, COUNT(*), SUM(s.last_activity_at < ?)
		FROM sellers s WHERE s.archived_at IS NULL GROUP BY s.status`,
		append(args, formatTime(seedNow)))
	if !strings.Contains(plan, "COVERING INDEX") {
		t.Errorf("the counts do not read a covering index:\n%s", plan)
	}
}

// TestSearchWaysAgree checks that a search finds the same pages whether it starts from its
// matches or walks the tab testing each seller (probe), in every tab and order, page after page,
// and that the store walks the tab only when the tab has many matches.
func TestSearchWaysAgree(t *testing.T) {
	st := openSeeded(t, 3000)
	ctx := context.Background()

	tabs := []string{TabAll, TabStuck, TabArchived, "needs_action", "verified"}
	sorts := []string{SortActivity, SortCreated, SortIdle}
	for _, query := range []string{"Store 1", "+api@", "ller29"} {
		for _, tab := range tabs {
			for _, sort := range sorts {
				f := QueueFilter{Query: query, Tab: tab, Sort: sort, StuckAfter: 10 * 24 *
					time.Hour}
				fromMatches := walkQueue(t, st, f)
				f.probe = true
				probing := walkQueue(t, st, f)
				if tab == TabAll && len(fromMatches) == 0 {
					t.Errorf("%q found nobody", query)
				}
				if fmt.Sprint(fromMatches) != fmt.Sprint(probing) {
					t.Errorf("%q in tab %q by %s: from the matches %v, probing %v", query, tab,
						sort, fromMatches, probing)
				}
				f.probe = false // the counts the page uses, as the store asks for them
				counts, err := st.QueueCounts(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if len(fromMatches) != counts[f.countKey()] {
					t.Errorf("%q in tab %q: %d rows, counted %d", query, tab,
						len(fromMatches), counts[f.countKey()])
				}
			}
		}
	}

	tests := []struct {
		filter QueueFilter
		probe  bool
	}{
		{QueueFilter{Query: "example"}, true},                 // every live seller: 2,940
		{QueueFilter{Query: "+api@", Tab: "verified"}, false}, // 882 verified with an API email
		{QueueFilter{Query: "+api@"}, true},                   // 1,764 live
		{QueueFilter{Query: "ller29"}, false},                 // a few
		{QueueFilter{Query: "ex"}, false},                     // too short for the index
	}
	for _, tt := range tests {
		probe, err := st.shouldProbe(ctx, tt.filter)
		if err != nil {
			t.Fatal(err)
		}
		if probe != tt.probe {
			t.Errorf("%q in tab %q: probe %v, want %v", tt.filter.Query, tt.filter.Tab, probe,
				tt.probe)
		}
	}
}

// walkQueue returns the ids of every page of f, 25 rows at a time.
func walkQueue(t *testing.T, st *Store, f QueueFilter) []int64 {
	t.Helper()
	var ids []int64
	for {
		var page []QueueRow
		err := st.eachQueueRowAs(context.Background(), f, 25, f.probe, func(r QueueRow) error {
			page = append(page, r)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page {
			ids = append(ids, r.ID)
		}
		if len(page) < 25 {
			return ids
		}
		c := CursorOf(page[len(page)-1], f.Sort)
		f.After = &c
	}
}

// BenchmarkQueue measures the queue at 100,000 sellers: the first page, a page 1,500 rows deep,
// filtered pages, a search that matches a few sellers and one that matches them all, the tab
// counts with and without a search (computed, and from the cache), the summary strip and a full
// export.
func BenchmarkQueue(b *testing.B) {
	st := openSeeded(b, 100_000)
	ctx := context.Background()

	// A cursor 1,500 rows deep, found by walking pages as staff would.
	deep := QueueFilter{Limit: 50}
	for range 30 {
		rows, err := st.Queue(ctx, deep)
		if err != nil || len(rows) == 0 {
			b.Fatalf("walk to a deep page: %d rows, %v", len(rows), err)
		}
		c := CursorOf(rows[len(rows)-1], SortActivity)
		deep.After = &c
	}
	step := 4

	pages := []struct {
		name   string
		filter QueueFilter
	}{
		{"FirstPage", QueueFilter{}},
		{"DeepPage", deep},
		{"DeepPageIdleOrder", QueueFilter{Sort: SortIdle, After: deep.After}},
		{"StuckTab", QueueFilter{Tab: TabStuck}},
		{"NeedsActionByCreation", QueueFilter{Tab: "needs_action", Sort: SortCreated}},
		{"StepFilter", QueueFilter{Tab: "in_progress", Step: &step}},
		{"SearchRare", QueueFilter{Query: "seller99917+api"}},
		{"SearchCommon", QueueFilter{Query: "example"}},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := st.Queue(ctx, p.filter); err != nil {
					b.Fatal(err)
				}
			}
		})
	}

	// The counts and the summary are cached until the next write; these measure computing
	// them, which the first page load after every write pays.
	counts := []struct {
		name   string
		filter QueueFilter
	}{
		{"TabCounts", QueueFilter{}},
		{"TabCountsWithSearch", QueueFilter{Query: "seller4242"}},
		{"TabCountsWithCommonSearch", QueueFilter{Query: "example"}},
	}
	for _, c := range counts {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := st.queueCounts(ctx, c.filter); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("Summary", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.summary(ctx, 9); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("TabCountsCached", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.QueueCounts(ctx, QueueFilter{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ExportAll", func(b *testing.B) {
		for b.Loop() {
			n := 0
			err := st.EachQueueRow(ctx, QueueFilter{}, func(QueueRow) error { n++; return nil })
			if err != nil || n < 90_000 {
				b.Fatalf("export: %d rows, %v", n, err)
			}
		}
	})
}
