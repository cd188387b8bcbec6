// Command portal serves the Shiprocket connection portal: sellers create a Shiprocket API user
// step by step, give its password through a form that checks it live, and staff review everyone's
// progress. See README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"github.com/aicofounder/shiprocket-portal/handlers"
	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/vault"
	"github.com/aicofounder/shiprocket-portal/verify"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	setMemoryLimit(os.Getenv)
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

// run is the whole program: it dispatches to a maintenance command or serves the portal until
// ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader,
	stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "staff":
			if len(args) < 2 || args[1] != "add" {
				return errors.New("staff: use staff add --email E --name N")
			}
			return withStore(ctx, getenv, stderr, func(_ config, st *store.Store) error {
				return runStaffAdd(ctx, st, args[2:], stdin, stdout)
			})
		case "keys":
			cfg, err := loadConfig(nil, getenv, stderr)
			if err != nil {
				return err
			}
			return runKeys(ctx, cfg, args[1:], stdout)
		case "backup":
			return runBackup(ctx, args[1:], getenv, stdout, stderr)
		case "apikey":
			return withStore(ctx, getenv, stderr, func(_ config, st *store.Store) error {
				return runAPIKey(ctx, st, args[1:], stdout)
			})
		case "help":
			return printUsage(stdout)
		}
	}

	cfg, err := loadConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return printUsage(stdout)
	}
	if err != nil {
		return err
	}
	return serve(ctx, cfg, stderr)
}

// withStore runs a maintenance command with the configured database open.
func withStore(ctx context.Context, getenv func(string) string, stderr io.Writer,
	fn func(config, *store.Store) error) error {
	cfg, err := loadConfig(nil, getenv, stderr)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return fmt.Errorf("database %s: %w", cfg.DB, err)
	}
	defer st.Close()

	// A command reads the mode without claiming it: only serving marks a new database.
	owner, err := st.RecordedMode(ctx)
	if err != nil {
		return fmt.Errorf("database %s: %w", cfg.DB, err)
	}
	if owner != "" && owner != configMode(cfg) {
		return otherModeError(cfg.DB, owner)
	}
	return fn(cfg, st)
}

// serve opens everything the portal needs, checks it, and serves until ctx ends.
func serve(ctx context.Context, cfg config, stderr io.Writer) error {
	log := slog.New(handlers.WithRequestID(
		slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel})))

	st, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return fmt.Errorf("database %s: %w", cfg.DB, err)
	}
	defer st.Close()

	// Before anything else is created: a database of the other mode, or one that cannot be
	// written, stops the start here.
	if err := claimMode(ctx, st, cfg); err != nil {
		return err
	}

	keys, err := loadKeys(cfg, log)
	if err != nil {
		return err
	}
	if err := checkKeysCoverSecrets(ctx, st, keys); err != nil {
		return err
	}

	shiprocketURL := cfg.ShiprocketURL
	if cfg.Demo {
		fake := shiprockettest.NewServer()
		defer fake.Close()
		for _, a := range shiprockettest.DemoAccounts() {
			fake.AddAccount(a)
		}
		shiprocketURL = fake.URL()
		log.Warn("demo mode: using a built-in fake Shiprocket", "shiprocket_url", shiprocketURL)
	}

	client, err := shiprocket.New(shiprocket.Config{
		BaseURL:   shiprocketURL,
		UserAgent: cfg.Brand + " Shiprocket portal",
		Logger:    log,
	})
	if err != nil {
		return fmt.Errorf("PORTAL_SHIPROCKET_URL: %w", err)
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("PORTAL_ADDR %s: %w", cfg.Addr, err)
	}
	defer ln.Close()
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://" + ln.Addr().String()
	}

	checks := verify.New(st, keys, client, log)
	bg, err := newBackground(cfg, st, keys, checks, log)
	if err != nil {
		return err
	}

	base, _ := url.Parse(cfg.BaseURL)
	e, err := handlers.New(handlers.Config{
		Brand:          cfg.Brand,
		BaseURL:        base,
		Demo:           cfg.Demo,
		SessionKeys:    sessionKeys(keys),
		ResumeTTL:      cfg.ResumeTTL,
		TrustedProxies: cfg.TrustedProxies,
		API:            handlers.APIConfig{Tokens: bg.tokens},
		StuckAfter:     time.Duration(cfg.StuckDays) * 24 * time.Hour,
	}, st, checks, log)
	if err != nil {
		return err
	}

	// The set-up link is a secret, logged on purpose: it is the one way to create the first
	// admin in the browser, it works once and only for an hour, and only while no staff
	// account exists. Each start-up without staff prints a new one.
	setup, err := handlers.FirstAdminLink(ctx, st, base)
	if err != nil {
		return err
	}
	if setup != "" {
		log.Warn("no staff account yet: open this one-time link within an hour to create the "+
			"first admin, or use the staff add command", "setup_link", setup)
	}

	stopPprof, err := startPprof(cfg.PprofAddr, log)
	if err != nil {
		return err
	}
	defer stopPprof()

	srv := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		// A credentials check may take up to verify.Budget; the page must outlive it.
		WriteTimeout: verify.Budget + 25*time.Second,
		IdleTimeout:  120 * time.Second,
		ErrorLog:     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	if err := bg.start(ctx); err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("portal listening", "addr", ln.Addr().String(), "base_url", cfg.BaseURL,
		"db", cfg.DB, "brand", cfg.Brand)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}

	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), verify.Budget+5*time.Second)
	defer cancel()
	if err := shutdown(shutdownCtx, srv, bg, log); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// configMode is the mode the configuration starts the portal in.
func configMode(cfg config) store.Mode {
	if cfg.Demo {
		return store.ModeDemo
	}
	return store.ModePortal
}

// claimMode checks that the database belongs to the mode the portal starts in, recording the
// mode in a new database, and proves that the database takes writes (see store.ClaimMode).
func claimMode(ctx context.Context, st *store.Store, cfg config) error {
	owner, err := st.ClaimMode(ctx, configMode(cfg))
	if errors.Is(err, store.ErrOtherMode) {
		return otherModeError(cfg.DB, owner)
	}
	if err != nil {
		return fmt.Errorf("database %s cannot be written (is the file or its directory "+
			"read-only, the disk full, or the file locked by another program?): %w", cfg.DB, err)
	}
	return nil
}

// otherModeError says, in one line, why a database of the other mode is refused and what to
// do instead. Demo sellers' credentials are fake and real sellers' are real: checking either
// against the other Shiprocket would fail them or send them where they must not go.
func otherModeError(db string, owner store.Mode) error {
	if owner == store.ModeDemo {
		return fmt.Errorf("database %s was made by demo mode, which checks credentials against "+
			"a fake Shiprocket: start with -demo (PORTAL_DEMO=1), or set PORTAL_DB to the "+
			"portal's own database", db)
	}
	return fmt.Errorf("database %s belongs to the portal, not to demo mode: leave PORTAL_DB "+
		"unset in demo mode (it then uses %s) or point it at another file", db, demoDB)
}

// loadKeys reads the keyring from PORTAL_SECRET_KEY, or from the key file, creating the file with
// a fresh key on first run.
func loadKeys(cfg config, log *slog.Logger) (*vault.Keyring, error) {
	if cfg.SecretKey != "" {
		keys, err := vault.ParseKeyring(cfg.SecretKey)
		if err != nil {
			return nil, fmt.Errorf("PORTAL_SECRET_KEY: %w", err)
		}
		return keys, nil
	}

	keys, created, err := vault.LoadOrCreateFile(cfg.SecretKeyFile)
	if err != nil {
		return nil, fmt.Errorf("PORTAL_SECRET_KEY_FILE %s: %w", cfg.SecretKeyFile, err)
	}
	if created {
		log.Warn("created a new secret key file; back it up: without it no stored password can be read",
			"path", cfg.SecretKeyFile)
	}
	return keys, nil
}

// checkKeysCoverSecrets refuses to start when a stored secret was sealed with a key the keyring
// lacks: better a loud stop than passwords that silently cannot be read.
func checkKeysCoverSecrets(ctx context.Context, st *store.Store, keys *vault.Keyring) error {
	counts, err := st.SecretCounts(ctx)
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(counts))
	for id := range counts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if !keys.Has(id) {
			return fmt.Errorf("%d stored secrets were sealed with key %q, which the keyring does "+
				"not hold (keyring has %v); restore that key in PORTAL_SECRET_KEY or the key file",
				counts[id], id, keys.IDs())
		}
	}
	return nil
}

// sessionKeys derives cookie key pairs from the keyring, newest key first, so that rotating the
// vault key rotates cookie keys too while cookies signed with the old key still read.
func sessionKeys(keys *vault.Keyring) [][]byte {
	auth := keys.Derive("session-auth", 32)
	enc := keys.Derive("session-encrypt", 32)

	pairs := make([][]byte, 0, 2*len(auth))
	for i := range auth {
		pairs = append(pairs, auth[i], enc[i])
	}
	return pairs
}
