package shiprocket

import (
	"context"
	"net/http"
	"time"
)

// Hooks for the external tests in package shiprocket_test, which cannot reach unexported fields
// because they import shiprockettest (which imports this package).

// SetSleepForTest replaces the backoff sleep.
func SetSleepForTest(c *Client, sleep func(context.Context, time.Duration) error) {
	c.sleep = sleep
}

// SetJitterForTest replaces the full-jitter random pick.
func SetJitterForTest(c *Client, jitter func(time.Duration) time.Duration) { c.jitter = jitter }

// SetNowForTest replaces the clock.
func SetNowForTest(c *Client, now func() time.Time) { c.now = now }

// HTTPClientForTest returns the client's *http.Client.
func HTTPClientForTest(c *Client) *http.Client { return c.http }

// BackoffForTest returns one backoff pick for retry n.
func BackoffForTest(c *Client, n int) time.Duration { return c.backoff(n) }

// MaxAttemptsForTest returns the effective MaxAttempts.
func MaxAttemptsForTest(c *Client) int { return c.maxAttempts }

// Transport timeouts, for the configuration test.
const (
	DialTimeoutForTest           = dialTimeout
	TLSHandshakeTimeoutForTest   = tlsHandshakeTimeout
	ResponseHeaderTimeoutForTest = responseHeaderTimeout
)
