package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// errDone tells a closed loop that its work ran out: the worker stops without counting a request.
var errDone = errors.New("no more work")

// newTransport returns the load generator's transport: keep-alive connections to loopback
// only, enough idle ones for every worker, no proxy.
func newTransport(conns int) *http.Transport {
	return &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     time.Minute,
		// A browser asks for gzip; the bench reads the bytes and never unpacks them.
		DisableCompression: true,
	}
}

// user is one browser: its cookies, kept by hand (cheaper than cookiejar, and the portal sets
// only host cookies on /).
type user struct {
	mu      sync.Mutex
	cookies map[string]string
}

// newUser returns a browser with no cookies.
func newUser() *user { return &user{cookies: map[string]string{}} }

// csrf returns the anti-forgery token the portal set in its cookie, which forms send back.
func (u *user) csrf() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.cookies["portal_csrf"]
}

// header returns the Cookie header the user sends.
func (u *user) header() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	parts := make([]string, 0, len(u.cookies))
	for k, v := range u.cookies {
		parts = append(parts, k+"="+v)
	}
	slices.Sort(parts)
	return strings.Join(parts, "; ")
}

// keep stores the cookies a response sets, and drops those it deletes.
func (u *user) keep(resp *http.Response) {
	cs := resp.Cookies()
	if len(cs) == 0 {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, c := range cs {
		if c.MaxAge < 0 || c.Value == "" {
			delete(u.cookies, c.Name)
			continue
		}
		u.cookies[c.Name] = c.Value
	}
}

// reply is what the load generator keeps of a response.
type reply struct {
	status   int
	location string
	body     []byte // only when asked for
	bytes    int64
}

// do sends one request as u. A form is sent with the user's CSRF token added. The body is read
// to the end (and kept when keep is set), as a browser would.
func (u *user) do(ctx context.Context, c *http.Client, method, target string, form url.Values,
	keep bool) (reply, error) {
	var body io.Reader
	if form != nil {
		form.Set("_csrf", u.csrf())
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return reply{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", req.URL.Scheme+"://"+req.URL.Host)
	}
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("User-Agent", "portal-bench/1")
	if h := u.header(); h != "" {
		req.Header.Set("Cookie", h)
	}

	resp, err := c.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	u.keep(resp)

	r := reply{status: resp.StatusCode, location: resp.Header.Get("Location")}
	if keep {
		r.body, err = io.ReadAll(resp.Body)
		r.bytes = int64(len(r.body))
	} else {
		r.bytes, err = io.Copy(io.Discard, resp.Body)
	}
	return r, err
}

// expect turns an unexpected status into an error.
func expect(r reply, err error, status int) error {
	if err != nil {
		return err
	}
	if r.status != status {
		return fmt.Errorf("status %d, want %d", r.status, status)
	}
	return nil
}

// want sends one request as u and fails unless the answer has the given status.
func (u *user) want(ctx context.Context, c *http.Client, method, target string,
	form url.Values, status int) error {
	r, err := u.do(ctx, c, method, target, form, false)
	return expect(r, err, status)
}

// newClient returns an HTTP client that never follows redirects, so every 303 is seen.
func newClient(t *http.Transport, timeout time.Duration) *http.Client {
	return &http.Client{Transport: t, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}
}

// sample holds the durations of a run's requests and what went wrong.
type sample struct {
	durations []time.Duration
	failures  int
	firstErr  error
	elapsed   time.Duration
	late      int // open loop: requests that could not start because too many were in flight
}

// add records one request: its duration, or its error.
func (s *sample) add(d time.Duration, err error) {
	if err != nil {
		s.failures++
		if s.firstErr == nil {
			s.firstErr = err
		}
		return
	}
	s.durations = append(s.durations, d)
}

// merge adds another sample's requests to s.
func (s *sample) merge(o *sample) {
	s.durations = append(s.durations, o.durations...)
	s.failures += o.failures
	s.late += o.late
	if s.firstErr == nil {
		s.firstErr = o.firstErr
	}
}

// throughput is the successful requests per second over the run.
func (s *sample) throughput() float64 {
	if s.elapsed <= 0 {
		return 0
	}
	return float64(len(s.durations)) / s.elapsed.Seconds()
}

// quantile returns the exact q-quantile (nearest rank) of the recorded durations.
func (s *sample) quantile(q float64) time.Duration {
	if len(s.durations) == 0 {
		return 0
	}
	sorted := slices.Clone(s.durations)
	slices.Sort(sorted)
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// closedLoop runs workers that each send one request after another for dur, or until fn
// returns errDone. fn gets the worker's number and its request count so far. Worker w starts
// w times stagger after the first, so that long requests start, and end, one after another.
func closedLoop(ctx context.Context, workers int, dur, stagger time.Duration,
	fn func(ctx context.Context, worker, i int) error) *sample {
	ctx, cancel := context.WithTimeout(ctx, dur)
	defer cancel()

	results := make([]sample, workers)
	var wg sync.WaitGroup
	started := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if stagger > 0 {
				select {
				case <-time.After(time.Duration(w) * stagger):
				case <-ctx.Done():
					return
				}
			}
			// A request cut short by the end of the run is neither a success nor a failure.
			for i := 0; ctx.Err() == nil; i++ {
				t := time.Now()
				err := fn(context.WithoutCancel(ctx), w, i)
				if errors.Is(err, errDone) {
					return
				}
				results[w].add(time.Since(t), err)
			}
		}()
	}
	wg.Wait()

	out := &sample{elapsed: time.Since(started)}
	for i := range results {
		out.merge(&results[i])
	}
	return out
}

// openLoop starts requests at a fixed rate for dur, whatever the answers, so that a slow server
// cannot slow the load down. Each request's time runs from when it was due, not from when it
// started, which keeps queueing delay in the numbers. At most maxInFlight run at once; a request
// due while that many are in flight is counted late and failed.
func openLoop(ctx context.Context, rate float64, dur time.Duration, maxInFlight int,
	fn func(ctx context.Context, i int) error) *sample {
	interval := time.Duration(float64(time.Second) / rate)
	total := int(dur.Seconds() * rate)

	var mu sync.Mutex
	out := &sample{}
	var wg sync.WaitGroup
	var inFlight atomic.Int64
	started := time.Now()
	for i := 0; i < total; i++ {
		due := started.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				i = total
				continue
			}
		}
		if inFlight.Load() >= int64(maxInFlight) {
			mu.Lock()
			out.late++
			out.add(0, fmt.Errorf("more than %d requests in flight", maxInFlight))
			mu.Unlock()
			continue
		}
		inFlight.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer inFlight.Add(-1)
			err := fn(ctx, i)
			d := time.Since(due)
			mu.Lock()
			out.add(d, err)
			mu.Unlock()
		}()
	}
	wg.Wait()
	out.elapsed = time.Since(started)
	return out
}
