package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/webhook"
)

var secret = []byte("test-secret-0123456789-abcdefghijkl")

func TestVerify(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	body := []byte(`{"id":"evt_1","type":"seller.verified"}`)
	signed := func(ts time.Time, b []byte, key []byte) http.Header {
		h := http.Header{}
		h.Set(webhook.HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
		h.Set(webhook.HeaderSignature, webhook.Sign(key, ts.Unix(), b))
		return h
	}

	tests := []struct {
		name   string
		header http.Header
		body   []byte
		want   error
	}{
		{"valid", signed(now, body, secret), body, nil},
		{"four minutes old", signed(now.Add(-4*time.Minute), body, secret), body, nil},
		{"body changed", signed(now, body, secret), []byte(`{"id":"evt_2"}`),
			webhook.ErrBadSignature},
		{"other secret", signed(now, body, []byte("another-secret-0123456789-abcdefgh")), body,
			webhook.ErrBadSignature},
		{"six minutes old", signed(now.Add(-6*time.Minute), body, secret), body,
			webhook.ErrOldTimestamp},
		{"from the future", signed(now.Add(6*time.Minute), body, secret), body,
			webhook.ErrOldTimestamp},
		{"no headers", http.Header{}, body, webhook.ErrNoSignature},
		{"timestamp not a number", func() http.Header {
			h := signed(now, body, secret)
			h.Set(webhook.HeaderTimestamp, "soon")
			return h
		}(), body, webhook.ErrNoSignature},
		{"no version prefix", func() http.Header {
			h := signed(now, body, secret)
			h.Set(webhook.HeaderSignature, strings.TrimPrefix(h.Get(webhook.HeaderSignature),
				"v1="))
			return h
		}(), body, webhook.ErrBadSignature},
		{"signature not hex", func() http.Header {
			h := signed(now, body, secret)
			h.Set(webhook.HeaderSignature, "v1=zz")
			return h
		}(), body, webhook.ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := webhook.Verify(secret, tt.header, tt.body, now, webhook.DefaultTolerance)
			if !errors.Is(err, tt.want) {
				t.Errorf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// received is one request as the test receiver saw it.
type received struct {
	header   http.Header
	body     []byte
	verified error
}

// receiver is an httptest server on loopback answering with the given statuses in turn (the last
// one repeats), checking each signature against the test clock.
type receiver struct {
	srv      *httptest.Server
	mu       sync.Mutex
	got      []received
	statuses []int
}

func newReceiver(t *testing.T, c *clock, statuses ...int) *receiver {
	r := &receiver{statuses: statuses}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{header: req.Header.Clone(), body: body,
			verified: webhook.Verify(secret, req.Header, body, c.Now(),
				webhook.DefaultTolerance)})
		status := r.statuses[min(len(r.got)-1, len(r.statuses)-1)]
		r.mu.Unlock()
		if status == http.StatusFound {
			http.Redirect(w, req, "/elsewhere", status)
			return
		}
		w.WriteHeader(status)
		io.WriteString(w, "answer\n\x00with control characters")
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

type fixture struct {
	ctx    context.Context
	st     *store.Store
	clock  *clock
	n      *webhook.Notifier
	seller store.Seller
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)} }

// newFixture opens a store and a Notifier sending to urls, both on the clock c.
func newFixture(t *testing.T, c *clock, urls ...string) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "portal.db"), store.WithClock(c.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })

	n, err := webhook.New(st, webhook.Config{URLs: urls, Secret: secret, Now: c.Now,
		Jitter: func(time.Duration) time.Duration { return 0 }}, nil)
	if err != nil {
		t.Fatal(err)
	}
	seller, err := st.CreateSeller(ctx, store.NewSeller{StoreName: "Chai & Co",
		ContactName: "Asha", LoginEmail: "asha@example.com"}, []byte("hash"), time.Hour,
		store.ActorSeller)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{ctx: ctx, st: st, clock: c, n: n, seller: seller}
}

// queue stores the deliveries of one event, as the job runner does.
func (f *fixture) queue(t *testing.T, eventType string) []store.NewDelivery {
	t.Helper()
	s := f.seller
	s.Status, s.StatusReason, s.APIEmail = store.StatusNeedsAction, "wrong_credentials",
		"asha+api@example.com"
	s.LastCheckedAt = f.clock.Now().Add(-time.Minute)
	ds, err := f.n.Deliveries(eventType, s, f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.AddDeliveries(f.ctx, ds); err != nil {
		t.Fatal(err)
	}
	return ds
}

func (f *fixture) deliverDue(t *testing.T, want int) {
	t.Helper()
	n, err := f.n.DeliverDue(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != want {
		t.Fatalf("at %s: %d attempts, want %d", f.clock.Now().Format(time.RFC3339), n, want)
	}
}

func (f *fixture) deliveries(t *testing.T) []store.DeliveryWithAttempts {
	t.Helper()
	ds, err := f.st.Deliveries(f.ctx, store.DeliveryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestDeliveryRetriesUntil2xxAndEveryAttemptIsKept(t *testing.T) {
	c := newClock()
	r := newReceiver(t, c, 500, 503, 204)
	f := newFixture(t, c, r.srv.URL+"/hooks/portal?token=abc")
	t0 := c.Now()
	queued := f.queue(t, webhook.EventNeedsAction)

	f.deliverDue(t, 1)
	f.deliverDue(t, 0) // the retry is not due yet
	c.Set(t0.Add(30 * time.Second))
	f.deliverDue(t, 1)
	c.Set(t0.Add(90 * time.Second))
	f.deliverDue(t, 1)
	c.Set(t0.Add(24 * time.Hour))
	f.deliverDue(t, 0) // delivered: never sent again

	reqs := r.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	for i, req := range reqs {
		if req.verified != nil {
			t.Errorf("request %d: signature does not verify: %v", i, req.verified)
		}
		if got := req.header.Get(webhook.HeaderEvent); got != webhook.EventNeedsAction {
			t.Errorf("request %d: event header %q", i, got)
		}
		if got := req.header.Get(webhook.HeaderEventID); got != queued[0].EventID ||
			!strings.HasPrefix(got, "evt_") {
			t.Errorf("request %d: event id %q, want %q", i, got, queued[0].EventID)
		}
		if got := req.header.Get("Content-Type"); got != "application/json" {
			t.Errorf("request %d: content type %q", i, got)
		}
		if string(req.body) != queued[0].Payload {
			t.Errorf("request %d: body differs from the stored payload", i)
		}
	}

	var p map[string]any
	if err := json.Unmarshal(reqs[0].body, &p); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"id": queued[0].EventID, "type": "seller.needs_action",
		"created_at": "2026-03-02T10:00:00Z",
		"seller": map[string]any{"id": float64(f.seller.ID), "store_name": "Chai & Co",
			"status": "needs_action", "reason": "wrong_credentials",
			"api_email": "asha+api@example.com", "last_checked_at": "2026-03-02T09:59:00Z"},
	}
	if !jsonEqual(p, want) {
		t.Errorf("payload %v,\nwant %v", p, want)
	}

	ds := f.deliveries(t)
	if len(ds) != 1 {
		t.Fatalf("%d deliveries, want 1", len(ds))
	}
	d := ds[0]
	if d.State != store.DeliveryDelivered || d.AttemptCount != 3 ||
		d.EventType != webhook.EventNeedsAction || d.SellerID != f.seller.ID ||
		!d.GiveUpAt.Equal(t0.Add(24*time.Hour)) || !d.FinishedAt.Equal(t0.Add(90*time.Second)) {
		t.Errorf("delivery %+v", d.Delivery)
	}
	wantAttempts := []struct {
		at     time.Time
		status int
		err    string
	}{
		{t0, 500, "receiver answered 500: answer with control characters"},
		{t0.Add(30 * time.Second), 503, "receiver answered 503: answer with control characters"},
		{t0.Add(90 * time.Second), 204, ""},
	}
	if len(d.Attempts) != len(wantAttempts) {
		t.Fatalf("%d attempts stored, want %d", len(d.Attempts), len(wantAttempts))
	}
	for i, w := range wantAttempts {
		a := d.Attempts[i]
		if !a.At.Equal(w.at) || a.HTTPStatus != w.status || a.Error != w.err ||
			a.DeliveryID != d.ID {
			t.Errorf("attempt %d: %+v, want at %s status %d error %q", i, a, w.at, w.status,
				w.err)
		}
	}
}

func TestDeliveryGivesUpAfterADay(t *testing.T) {
	c := newClock()
	r := newReceiver(t, c, http.StatusServiceUnavailable)
	f := newFixture(t, c, r.srv.URL)
	t0 := c.Now()
	f.queue(t, webhook.EventStale)

	// Backoff doubles from 30 s up to an hour; nothing is tried after 24 hours.
	var offsets []time.Duration
	for i := 0; i < 100; i++ {
		f.deliverDue(t, 1)
		d := f.deliveries(t)[0]
		if d.State != store.DeliveryPending {
			break
		}
		offsets = append(offsets, d.NextAttemptAt.Sub(t0))
		c.Set(d.NextAttemptAt)
	}

	var want []time.Duration
	next, wait := time.Duration(0), 30*time.Second
	for {
		next += wait
		if next >= 24*time.Hour {
			break
		}
		want = append(want, next)
		wait = min(2*wait, time.Hour)
	}
	if len(offsets) != len(want) {
		t.Fatalf("retries at %v,\nwant %v", offsets, want)
	}
	for i := range want {
		if offsets[i] != want[i] {
			t.Fatalf("retry %d at %s, want %s", i, offsets[i], want[i])
		}
	}

	d := f.deliveries(t)[0]
	if d.State != store.DeliveryFailed || d.AttemptCount != len(want)+1 ||
		len(d.Attempts) != len(want)+1 || len(r.requests()) != len(want)+1 {
		t.Errorf("delivery %+v with %d attempts and %d requests, want failed after %d",
			d.Delivery, len(d.Attempts), len(r.requests()), len(want)+1)
	}
	c.Set(t0.Add(48 * time.Hour))
	f.deliverDue(t, 0)
}

func TestRedirectsAreNotFollowedAndUnreachableIsRecorded(t *testing.T) {
	c := newClock()
	r := newReceiver(t, c, http.StatusFound)
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL + "/hook?token=secret-in-query"
	closed.Close()
	f := newFixture(t, c, r.srv.URL, closedURL)
	f.queue(t, webhook.EventVerified)
	f.deliverDue(t, 2)

	if n := len(r.requests()); n != 1 {
		t.Errorf("receiver saw %d requests, want 1 (the redirect not followed)", n)
	}
	byURL := map[string]store.DeliveryWithAttempts{}
	for _, d := range f.deliveries(t) {
		byURL[d.URL] = d
	}
	redirected := byURL[r.srv.URL].Attempts
	if len(redirected) != 1 || redirected[0].HTTPStatus != http.StatusFound ||
		!strings.HasPrefix(redirected[0].Error, "receiver answered 302") {
		t.Errorf("redirect attempt %+v", redirected)
	}
	unreachable := byURL[closedURL].Attempts
	if len(unreachable) != 1 || unreachable[0].HTTPStatus != 0 ||
		!strings.Contains(unreachable[0].Error, "refused") ||
		strings.Contains(unreachable[0].Error, "secret-in-query") {
		t.Errorf("unreachable attempt %+v: want connection refused, without the URL",
			unreachable)
	}
}

func TestNoURLsQueuesNothing(t *testing.T) {
	f := newFixture(t, newClock())
	ds, err := f.n.Deliveries(webhook.EventVerified, f.seller, f.clock.Now())
	if err != nil || ds != nil || f.n.Enabled() {
		t.Errorf("Deliveries = %v, %v; enabled %v: want nothing", ds, err, f.n.Enabled())
	}
}

func TestNewRefusesBadSettings(t *testing.T) {
	tests := []struct {
		name string
		cfg  webhook.Config
	}{
		{"short secret", webhook.Config{URLs: []string{"https://example.com/h"},
			Secret: []byte("short")}},
		{"relative URL", webhook.Config{URLs: []string{"/hook"}, Secret: secret}},
		{"ftp URL", webhook.Config{URLs: []string{"ftp://example.com/h"}, Secret: secret}},
		{"user info", webhook.Config{URLs: []string{"https://u:p@example.com/h"},
			Secret: secret}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := webhook.New(nil, tt.cfg, nil)
			if err == nil {
				t.Fatal("New accepted it")
			}
			if strings.Contains(err.Error(), "u:p") {
				t.Errorf("error %q quotes the URL", err)
			}
		})
	}
}

func jsonEqual(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
