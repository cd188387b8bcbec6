package store_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/store"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock               { return &clock{t: time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)} }
func hash(s string) []byte           { h := sha256.Sum256([]byte(s)); return h[:] }
func newSeller(name string) store.NewSeller {
	return store.NewSeller{StoreName: name, ContactName: "Asha", LoginEmail: name + "@example.com"}
}

func openStore(t *testing.T, c *clock) (*store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "portal.db")
	st, err := store.Open(context.Background(), path, store.WithClock(c.now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, path
}

func TestOpenTwiceKeepsData(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, path := openStore(t, c)
	if _, err := st.CreateSeller(ctx, newSeller("a"), hash("t"), time.Hour, "seller"); err != nil {
		t.Fatal(err)
	}
	st.Close()

	again, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer again.Close()
	s, err := again.Seller(ctx, 1)
	if err != nil || s.StoreName != "a" {
		t.Errorf("after reopen: %+v, %v", s, err)
	}
}

func TestCreateSellerAndSteps(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, _ := openStore(t, c)

	s, err := st.CreateSeller(ctx, newSeller("asha"), hash("tok"), time.Hour, "seller")
	if err != nil {
		t.Fatal(err)
	}
	want := store.Seller{ID: 1, StoreName: "asha", ContactName: "Asha",
		LoginEmail: "asha@example.com", Status: store.StatusNotStarted, CreatedAt: c.t,
		UpdatedAt: c.t, LastActivityAt: c.t, SessionVersion: 2}
	if s != want {
		t.Errorf("created = %+v\nwant      %+v", s, want)
	}

	steps := []struct {
		n          int
		awaiting   bool
		wantStep   int
		wantStatus store.Status
		wantEvent  bool
	}{
		{1, false, 1, store.StatusInProgress, true},
		{3, false, 3, store.StatusInProgress, true},
		{2, false, 3, store.StatusInProgress, false}, // going back records nothing new
		{3, false, 3, store.StatusInProgress, false},
		{9, true, 9, store.StatusAwaitingPassword, true},
	}
	for _, tt := range steps {
		c.add(time.Minute)
		before, _ := st.Events(ctx, s.ID)
		if err := st.ReachStep(ctx, s.ID, tt.n, tt.awaiting); err != nil {
			t.Fatal(err)
		}
		got, _ := st.Seller(ctx, s.ID)
		after, _ := st.Events(ctx, s.ID)
		if got.Step != tt.wantStep || got.Status != tt.wantStatus || !got.LastActivityAt.Equal(c.t) {
			t.Errorf("step %d: seller step=%d status=%s activity=%v", tt.n, got.Step, got.Status,
				got.LastActivityAt)
		}
		if added := len(after) > len(before); added != tt.wantEvent {
			t.Errorf("step %d: event added = %v, want %v", tt.n, added, tt.wantEvent)
		}
		if tt.wantEvent && (after[0].Kind != store.EventStepReached || after[0].Step != tt.n ||
			!after[0].At.Equal(c.t)) {
			t.Errorf("step %d: event = %+v", tt.n, after[0])
		}
	}

	if err := st.ReachStep(ctx, 999, 1, false); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown seller: %v, want ErrNotFound", err)
	}
	if _, err := st.Seller(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown seller: %v, want ErrNotFound", err)
	}
}

func TestResumeTokens(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, _ := openStore(t, c)
	s, _ := st.CreateSeller(ctx, newSeller("asha"), hash("first"), 24*time.Hour, "seller")

	got, err := st.SellerByResumeToken(ctx, hash("first"))
	if err != nil || got.ID != s.ID {
		t.Fatalf("first link: %+v, %v", got, err)
	}
	if _, err := st.SellerByResumeToken(ctx, hash("nope")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown link: %v", err)
	}

	if err := st.ReplaceResumeToken(ctx, s.ID, hash("second"), 24*time.Hour, "staff:1"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SellerByResumeToken(ctx, hash("first")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("replaced link still works: %v", err)
	}

	c.add(24*time.Hour - time.Second)
	if _, err := st.SellerByResumeToken(ctx, hash("second")); err != nil {
		t.Errorf("link just before expiry: %v", err)
	}
	c.add(time.Second)
	if _, err := st.SellerByResumeToken(ctx, hash("second")); !errors.Is(err, store.ErrExpired) {
		t.Errorf("expired link: %v, want ErrExpired", err)
	}
}

func TestSubmitAndFinishCheck(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, _ := openStore(t, c)
	s, _ := st.CreateSeller(ctx, newSeller("asha"), hash("t"), time.Hour, "seller")

	if _, err := st.StartCheck(ctx, s.ID, "staff"); !errors.Is(err, store.ErrNoSecret) {
		t.Errorf("check without a secret: %v, want ErrNoSecret", err)
	}

	c.add(time.Minute)
	first, err := st.Submit(ctx, store.Submission{SellerID: s.ID, APIEmail: "asha+api@example.com",
		KeyID: "k1", Sealed: []byte{1, 2, 3}, Trigger: "seller", Actor: "seller"})
	if err != nil {
		t.Fatal(err)
	}
	if first.Outcome != store.OutcomeRunning || first.APIEmail != "asha+api@example.com" ||
		!first.StartedAt.Equal(c.t) || !first.FinishedAt.IsZero() {
		t.Errorf("submitted check = %+v", first)
	}
	if stored, err := st.Check(ctx, first.ID); err != nil || stored != first {
		t.Errorf("Submit returned %+v, the database holds %+v (%v)", first, stored, err)
	}
	got, _ := st.Seller(ctx, s.ID)
	if got.Status != store.StatusCheckPending || !got.SubmittedAt.Equal(c.t) {
		t.Errorf("after submit: %+v", got)
	}
	sec, err := st.Secret(ctx, s.ID, store.PurposePassword)
	if err != nil || sec.KeyID != "k1" || string(sec.Sealed) != "\x01\x02\x03" {
		t.Errorf("secret = %+v, %v", sec, err)
	}

	// A second check starts before the first finishes; the first's late answer must not win.
	c.add(time.Minute)
	second, err := st.StartCheck(ctx, s.ID, "staff")
	if err != nil {
		t.Fatal(err)
	}
	c.add(time.Minute)
	err = st.FinishCheck(ctx, second.ID, store.CheckResult{Outcome: "verified", HTTPStatus: 200,
		Report: `{"outcome":"verified"}`, Status: store.StatusVerified})
	if err != nil {
		t.Fatal(err)
	}
	err = st.FinishCheck(ctx, first.ID, store.CheckResult{Outcome: "unavailable",
		HTTPStatus: 503, Message: "down", Status: store.StatusCheckPending, Reason: "unavailable"})
	if err != nil {
		t.Fatal(err)
	}

	got, _ = st.Seller(ctx, s.ID)
	if got.Status != store.StatusVerified || got.StatusReason != "" || !got.VerifiedAt.Equal(c.t) {
		t.Errorf("a stale check overwrote the newer result: %+v", got)
	}
	checks, _ := st.Checks(ctx, s.ID)
	if len(checks) != 2 || checks[0].ID != second.ID || checks[0].Outcome != "verified" ||
		checks[1].Outcome != "unavailable" || checks[1].HTTPStatus != 503 ||
		checks[1].Message != "down" || checks[1].FinishedAt.IsZero() {
		t.Errorf("checks = %+v", checks)
	}

	counts, err := st.SecretCounts(ctx)
	if err != nil || fmt.Sprint(counts) != "map[k1:1]" {
		t.Errorf("secret counts = %v, %v", counts, err)
	}
}

func TestEventsAreAppendOnly(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, path := openStore(t, c)
	st.CreateSeller(ctx, newSeller("asha"), hash("t"), time.Hour, "seller")
	st.Close()

	raw, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{`UPDATE events SET kind = 'x'`, `DELETE FROM events`} {
		if err := raw.ExecForTest(ctx, q); err == nil {
			t.Errorf("%s succeeded on the timeline", q)
		}
	}
}

func TestQueuePagesAndFilters(t *testing.T) {
	c := newClock()
	ctx := context.Background()
	st, _ := openStore(t, c)
	for i := 1; i <= 7; i++ {
		c.add(time.Minute)
		st.CreateSeller(ctx, newSeller(fmt.Sprintf("shop%d", i)), hash(fmt.Sprint(i)), time.Hour,
			"seller")
	}
	c.add(time.Minute)
	st.ReachStep(ctx, 2, 4, false) // seller 2 becomes the most recently active

	var seen []int64
	var after *store.QueueCursor
	for {
		rows, err := st.Queue(ctx, store.QueueFilter{Limit: 3, After: after})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 0 {
			break
		}
		for _, r := range rows {
			seen = append(seen, r.ID)
		}
		cursor := store.CursorOf(rows[len(rows)-1], store.SortActivity)
		after = &cursor
	}
	if got := fmt.Sprint(seen); got != "[2 7 6 5 4 3 1]" {
		t.Errorf("pages = %s, want [2 7 6 5 4 3 1]", got)
	}

	rows, _ := st.Queue(ctx, store.QueueFilter{Tab: string(store.StatusInProgress)})
	if len(rows) != 1 || rows[0].ID != 2 {
		t.Errorf("status filter = %v", rows)
	}
	rows, _ = st.Queue(ctx, store.QueueFilter{Query: "SHOP5@"})
	if len(rows) != 1 || rows[0].ID != 5 {
		t.Errorf("search = %v", rows)
	}
	rows, _ = st.Queue(ctx, store.QueueFilter{Query: "%"})
	if len(rows) != 0 {
		t.Errorf("a LIKE wildcard in the search matched %d rows", len(rows))
	}
}
