package webhook

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
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
	"unicode"

	"github.com/aicofounder/shiprocket-portal/store"
)

// Defaults of Config.
const (
	DefaultRetryFor = 24 * time.Hour
	DefaultTimeout  = 10 * time.Second
	DefaultPoll     = 5 * time.Second
	// firstBackoff doubles after each failed attempt up to maxBackoff.
	firstBackoff = 30 * time.Second
	maxBackoff   = time.Hour
	// maxErrorText caps the error kept with an attempt.
	maxErrorText = 300
)

// Payload is the JSON body of every delivery.
type Payload struct {
	// ID identifies the event; retries and other URLs carry the same one.
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	CreatedAt time.Time `json:"created_at"`
	Seller    Seller    `json:"seller"`
}

// Seller is what a payload says about the seller: never a password or a token.
type Seller struct {
	ID        int64  `json:"id"`
	StoreName string `json:"store_name"`
	Status    string `json:"status"`
	// Reason is why the seller needs action (e.g. wrong_credentials, missing_modules).
	Reason   string `json:"reason,omitempty"`
	APIEmail string `json:"api_email,omitempty"`
	// LastCheckedAt is when Shiprocket was last asked, absent before the first check.
	LastCheckedAt *time.Time `json:"last_checked_at,omitempty"`
}

// Config holds the settings of a Notifier. Zero values take the defaults.
type Config struct {
	// URLs receive every event. With none, the Notifier queues nothing.
	URLs []string
	// Secret signs every delivery; at least MinSecretLen bytes when URLs are set.
	Secret []byte
	// RetryFor is how long a delivery is retried; default 24 h.
	RetryFor time.Duration
	// Timeout bounds one attempt; default 10 s.
	Timeout time.Duration
	// Poll is how often Run looks for due deliveries when nothing wakes it; default 5 s.
	Poll time.Duration
	// UserAgent is sent with every delivery.
	UserAgent string
	// Transport replaces the HTTP transport (tests).
	Transport http.RoundTripper
	// Now is the clock; default time.Now. Tests drive the retry schedule with it.
	Now func() time.Time
	// Jitter returns the random extra wait added to a backoff of d; default up to d/10.
	Jitter func(d time.Duration) time.Duration
}

// Notifier queues and sends webhook deliveries. It is safe for concurrent use; Run and
// DeliverDue should run in one goroutine at a time.
type Notifier struct {
	store *store.Store
	cfg   Config
	http  *http.Client
	log   *slog.Logger
	wake  chan struct{}
}

// New checks cfg and returns a Notifier. It fails when a URL is not an absolute http or https URL
// or the secret is too short.
func New(st *store.Store, cfg Config, log *slog.Logger) (*Notifier, error) {
	for _, u := range cfg.URLs {
		if err := CheckURL(u); err != nil {
			return nil, err
		}
	}
	if len(cfg.URLs) > 0 && len(cfg.Secret) < MinSecretLen {
		return nil, fmt.Errorf("webhook: the signing secret must be at least %d bytes",
			MinSecretLen)
	}
	if cfg.RetryFor <= 0 {
		cfg.RetryFor = DefaultRetryFor
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Poll <= 0 {
		cfg.Poll = DefaultPoll
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "shiprocket-portal-webhooks/1"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Jitter == nil {
		cfg.Jitter = func(d time.Duration) time.Duration { return rand.N(d/10 + 1) }
	}
	transport := cfg.Transport
	if transport == nil {
		transport = newTransport()
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}

	return &Notifier{
		store: st,
		cfg:   cfg,
		log:   log,
		wake:  make(chan struct{}, 1),
		http: &http.Client{
			Transport: transport,
			Timeout:   cfg.Timeout,
			// A redirect is a misconfigured receiver; following it would send the signed
			// payload somewhere nobody configured.
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
	}, nil
}

// CheckURL reports whether u can receive webhooks: an absolute http or https URL without user
// info or fragment. The error never quotes the URL, which may carry a token in its query.
func CheckURL(u string) error {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return errors.New("webhook: a URL is not an absolute http:// or https:// address")
	}
	if p.User != nil || p.Fragment != "" {
		return errors.New("webhook: a URL carries user info or a fragment")
	}
	return nil
}

func newTransport() *http.Transport {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: 10 * time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   2,
	}
}

// Enabled reports whether any URL is configured.
func (n *Notifier) Enabled() bool { return len(n.cfg.URLs) > 0 }

// Deliveries builds one delivery per URL for an event about seller, for the caller to store in
// its own transaction (so the event is queued exactly when the change it reports commits). It
// returns nil when no URL is configured.
func (n *Notifier) Deliveries(eventType string, seller store.Seller,
	at time.Time) ([]store.NewDelivery, error) {
	if !n.Enabled() {
		return nil, nil
	}

	p := Payload{ID: newEventID(), Type: eventType, CreatedAt: at.UTC(), Seller: Seller{
		ID: seller.ID, StoreName: seller.StoreName, Status: string(seller.Status),
		Reason: seller.StatusReason, APIEmail: seller.APIEmail,
	}}
	if !seller.LastCheckedAt.IsZero() {
		t := seller.LastCheckedAt.UTC()
		p.Seller.LastCheckedAt = &t
	}
	body, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode webhook payload: %w", err)
	}

	out := make([]store.NewDelivery, 0, len(n.cfg.URLs))
	for _, u := range n.cfg.URLs {
		out = append(out, store.NewDelivery{EventID: p.ID, EventType: eventType,
			SellerID: seller.ID, URL: u, Payload: string(body), GiveUpAt: at.Add(n.cfg.RetryFor)})
	}
	return out, nil
}

func newEventID() string {
	b := make([]byte, 16)
	crand.Read(b)
	return "evt_" + hex.EncodeToString(b)
}

// Wake tells Run that new deliveries are waiting.
func (n *Notifier) Wake() {
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// Run delivers due deliveries until ctx ends, then returns after the attempt in flight. An
// attempt cut off by a crash is tried again once its lease runs out.
func (n *Notifier) Run(ctx context.Context) error {
	if !n.Enabled() {
		<-ctx.Done()
		return nil
	}
	for {
		if _, err := n.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			n.log.Error("webhook delivery failed", "error", err)
		}

		t := time.NewTimer(n.cfg.Poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-n.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// DeliverDue makes one attempt at every due delivery and returns how many it attempted. It stops
// early, between attempts, when ctx ends.
func (n *Notifier) DeliverDue(ctx context.Context) (int, error) {
	count := 0
	for ctx.Err() == nil {
		d, ok, err := n.store.ClaimDelivery(ctx, n.cfg.Timeout+30*time.Second)
		if err != nil || !ok {
			return count, err
		}
		if err := n.attempt(context.WithoutCancel(ctx), d); err != nil {
			return count, err
		}
		count++
	}
	return count, nil
}

// attempt sends one delivery once and records the result.
func (n *Notifier) attempt(ctx context.Context, d store.Delivery) error {
	now := n.cfg.Now()
	start := time.Now()
	status, errText := n.send(ctx, d, now)
	a := store.DeliveryAttempt{At: now, HTTPStatus: status, Error: errText,
		Duration: time.Since(start)}

	r := store.AttemptResult{Attempt: a, State: store.DeliveryDelivered}
	if status < 200 || status > 299 {
		wait := backoff(d.AttemptCount)
		wait += n.cfg.Jitter(wait)
		r.State, r.NextAttemptAt = store.DeliveryPending, now.Add(wait)
		if !r.NextAttemptAt.Before(d.GiveUpAt) {
			r.State = store.DeliveryFailed
		}
	}
	if err := n.store.RecordAttempt(ctx, d.ID, r); err != nil {
		return err
	}

	log := n.log.With("delivery_id", d.ID, "event_type", d.EventType,
		"seller_id", d.SellerID, "attempt", d.AttemptCount+1, "http_status", status,
		"host", hostOf(d.URL))
	switch r.State {
	case store.DeliveryDelivered:
		log.Info("webhook delivered")
	case store.DeliveryFailed:
		log.Error("webhook gave up", "error", errText)
	default:
		log.Warn("webhook attempt failed", "error", errText,
			"next_attempt_at", r.NextAttemptAt.UTC().Format(time.RFC3339))
	}
	return nil
}

// send posts the delivery, signed for now, and returns the status (0 when none came back) and,
// unless it is a 2xx, a short explanation.
func (n *Notifier) send(ctx context.Context, d store.Delivery, now time.Time) (int, string) {
	body := []byte(d.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(body))
	if err != nil {
		return 0, "cannot build the request"
	}
	ts := now.Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", n.cfg.UserAgent)
	req.Header.Set(HeaderEvent, d.EventType)
	req.Header.Set(HeaderEventID, d.EventID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(n.cfg.Secret, ts, body))

	resp, err := n.http.Do(req)
	if err != nil {
		return 0, describeError(err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))

	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return resp.StatusCode, ""
	}
	text := "receiver answered " + strconv.Itoa(resp.StatusCode)
	if s := cleanText(string(snippet)); s != "" {
		text += ": " + s
	}
	return resp.StatusCode, truncate(text, maxErrorText)
}

// backoff is the wait after the given number of earlier failed attempts plus this one: 30 s,
// then doubling up to an hour.
func backoff(failedBefore int) time.Duration {
	d := firstBackoff
	for i := 0; i < failedBefore && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// describeError says why no answer came back, without the URL (which may hold a token).
func describeError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return "no answer in time"
		}
		err = ue.Err
	}
	return truncate(cleanText(err.Error()), maxErrorText)
}

// cleanText keeps a receiver's text on one line of printable characters.
func cleanText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// hostOf returns the host of a URL for logs; the path and query may hold a token.
func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return p.Host
}
