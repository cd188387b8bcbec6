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

// Demo mode keeps its own database and key file unless PORTAL_DB or PORTAL_SECRET_KEY_FILE says
// otherwise, so demo sellers never mix with real ones (the database also records its mode; see
// store.ClaimMode).
const (
	demoDB      = "data/demo.db"
	demoKeyFile = "data/demo.key"
)

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
	dbSet := strings.TrimSpace(getenv("PORTAL_DB")) != ""
	keyFileSet := strings.TrimSpace(getenv("PORTAL_SECRET_KEY_FILE")) != ""
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

	fs := serveFlags(&cfg)
	if err := fs.Parse(args); err != nil {
		// -h is answered by run, on standard output; a mistake gets the usage on stderr.
		if !errors.Is(err, flag.ErrHelp) {
			printUsage(stderr)
		}
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unknown command %q (commands: staff add, keys, apikey, backup; "+
			"run portal --help for the usage)", fs.Arg(0))
	}

	if cfg.Demo && !dbSet {
		cfg.DB = demoDB
	}
	if cfg.Demo && !keyFileSet {
		cfg.SecretKeyFile = demoKeyFile
	}
	return cfg, cfg.check()
}

// serveFlags returns the flags of serving the portal, writing into cfg. It prints nothing
// itself: the usage comes from printUsage.
func serveFlags(cfg *config) *flag.FlagSet {
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&cfg.Demo, "demo", cfg.Demo,
		"run against a built-in fake Shiprocket with demo accounts (PORTAL_DEMO=1), on "+
			demoDB+" and "+demoKeyFile+" unless PORTAL_DB or PORTAL_SECRET_KEY_FILE is set")
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "address to listen on (PORTAL_ADDR)")
	return fs
}

// usageHead and usageCommands frame the serve flags in the output of portal --help.
const (
	usageHead = `usage: portal [-demo] [-addr HOST:PORT]   serve the portal until SIGTERM or SIGINT
       portal COMMAND ARGS...              run a maintenance command and exit

Settings come from PORTAL_* environment variables; README.md lists them.

Serve flags:
`
	usageCommands = `
Commands:
  staff add --email E --name N [--role admin|support]
                    add a staff account; its password is read from standard input
  keys list | keys rotate | keys reseal | keys retire ID
                    show or change the keyring that encrypts stored passwords
  apikey create --name N | apikey revoke --id N | apikey list
                    manage the keys of the machine API (/api/v1)
  backup FILE       write a consistent copy of the database to FILE while the portal serves

"staff add -h", "apikey -h" and "backup -h" explain their command.
`
)

// printUsage writes the usage of the whole program: serving, its flags and the commands.
func printUsage(w io.Writer) error {
	if _, err := io.WriteString(w, usageHead); err != nil {
		return err
	}
	defaults := defaultConfig()
	fs := serveFlags(&defaults)
	fs.SetOutput(w)
	fs.PrintDefaults()
	_, err := io.WriteString(w, usageCommands)
	return err
}

func (c *config) check() error {
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("PORTAL_ADDR %q: use host:port, such as 127.0.0.1:8080", c.Addr)
	}
	if err := checkHTTPURL(c.ShiprocketURL); err != nil {
		return fmt.Errorf("PORTAL_SHIPROCKET_URL %q: %w", c.ShiprocketURL, err)
	}
	if strings.TrimSpace(c.Brand) == "" {
		return errors.New("PORTAL_BRAND must not be empty")
	}
	return c.checkBaseURL(host)
}

// checkBaseURL checks the public address that resume and set-password links are built on. Left
// empty, it is filled in from the listening address once that is known, which only works when
// the address names one host: a link to http://0.0.0.0:8080 or http://[::]:8080 leads nowhere.
func (c *config) checkBaseURL(listenHost string) error {
	if c.BaseURL == "" {
		if unspecifiedHost(listenHost) {
			return fmt.Errorf("PORTAL_BASE_URL: set the portal's public address, such as "+
				"https://portal.example.com; PORTAL_ADDR %q listens on every interface, so "+
				"links to the portal cannot be built from it", c.Addr)
		}
		return nil
	}

	if err := checkHTTPURL(c.BaseURL); err != nil {
		return fmt.Errorf("PORTAL_BASE_URL %q: %w", c.BaseURL, err)
	}
	// Routes, cookies and links all start at "/": the portal cannot live under a path.
	if u, _ := url.Parse(c.BaseURL); u.Path != "" && u.Path != "/" {
		return fmt.Errorf("PORTAL_BASE_URL %q: serving under a path is not supported; use "+
			"the address's root, such as %s://%s, on a host name of its own", c.BaseURL,
			u.Scheme, u.Host)
	}
	return nil
}

// unspecifiedHost reports whether a listening host means every interface: empty, 0.0.0.0 or ::.
func unspecifiedHost(host string) bool {
	if host == "" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsUnspecified()
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
