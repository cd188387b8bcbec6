package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/store"
)

// TestCachedCountsFollowEveryWrite checks that the cached tab counts and summary are computed
// again after each write, whether this store, another connection or another process made it,
// and that nothing a caller does to a returned value reaches the cache.
func TestCachedCountsFollowEveryWrite(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, path := openStore(t, c)

	other, err := store.Open(ctx, path, store.WithClock(c.now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })

	create := func(s *store.Store, name string) int64 {
		t.Helper()
		seller, err := s.CreateSeller(ctx, newSeller(name), hash(name), time.Hour, "seller")
		if err != nil {
			t.Fatal(err)
		}
		return seller.ID
	}
	check := func(step string, all, notStarted, inProgress, started int) {
		t.Helper()
		counts, err := st.QueueCounts(ctx, store.QueueFilter{})
		if err != nil {
			t.Fatal(err)
		}
		got := [3]int{counts[store.TabAll], counts[string(store.StatusNotStarted)],
			counts[string(store.StatusInProgress)]}
		if want := [3]int{all, notStarted, inProgress}; got != want {
			t.Errorf("%s: counts all, not started, in progress = %v, want %v", step, got, want)
		}
		sum, err := st.Summary(ctx, 9)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Started != started {
			t.Errorf("%s: summary started = %d, want %d", step, sum.Started, started)
		}
		// Changing what was returned must not change the next answer.
		counts[store.TabAll] = -1
		sum.Reached[1] = -1
	}

	check("empty", 0, 0, 0, 0)
	id := create(st, "a")
	check("after a write by this store", 1, 1, 0, 1)
	check("read again with no write", 1, 1, 0, 1)

	create(other, "b")
	check("after a write by another store", 2, 2, 0, 2)

	if err := other.ReachStep(ctx, id, 1, false); err != nil {
		t.Fatal(err)
	}
	check("after a step", 2, 1, 1, 2)

	sum, err := st.Summary(ctx, 9)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Reached[1] != 1 {
		t.Errorf("summary reached step 1 = %d, want 1", sum.Reached[1])
	}
}

// TestCachedCountsFollowTheClock checks that the stuck tab moves with time even when nothing is
// written.
func TestCachedCountsFollowTheClock(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, _ := openStore(t, c)
	for i := range 3 {
		if _, err := st.CreateSeller(ctx, newSeller(fmt.Sprint("s", i)), hash(fmt.Sprint(i)),
			time.Hour, "seller"); err != nil {
			t.Fatal(err)
		}
	}

	for _, tc := range []struct {
		advance time.Duration
		stuck   int
	}{
		{0, 0},
		{2 * 24 * time.Hour, 0},
		{2 * 24 * time.Hour, 3},
	} {
		c.add(tc.advance)
		counts, err := st.QueueCounts(ctx, store.QueueFilter{StuckAfter: 3 * 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if counts[store.TabStuck] != tc.stuck || counts[store.TabAll] != 3 {
			t.Errorf("at %s: stuck %d all %d, want stuck %d all 3", c.t, counts[store.TabStuck],
				counts[store.TabAll], tc.stuck)
		}
	}
}

// TestSearchCountsEqualRows checks that with a search, each tab's count, the archived tab's
// included, is the number of rows that tab lists.
func TestSearchCountsEqualRows(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, _ := openStore(t, c)
	var ids []int64
	for i, name := range []string{"Lotus Sarees", "Lotus Spices", "Marigold Sarees",
		"Lotus Toys"} {
		s, err := st.CreateSeller(ctx, newSeller(name), hash(name), time.Hour, "seller")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID)
		if i == 1 {
			if err := st.ReachStep(ctx, s.ID, 2, false); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := st.ArchiveSeller(ctx, ids[3], store.Actor{}); err != nil {
		t.Fatal(err)
	}
	c.add(5 * 24 * time.Hour)

	for _, q := range []string{"Lotus", "sarees", "Lo", "nothing"} {
		counts, err := st.QueueCounts(ctx, store.QueueFilter{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		for _, tab := range []string{store.TabAll, store.TabStuck, store.TabArchived,
			string(store.StatusNotStarted), string(store.StatusInProgress)} {
			rows, err := st.Queue(ctx, store.QueueFilter{Query: q, Tab: tab, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			if counts[tab] != len(rows) {
				t.Errorf("search %q, tab %q: count %d, rows %d", q, tab, counts[tab], len(rows))
			}
		}
	}
	counts, err := st.QueueCounts(ctx, store.QueueFilter{Query: "Lotus"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{store.TabAll: 2, store.TabStuck: 2, store.TabArchived: 1,
		string(store.StatusNotStarted): 1, string(store.StatusInProgress): 1}
	for tab, n := range want {
		if counts[tab] != n {
			t.Errorf("search Lotus, tab %q: count %d, want %d", tab, counts[tab], n)
		}
	}
}

// TestCountsEqualRows checks that the tab counts kept by triggers equal the rows each tab lists,
// through steps, submissions, checks, archiving and restoring, and that the summary's funnel
// follows them.
func TestCountsEqualRows(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, _ := openStore(t, c)
	var ids []int64
	for i := range 6 {
		s, err := st.CreateSeller(ctx, newSeller(fmt.Sprint("shop", i)), hash(fmt.Sprint(i)),
			time.Hour, "seller")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID)
		c.add(time.Hour)
	}
	steps := []func() error{
		func() error { return st.ReachStep(ctx, ids[0], 3, false) },
		func() error { return st.ReachStep(ctx, ids[1], 9, true) },
		func() error {
			check, err := st.Submit(ctx, store.Submission{SellerID: ids[1],
				APIEmail: "a+api@example.com", KeyID: "k", Sealed: []byte("x"),
				Trigger: "seller", Actor: "seller"})
			if err != nil {
				return err
			}
			return st.FinishCheck(ctx, check.ID, store.CheckResult{Outcome: "verified",
				Status: store.StatusVerified})
		},
		func() error { return st.ArchiveSeller(ctx, ids[2], store.Actor{}) },
		func() error { return st.ReachStep(ctx, ids[3], 5, false) },
		func() error { return st.RestoreSeller(ctx, ids[2], store.Actor{}) },
		func() error { return st.ArchiveSeller(ctx, ids[3], store.Actor{}) },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		c.add(2 * 24 * time.Hour)

		counts, err := st.QueueCounts(ctx, store.QueueFilter{})
		if err != nil {
			t.Fatal(err)
		}
		tabs := []string{store.TabAll, store.TabStuck, store.TabArchived}
		for _, s := range store.QueueStatuses {
			tabs = append(tabs, string(s))
		}
		for _, tab := range tabs {
			rows, err := st.Queue(ctx, store.QueueFilter{Tab: tab, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			if counts[tab] != len(rows) {
				t.Errorf("after step %d, tab %q: count %d, rows %d", i, tab, counts[tab],
					len(rows))
			}
		}

		sum, err := st.Summary(ctx, 9)
		if err != nil {
			t.Fatal(err)
		}
		all, err := st.Queue(ctx, store.QueueFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		reached3, verified := 0, 0
		for _, r := range all {
			if r.Step >= 3 {
				reached3++
			}
			if r.Status == store.StatusVerified {
				verified++
			}
		}
		if sum.Started != len(all) || sum.Reached[3] != reached3 || sum.Verified != verified {
			t.Errorf("after step %d: summary started %d, reached 3 %d, verified %d; want %d, "+
				"%d, %d", i, sum.Started, sum.Reached[3], sum.Verified, len(all), reached3,
				verified)
		}
	}
}
