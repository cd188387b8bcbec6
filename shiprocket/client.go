package shiprocket

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ProductionBaseURL is Shiprocket's API host. New has no default base URL on purpose: the caller
// names the host, so tests and demo mode can never reach the real Shiprocket by accident.
const ProductionBaseURL = "https://apiv2.shiprocket.in"

// Paths of the two authentication endpoints.
const (
	LoginPath  = "/v1/external/auth/login"
	LogoutPath = "/v1/external/auth/logout"
)

// Defaults and limits for Config.
const (
	DefaultTimeout     = 15 * time.Second
	DefaultMaxAttempts = 3
	DefaultBaseDelay   = 500 * time.Millisecond
	DefaultMaxDelay    = 5 * time.Second
	DefaultUserAgent   = "AI Cofounder portal/1.0"

	// maxTimeout caps Config.Timeout: the portal answers a seller while this call runs.
	maxTimeout = 15 * time.Second
	// maxAttempts caps Config.MaxAttempts so a misconfiguration cannot hammer Shiprocket.
	maxAttempts = 5
	// maxBodyBytes limits how much of any response is read.
	maxBodyBytes = 1 << 20
)

// Transport timeouts of the default transport.
const (
	dialTimeout           = 5 * time.Second
	tlsHandshakeTimeout   = 5 * time.Second
	responseHeaderTimeout = 10 * time.Second
)

// Config holds the settings of a Client. Zero values take the defaults above.
type Config struct {
	// BaseURL is the absolute http or https URL of the API host, e.g. ProductionBaseURL or the
	// URL of a shiprockettest.Server. A trailing slash is ignored. It is required.
	BaseURL string
	// UserAgent is sent on every request; DefaultUserAgent when empty.
	UserAgent string
	// Timeout is the whole budget of one HTTP request, body included. It defaults to 15s and is
	// never above 15s. A call with retries can take up to MaxAttempts times this plus the
	// backoff, so bound the context if the caller needs a firmer limit.
	Timeout time.Duration
	// MaxAttempts is the number of HTTP attempts per call, retries included; default 3, at most 5.
	MaxAttempts int
	// BaseDelay is the backoff base; default 500ms.
	BaseDelay time.Duration
	// MaxDelay caps one backoff sleep; default 5s. A 429 Retry-After longer than twice MaxDelay
	// is not waited for.
	MaxDelay time.Duration
	// Transport replaces the default transport (for tests). The default dials in 5s, finishes
	// the TLS handshake in 5s and waits at most 10s for response headers.
	Transport http.RoundTripper
	// Logger receives Debug lines about each call, never a secret; nothing is logged when nil.
	Logger *slog.Logger
}

// Client calls Shiprocket's external API. It is safe for concurrent use.
type Client struct {
	base        string
	userAgent   string
	timeout     time.Duration
	maxAttempts int
	baseDelay   time.Duration
	maxDelay    time.Duration
	http        *http.Client
	log         *slog.Logger

	// sleep waits between attempts and must return early with ctx's error when ctx ends.
	// Tests replace it to run fast.
	sleep func(ctx context.Context, d time.Duration) error
	// jitter picks the backoff sleep in [0, limit].
	jitter func(limit time.Duration) time.Duration
	// now is the clock used for Retry-After dates and the fallback token expiry.
	now func() time.Time
}

// New checks cfg, fills in the defaults and returns a Client. It fails when BaseURL is not an
// absolute http or https URL without user info, query or fragment.
func New(cfg Config) (*Client, error) {
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}

	c := &Client{
		base:        base,
		userAgent:   cfg.UserAgent,
		timeout:     cfg.Timeout,
		maxAttempts: cfg.MaxAttempts,
		baseDelay:   cfg.BaseDelay,
		maxDelay:    cfg.MaxDelay,
		log:         cfg.Logger,
		sleep:       sleepCtx,
		jitter:      fullJitter,
		now:         time.Now,
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	if c.timeout <= 0 || c.timeout > maxTimeout {
		c.timeout = min(DefaultTimeout, maxTimeout)
	}
	if c.maxAttempts <= 0 {
		c.maxAttempts = DefaultMaxAttempts
	}
	c.maxAttempts = min(c.maxAttempts, maxAttempts)
	if c.baseDelay <= 0 {
		c.baseDelay = DefaultBaseDelay
	}
	if c.maxDelay <= 0 {
		c.maxDelay = DefaultMaxDelay
	}
	c.maxDelay = max(c.maxDelay, c.baseDelay)
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}

	transport := cfg.Transport
	if transport == nil {
		transport = newTransport()
	}
	c.http = &http.Client{
		Transport: transport,
		Timeout:   c.timeout,
		// Backend calls never follow redirects: a 3xx from Shiprocket means the base URL is
		// wrong or the API is under maintenance, and following it could carry the password on.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c, nil
}

// parseBaseURL validates the base URL and returns it without a trailing slash. Errors never quote
// the URL, which could carry credentials.
func parseBaseURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", errors.New("shiprocket: base URL does not parse")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", errors.New("shiprocket: base URL must be an absolute http or https URL")
	}
	if u.Host == "" {
		return "", errors.New("shiprocket: base URL has no host")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", errors.New("shiprocket: base URL must not carry user info, a query or a fragment")
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// maxIdleConns is how many connections to Shiprocket stay open between calls. A check makes
// fifteen calls one after another, and checks run side by side: with fewer idle connections
// than checks in flight, each call's connection was closed on its return and the next call
// dialled (over https, handshook) a new one. With 32 checks at once that was 6% of a check's
// CPU in the portal alone (docs/benchmark.md). An idle connection costs a few tens of KB.
const maxIdleConns = 64

// newTransport returns a transport with explicit timeouts; http.DefaultTransport has no
// response-header timeout and a 30s dial timeout.
func newTransport() *http.Transport {
	dialer := &net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                  http.ProxyFromEnvironment,
		DialContext:            dialer.DialContext,
		TLSHandshakeTimeout:    tlsHandshakeTimeout,
		ResponseHeaderTimeout:  responseHeaderTimeout,
		ExpectContinueTimeout:  time.Second,
		IdleConnTimeout:        90 * time.Second,
		MaxIdleConns:           maxIdleConns,
		MaxIdleConnsPerHost:    maxIdleConns,
		MaxResponseHeaderBytes: 64 << 10,
		ForceAttemptHTTP2:      true,
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12},
	}
}

// sleepCtx waits for d or until ctx ends, whichever comes first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// fullJitter returns a random duration in [0, limit] ("full jitter").
func fullJitter(limit time.Duration) time.Duration {
	if limit <= 0 {
		return 0
	}
	return rand.N(limit + 1)
}

// backoff returns the sleep before retry number n (0 for the first retry):
// rand(0, min(MaxDelay, BaseDelay*2^n)).
func (c *Client) backoff(n int) time.Duration {
	limit := c.maxDelay
	if n < 30 {
		limit = min(c.maxDelay, c.baseDelay<<n)
	}
	if limit <= 0 { // overflow of the shift
		limit = c.maxDelay
	}
	return min(c.jitter(limit), limit)
}

// exchange is what one call, retries included, left behind.
type exchange struct {
	status     int         // last HTTP status seen, 0 if none
	header     http.Header // headers of that response
	body       []byte      // body of that response; nil when not read or larger than the limit
	err        error       // error of the final attempt; nil when it got a full response
	attempts   int         // HTTP attempts made
	retryAfter time.Duration
}

// buildFunc makes a fresh request for one attempt.
type buildFunc func(ctx context.Context) (*http.Request, error)

// send runs the request with the retry policy: network errors, 429 and 5xx other than 501 are
// retried, everything else is final. The backoff sleep is cut short by ctx.
func (c *Client) send(ctx context.Context, op string, build buildFunc) exchange {
	var ex exchange
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			if ex.attempts == 0 {
				ex.err = err
			}
			return ex
		}

		r := c.once(ctx, op, attempt, build)
		ex.attempts = attempt
		ex.err = r.err
		if r.status != 0 {
			ex.status, ex.header, ex.body = r.status, r.header, r.body
		}
		if r.permanent {
			return ex
		}

		wait, retry := c.retryWait(ctx, &ex, r, attempt)
		if !retry || attempt >= c.maxAttempts {
			return ex
		}

		c.log.DebugContext(ctx, "shiprocket retry", slog.String("op", op),
			slog.Int("attempt", attempt), slog.Int64("wait_ms", wait.Milliseconds()))
		if err := c.sleep(ctx, wait); err != nil {
			return ex
		}
	}
}

// retryWait decides whether an attempt's result is worth another try and how long to wait
// first. It records a 429's Retry-After in ex.
func (c *Client) retryWait(ctx context.Context, ex *exchange, r reply, n int) (
	time.Duration, bool) {
	switch {
	case r.err != nil:
		return c.backoff(n - 1), retryableError(ctx, r.err)
	case r.status == http.StatusTooManyRequests:
		ra, ok := parseRetryAfter(r.header.Get("Retry-After"), c.now())
		ex.retryAfter = ra
		if !ok {
			return c.backoff(n - 1), true
		}
		// Waiting much longer than our own backoff would keep the seller staring at a spinner;
		// give up and tell them when to come back instead.
		return ra, ra <= 2*c.maxDelay
	case r.status >= 500 && r.status != http.StatusNotImplemented:
		return c.backoff(n - 1), true
	default:
		return 0, false
	}
}

// reply is the result of one HTTP attempt.
type reply struct {
	status    int
	header    http.Header
	body      []byte
	err       error
	permanent bool // the request could not even be built, which no retry fixes
}

// once makes one HTTP attempt and reads at most maxBodyBytes of the body.
func (c *Client) once(ctx context.Context, op string, n int, build buildFunc) (r reply) {
	req, err := build(ctx)
	if err != nil {
		return reply{err: err, permanent: true}
	}
	req.Header.Set("User-Agent", c.userAgent)

	start := time.Now()
	defer func() {
		attrs := []slog.Attr{
			slog.String("op", op), slog.Int("attempt", n), slog.Int("status", r.status),
			slog.Int64("duration_ms", time.Since(start).Milliseconds()),
		}
		if r.err != nil {
			attrs = append(attrs, slog.String("error", r.err.Error()))
		}
		c.log.LogAttrs(ctx, slog.LevelDebug, "shiprocket call", attrs...)
	}()

	resp, err := c.http.Do(req)
	if err != nil {
		return reply{err: err}
	}
	defer resp.Body.Close()

	r = reply{status: resp.StatusCode, header: resp.Header}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err != nil {
		// The status line arrived but the body broke off: a network error, retried as one.
		r.err = fmt.Errorf("read body: %w", err)
		return r
	}
	if len(body) <= maxBodyBytes {
		r.body = body // a larger body is no real answer; it is treated like one that is not JSON
	}
	return r
}

// retryableError reports whether a transport error may go away on a second try. Errors that
// come from our own context, certificate failures and unknown hosts are final.
func retryableError(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var certErr *tls.CertificateVerificationError
	if errors.As(err, &certErr) {
		return false
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return false
	}
	return true
}

// parseRetryAfter reads a Retry-After value given in seconds or as an HTTP date. A date in the
// past means no wait. It reports false when the header is absent or unreadable.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		// Cap absurd values so the Duration cannot overflow.
		return time.Duration(min(secs, 365*24*3600)) * time.Second, true
	}
	when, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(when.Sub(now), 0), true
}

// url joins the base URL and an API path (which may carry a query).
func (c *Client) url(path string) string { return c.base + path }

// Logout invalidates token on Shiprocket's side. It is best effort: one attempt, no retries, and
// the caller may ignore the error. The error never contains the token.
func (c *Client) Logout(ctx context.Context, token Token) error {
	if token == "" {
		return errors.New("shiprocket: logout: empty token")
	}

	build := func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url(LogoutPath), nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token.Reveal())
		req.Header.Set("Accept", "application/json")
		return req, nil
	}
	r := c.once(ctx, "logout", 1, build)
	if r.err != nil {
		return fmt.Errorf("shiprocket: logout: %w", r.err)
	}
	if r.status < 200 || r.status > 299 {
		return fmt.Errorf("shiprocket: logout: HTTP %d", r.status)
	}
	return nil
}
