package handlers

import (
	"net"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// windowLimiter counts events per key over a sliding window. It lives in memory: a restart forgets
// the counts, which only ever gives a client a fresh budget early, never locks one out.
type windowLimiter struct {
	window time.Duration
	max    int
	now    func() time.Time

	mu     sync.Mutex
	events map[string][]time.Time
	swept  time.Time
}

func newWindowLimiter(max int, window time.Duration, now func() time.Time) *windowLimiter {
	return &windowLimiter{window: window, max: max, now: now, events: map[string][]time.Time{}}
}

// Allow records an event for key and reports whether it is within the limit. When it is not,
// it also returns when the oldest counted event leaves the window.
func (l *windowLimiter) Allow(key string) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()

	now := l.now()
	l.sweep(now)
	recent := l.recent(key, now)
	if len(recent) >= l.max {
		return false, recent[0].Add(l.window)
	}
	l.events[key] = append(recent, now)
	return true, time.Time{}
}

// Count returns how many events key has in the current window, without recording one.
func (l *windowLimiter) Count(key string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent(key, l.now()))
}

// Add records an event for key without checking the limit (a failure, counted after the fact).
func (l *windowLimiter) Add(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.events[key] = append(l.recent(key, now), now)
}

// Reset forgets key's events (a successful login clears its failures).
func (l *windowLimiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.events, key)
}

func (l *windowLimiter) recent(key string, now time.Time) []time.Time {
	events := l.events[key]
	i := 0
	for i < len(events) && !events[i].After(now.Add(-l.window)) {
		i++
	}
	return events[i:]
}

// sweep drops keys whose events have all left the window, at most once a window, so that the map
// does not grow with every address ever seen.
func (l *windowLimiter) sweep(now time.Time) {
	if now.Sub(l.swept) < l.window {
		return
	}
	l.swept = now
	for k := range l.events {
		if len(l.recent(k, now)) == 0 {
			delete(l.events, k)
		}
	}
}

// ipExtractor decides the client address. By default it is the connection's peer: a client cannot
// pick its own address by sending X-Forwarded-For. Only when the peer is one of the trusted proxies
// is the header believed, and then only the hops those proxies added.
func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{
		echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false),
	}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}
