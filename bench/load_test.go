package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"
)

func TestQuantile(t *testing.T) {
	s := &sample{}
	for _, ms := range []int{5, 1, 4, 2, 3, 10, 9, 8, 7, 6} {
		s.add(time.Duration(ms)*time.Millisecond, nil)
	}
	s.add(0, errors.New("refused"))
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{
		{0.5, 5 * time.Millisecond},
		{0.9, 9 * time.Millisecond},
		{0.99, 10 * time.Millisecond},
		{1, 10 * time.Millisecond},
		{0, time.Millisecond},
	} {
		if got := s.quantile(tc.q); got != tc.want {
			t.Errorf("quantile(%v) = %v, want %v", tc.q, got, tc.want)
		}
	}
	if s.failures != 1 || s.firstErr == nil || len(s.durations) != 10 {
		t.Errorf("failures %d, first error %v, durations %d; want 1, an error, 10", s.failures,
			s.firstErr, len(s.durations))
	}
	if got := (&sample{}).quantile(0.99); got != 0 {
		t.Errorf("quantile of nothing = %v, want 0", got)
	}
}

// TestUserKeepsCookiesAndSendsCSRF checks the load generator's browser: cookies set by the
// server come back, a cookie the server deletes is dropped, and a form carries the CSRF token
// from the portal's cookie.
func TestUserKeepsCookiesAndSendsCSRF(t *testing.T) {
	var gotCookie, gotToken atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotCookie.Store(r.Header.Get("Cookie"))
		switch r.URL.Path {
		case "/login":
			http.SetCookie(w, &http.Cookie{Name: "portal_csrf", Value: "tok"})
			http.SetCookie(w, &http.Cookie{Name: "portal_seller", Value: "s1"})
			http.SetCookie(w, &http.Cookie{Name: "old", Value: "x"})
		case "/logout":
			http.SetCookie(w, &http.Cookie{Name: "old", MaxAge: -1})
		case "/form":
			gotToken.Store(r.PostFormValue("_csrf") + "|" + r.PostFormValue("field"))
			http.Redirect(w, r, "/next", http.StatusSeeOther)
			return
		}
		w.Write([]byte("page"))
	}))
	defer srv.Close()

	ctx := context.Background()
	c := newClient(newTransport(2), 5*time.Second)
	u := newUser()
	if err := u.want(ctx, c, "GET", srv.URL+"/login", nil, http.StatusOK); err != nil {
		t.Fatal(err)
	}
	if err := u.want(ctx, c, "GET", srv.URL+"/logout", nil, http.StatusOK); err != nil {
		t.Fatal(err)
	}
	if got, want := gotCookie.Load(), "old=x; portal_csrf=tok; portal_seller=s1"; got != want {
		t.Errorf("cookies sent = %q, want %q", got, want)
	}

	r, err := u.do(ctx, c, "POST", srv.URL+"/form", url.Values{"field": {"v"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	if r.status != http.StatusSeeOther || r.location != "/next" {
		t.Errorf("post: status %d location %q, want 303 /next", r.status, r.location)
	}
	if got, want := gotCookie.Load(), "portal_csrf=tok; portal_seller=s1"; got != want {
		t.Errorf("cookies after deletion = %q, want %q", got, want)
	}
	if got := gotToken.Load(); got != "tok|v" {
		t.Errorf("form carried %q, want the CSRF token and the field", got)
	}
	if err := u.want(ctx, c, "GET", srv.URL+"/login", nil, http.StatusNotFound); err == nil {
		t.Error("want with the wrong status returned no error")
	}
}

// TestLoops checks that a closed loop stops when its work runs out and counts failures apart,
// and that an open loop sends the number of requests its rate and duration ask for.
func TestLoops(t *testing.T) {
	ctx := context.Background()
	var next atomic.Int64
	s := closedLoop(ctx, 4, 10*time.Second, 0, func(context.Context, int, int) error {
		n := next.Add(1)
		switch {
		case n > 100:
			return errDone
		case n%10 == 0:
			return errors.New("failed")
		}
		return nil
	})
	if len(s.durations) != 90 || s.failures != 10 || s.elapsed >= 10*time.Second {
		t.Errorf("closed loop: %d successes, %d failures in %s; want 90, 10 and an early stop",
			len(s.durations), s.failures, s.elapsed)
	}

	// Staggered workers start one after another.
	var starts [3]atomic.Int64
	began := time.Now()
	closedLoop(ctx, 3, 5*time.Second, 50*time.Millisecond, func(_ context.Context, w,
		i int) error {
		if i > 0 {
			return errDone
		}
		starts[w].Store(int64(time.Since(began)))
		return nil
	})
	for w := 1; w < 3; w++ {
		if gap := time.Duration(starts[w].Load() - starts[w-1].Load()); gap < 40*time.Millisecond {
			t.Errorf("worker %d started %s after worker %d, want about 50ms", w, gap, w-1)
		}
	}

	var sent atomic.Int64
	o := openLoop(ctx, 200, 250*time.Millisecond, 10, func(context.Context, int) error {
		sent.Add(1)
		return nil
	})
	if sent.Load() != 50 || len(o.durations) != 50 || o.late != 0 {
		t.Errorf("open loop: %d sent, %d recorded, %d late; want 50, 50, 0", sent.Load(),
			len(o.durations), o.late)
	}
}

func TestSearchTermsAreDistinct(t *testing.T) {
	pool := []poolSeller{{id: 1, apiEmail: "a.b1+api@gmail.com"},
		{id: 2, apiEmail: "c.d2+api@shop.in"}}
	terms := searchTerms(newRand(), 300, pool)
	seen := map[string]bool{}
	for _, term := range terms {
		if seen[term] && term != "a.b1@gmail.com" && term != "c.d2@shop.in" {
			t.Errorf("term %q repeats", term)
		}
		seen[term] = true
	}
	if len(terms) != 300 || !seen["a.b1@gmail.com"] {
		t.Errorf("%d terms, exact email present: %v; want 300 and true", len(terms),
			seen["a.b1@gmail.com"])
	}
}
