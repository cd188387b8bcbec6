package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aicofounder/shiprocket-portal/jobs"
	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/tokens"
	"github.com/aicofounder/shiprocket-portal/vault"
	"github.com/aicofounder/shiprocket-portal/verify"
	"github.com/aicofounder/shiprocket-portal/webhook"
)

// Limits of the background settings.
const (
	minRecheckInterval = time.Minute
	maxCheckRate       = 600
)

// loadBackgroundConfig reads the settings of background checks and webhooks.
func loadBackgroundConfig(cfg *config, getenv func(string) string) error {
	if v := strings.TrimSpace(getenv("PORTAL_RECHECK_INTERVAL")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < minRecheckInterval {
			return fmt.Errorf("PORTAL_RECHECK_INTERVAL %q: use a duration of at least 1m, "+
				"such as 24h", v)
		}
		cfg.RecheckInterval = d
	}
	if v := strings.TrimSpace(getenv("PORTAL_CHECK_RATE")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxCheckRate {
			return fmt.Errorf("PORTAL_CHECK_RATE %q: use a number of checks per minute "+
				"from 1 to %d", v, maxCheckRate)
		}
		cfg.CheckRate = n
	}

	for _, u := range strings.Split(getenv("PORTAL_WEBHOOK_URLS"), ",") {
		if u = strings.TrimSpace(u); u == "" {
			continue
		}
		if err := webhook.CheckURL(u); err != nil {
			return errors.New("PORTAL_WEBHOOK_URLS: every entry must be an absolute http:// " +
				"or https:// address without user info")
		}
		cfg.WebhookURLs = append(cfg.WebhookURLs, u)
	}
	// The secret is used exactly as given, like PORTAL_SECRET_KEY.
	cfg.WebhookSecret = getenv("PORTAL_WEBHOOK_SECRET")
	if len(cfg.WebhookURLs) > 0 && len(cfg.WebhookSecret) < webhook.MinSecretLen {
		return fmt.Errorf("PORTAL_WEBHOOK_SECRET: set a secret of at least %d characters "+
			"to sign webhooks (PORTAL_WEBHOOK_URLS is set)", webhook.MinSecretLen)
	}
	return nil
}

// background is the portal's work outside requests: the job runner that checks credentials
// again, the webhook sender, and the token service behind the machine API.
type background struct {
	runner   *jobs.Runner
	webhooks *webhook.Notifier
	tokens   *tokens.Service
	log      *slog.Logger

	cancel context.CancelFunc
	done   chan struct{}
}

// newBackground wires the runner into checks, so that every check plans the next one.
func newBackground(cfg config, st *store.Store, keys *vault.Keyring, checks *verify.Service,
	log *slog.Logger) (*background, error) {
	notifier, err := webhook.New(st, webhook.Config{
		URLs: cfg.WebhookURLs, Secret: []byte(cfg.WebhookSecret),
		UserAgent: cfg.Brand + " portal webhooks",
	}, log)
	if err != nil {
		return nil, err
	}

	policy := jobs.DefaultPolicy()
	policy.Interval, policy.Jitter = cfg.RecheckInterval, cfg.RecheckInterval/10
	runner := jobs.New(st, checks, notifier, jobs.Config{Policy: policy,
		RatePerMinute: cfg.CheckRate}, log)
	checks.SetHooks(runner)

	return &background{
		runner: runner, webhooks: notifier, log: log,
		tokens: tokens.New(st, keys, checks.Login, log, nil),
		done:   make(chan struct{}),
	}, nil
}

// start retries checks that a crash cut off, puts back lost jobs, and starts the loops. They run
// until stop, not until ctx ends, so that shutdown can order them.
func (b *background) start(ctx context.Context) error {
	if err := b.runner.Resume(ctx); err != nil {
		return fmt.Errorf("resume background jobs: %w", err)
	}

	loopCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	b.cancel = cancel
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); b.runner.Run(loopCtx) }()
	go func() { defer wg.Done(); b.webhooks.Run(loopCtx) }()
	go func() { wg.Wait(); close(b.done) }()

	b.log.Info("background checks started", "webhooks", b.webhooks.Enabled())
	return nil
}

// stop asks the loops to stop and waits for the work in flight until ctx ends. Work still
// running then is left behind: its lease runs out and it is picked up after the next start.
func (b *background) stop(ctx context.Context) {
	if b.cancel == nil {
		return
	}
	b.cancel()
	select {
	case <-b.done:
		b.log.Info("background checks stopped")
	case <-ctx.Done():
		b.log.Warn("background work still running at shutdown; it resumes after the next start")
	}
}

// shutdown stops accepting connections, then waits, until ctx ends, for the requests in flight
// and the background work in flight to finish. Both are bounded by ctx.
func shutdown(ctx context.Context, srv *http.Server, bg *background, log *slog.Logger) error {
	stopped := make(chan struct{})
	go func() {
		bg.stop(ctx)
		close(stopped)
	}()

	err := srv.Shutdown(ctx)
	<-stopped
	if err != nil {
		log.Warn("requests still running at shutdown", "error", err)
	}
	return err
}
