package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/store"
)

// TestReachStepActivityResolution checks that opening a step again within a minute writes
// nothing, while a new step, a status change or a minute passing always does.
func TestReachStepActivityResolution(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, _ := openStore(t, c)
	seller, err := st.CreateSeller(ctx, newSeller("a"), hash("a"), time.Hour, "seller")
	if err != nil {
		t.Fatal(err)
	}
	start := c.t

	for _, tc := range []struct {
		name     string
		advance  time.Duration
		n        int
		awaiting bool
		status   store.Status
		step     int
		active   time.Time
	}{
		{"first step moves the status", 10 * time.Second, 1, false, store.StatusInProgress, 1,
			start.Add(10 * time.Second)},
		{"a new step always writes", 10 * time.Second, 2, false, store.StatusInProgress, 2,
			start.Add(20 * time.Second)},
		{"the same step again within a minute writes nothing", 30 * time.Second, 2, false,
			store.StatusInProgress, 2, start.Add(20 * time.Second)},
		{"an earlier step within a minute writes nothing", 20 * time.Second, 1, false,
			store.StatusInProgress, 2, start.Add(20 * time.Second)},
		{"a minute after the last write, activity moves", 20 * time.Second, 1, false,
			store.StatusInProgress, 2, start.Add(90 * time.Second)},
		{"the credentials form moves the status at once", time.Second, 2, true,
			store.StatusAwaitingPassword, 2, start.Add(91 * time.Second)},
	} {
		c.add(tc.advance)
		if err := st.ReachStep(ctx, seller.ID, tc.n, tc.awaiting); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got, err := st.Seller(ctx, seller.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != tc.status || got.Step != tc.step ||
			!got.LastActivityAt.Equal(tc.active) {
			t.Errorf("%s: status %s step %d active %s, want %s %d %s", tc.name, got.Status,
				got.Step, got.LastActivityAt, tc.status, tc.step, tc.active)
		}
	}
}
