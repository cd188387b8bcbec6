package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// config is the portal's whole configuration. Every value comes from a PORTAL_ environment
// variable or a flag; defaults are in defaultConfig.
type config struct {
	Addr          string
	DB            string
	ShiprocketURL string
	SecretKey     string
	SecretKeyFile string
	BaseURL       string
	Brand         string
	LogLevel      slog.Level
	Demo          bool
	ResumeTTL     time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For header names the client.
	TrustedProxies []*net.IPNet
	// RecheckInterval is how often verified sellers are checked again in the background.
	RecheckInterval time.Duration
	// CheckRate caps background Shiprocket logins per minute, across all sellers.
	CheckRate int
	// WebhookURLs receive seller events, signed with WebhookSecret.
	WebhookURLs   []string
	WebhookSecret string
	// StuckDays is how many days without activity put a seller in the staff queue's Stuck tab.
	StuckDays int
	// PprofAddr, when set, serves Go's profiler on this loopback address, apart from the
	// portal's own listener; the benchmark uses it (see pprof.go).
	PprofAddr string
}

func defaultConfig() config {
	return config{
		Addr:          "127.0.0.1:8080",
		DB:            "data/portal.db",
		ShiprocketURL: "https://apiv2.shiprocket.in",
		SecretKeyFile: "data/secret.key",
		Brand:         "AI Cofounder",
		LogLevel:      slog.LevelInfo,
		ResumeTTL:     30 * 24 * time.Hour,

		RecheckInterval: 24 * time.Hour,
		CheckRate:       30,
		StuckDays:       3,
	}
}

// loadConfig reads the environment, then the serve flags, and checks the result. Every error is
// one line that names the setting at fault.
func loadConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	cfg := defaultConfig()

	set := func(name string, dst *string) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			*dst = v
		}
	}
	set("PORTAL_ADDR", &cfg.Addr)
	set("PORTAL_DB", &cfg.DB)
	set("PORTAL_SHIPROCKET_URL", &cfg.ShiprocketURL)
	set("PORTAL_SECRET_KEY_FILE", &cfg.SecretKeyFile)
	set("PORTAL_BASE_URL", &cfg.BaseURL)
	set("PORTAL_BRAND", &cfg.Brand)
	set("PORTAL_PPROF", &cfg.PprofAddr)
	// The key itself is not trimmed by set's rules only; ParseKeyring handles its own spacing.
	cfg.SecretKey = getenv("PORTAL_SECRET_KEY")

	proxies, err := parseProxies(getenv("PORTAL_TRUSTED_PROXIES"))
	if err != nil {
		return cfg, err
	}
	cfg.TrustedProxies = proxies

	if err := loadBackgroundConfig(&cfg, getenv); err != nil {
		return cfg, err
	}

	if v := strings.TrimSpace(getenv("PORTAL_STUCK_DAYS")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 365 {
			return cfg, fmt.Errorf("PORTAL_STUCK_DAYS %q: use a whole number of days from 1 "+
				"to 365", v)
		}
		cfg.StuckDays = n
	}

	if v := strings.TrimSpace(getenv("PORTAL_LOG_LEVEL")); v != "" {
		if err := cfg.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return cfg, fmt.Errorf("PORTAL_LOG_LEVEL %q: use debug, info, warn or error", v)
		}
	}
	switch v := strings.TrimSpace(getenv("PORTAL_DEMO")); v {
	case "", "0", "false":
	case "1", "true":
		cfg.Demo = true
	default:
		return cfg, fmt.Errorf("PORTAL_DEMO %q: use 1 or 0", v)
	}

	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&cfg.Demo, "demo", cfg.Demo,
		"run against a built-in fake Shiprocket with demo accounts")
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "address to listen on (PORTAL_ADDR)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unknown command %q (commands: staff add, keys, apikey, backup)",
			fs.Arg(0))
	}

	return cfg, cfg.check()
}

func (c *config) check() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("PORTAL_ADDR %q: use host:port, such as 127.0.0.1:8080", c.Addr)
	}
	if err := checkHTTPURL(c.ShiprocketURL); err != nil {
		return fmt.Errorf("PORTAL_SHIPROCKET_URL %q: %w", c.ShiprocketURL, err)
	}
	// An empty base URL is filled in from the listening address once it is known.
	if c.BaseURL == "" {
		return nil
	}
	if err := checkHTTPURL(c.BaseURL); err != nil {
		return fmt.Errorf("PORTAL_BASE_URL %q: %w", c.BaseURL, err)
	}
	if strings.TrimSpace(c.Brand) == "" {
		return errors.New("PORTAL_BRAND must not be empty")
	}
	return nil
}

func checkHTTPURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("use an absolute http:// or https:// address")
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return errors.New("use an address without query, fragment or user name")
	}
	return nil
}

// parseProxies reads a comma-separated list of addresses or CIDR ranges.
func parseProxies(v string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			ip := net.ParseIP(part)
			if ip == nil {
				return nil, fmt.Errorf("PORTAL_TRUSTED_PROXIES: %q is not an IP address or range", part)
			}
			bits := 32
			if ip.To4() == nil {
				bits = 128
			}
			part = fmt.Sprintf("%s/%d", part, bits)
		}
		_, n, err := net.ParseCIDR(part)
		if err != nil {
			return nil, fmt.Errorf("PORTAL_TRUSTED_PROXIES: %q is not an IP address or range", part)
		}
		out = append(out, n)
	}
	return out, nil
}
