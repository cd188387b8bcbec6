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
