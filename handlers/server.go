// Package handlers serves the portal's web pages: the seller wizard, the credentials check and the
// staff review pages. Routes are listed in routes.go; each resource has its own handler struct.
package handlers

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/aicofounder/shiprocket-portal/static"
	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/verify"
	"github.com/aicofounder/shiprocket-portal/views"
)

// Config holds the settings the web layer needs.
type Config struct {
	// Brand is the platform's display name shown on every page.
	Brand string
	// BaseURL is the portal's public address, used to build resume links.
	BaseURL *url.URL
	// Demo shows the demo banner on every page.
	Demo bool
	// SessionKeys are gorilla/sessions key pairs (authentication key, encryption key), newest
	// first: the first pair signs new cookies, every pair is tried when reading one.
	SessionKeys [][]byte
	// ResumeTTL is how long a resume link works.
	ResumeTTL time.Duration
	// TrustedProxies are the proxies whose X-Forwarded-For is believed; empty means the client
	// address is the connection's peer.
	TrustedProxies []*net.IPNet
	// Now is the clock for rate limits and sessions; nil means time.Now.
	Now func() time.Time
	// StuckAfter is how long a seller goes without activity before the staff queue counts it
	// as stuck; 0 means three days.
	StuckAfter time.Duration
	// API configures the machine API under /api/v1 (see api.go).
	API APIConfig
}

// Limits protecting sellers' Shiprocket accounts and the start page.
const (
	// checkLimit checks per seller within checkWindow: each one is a Shiprocket login, and a burst
	// of failed logins may lock the seller's account.
	checkLimit  = 5
	checkWindow = 15 * time.Minute
	// startLimit new sellers per client address within startWindow. Sellers behind one mobile
	// carrier's NAT share an address, so the limit is loose: it only stops a script.
	startLimit  = 120
	startWindow = time.Hour
)

// secure reports whether the portal is served over https, which turns on Secure cookies, the
// __Host- prefix and HSTS.
func (c Config) secure() bool {
	return c.BaseURL != nil && c.BaseURL.Scheme == "https"
}

// New builds the portal's router with every route and middleware in place.
func New(cfg Config, st *store.Store, checks *verify.Service, log *slog.Logger) (*echo.Echo,
	error) {
	if len(cfg.SessionKeys) < 2 || len(cfg.SessionKeys)%2 != 0 {
		return nil, errors.New("handlers: session keys must come in pairs")
	}
	if cfg.ResumeTTL <= 0 {
		cfg.ResumeTTL = 30 * 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}

	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = errorHandler(cfg, log)
	e.IPExtractor = ipExtractor(cfg.TrustedProxies)

	sess := newSessionStores(cfg)
	sellers := &sellerHandler{cfg: cfg, store: st, checks: checks, sessions: sess, log: log,
		starts: newWindowLimiter(startLimit, startWindow, cfg.Now)}
	staff := &staffHandler{cfg: cfg, store: st, checks: checks, sessions: sess, log: log}
	api := newAPIHandler(cfg.API, st, log)

	e.Pre(headAsGet())
	e.Use(headRestore())
	e.Use(requestLogger(log))
	e.Use(middleware.Recover())
	e.Use(limitReads(readSlots()))
	e.Use(languages(cfg))
	e.Use(compress())
	e.Use(securityHeaders(cfg))
	e.Use(middleware.BodyLimit("64K"))
	e.Use(fetchMetadata())
	e.Use(middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "form:_csrf,header:X-CSRF-Token",
		CookieName:     cookieName(cfg, "csrf"),
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   cfg.secure(),
		CookieSameSite: http.SameSiteStrictMode,
		ErrorHandler:   csrfError,
		// The machine API takes bearer keys, never cookies, so forged requests gain nothing.
		// Static files and health checks take no forms and must not set a cookie.
		Skipper: func(c echo.Context) bool {
			return isAPIPath(c) || cookieless(c.Request().URL.Path)
		},
	}))

	routes(e, sellers, staff, api, st)
	return e, nil
}

// Paths that serve no page: assets and the health checks.
const (
	healthPath = "/healthz"
	readyPath  = "/readyz"
)

// cookieless reports whether a path serves something other than a page, which needs no CSRF
// token and so gets no cookie: static files and the health checks.
func cookieless(path string) bool {
	return strings.HasPrefix(path, static.Prefix) || path == healthPath || path == readyPath
}

// isStaffPath reports whether a path belongs to the staff side.
func isStaffPath(path string) bool {
	return path == staffHome || strings.HasPrefix(path, staffHome+"/")
}

// headKey marks, in the echo context, a HEAD request that headAsGet routes as a GET.
const headKey = "head_as_get"

// headAsGet routes HEAD requests to the GET routes, as HTTP asks of every server: Echo finds
// routes by method, and has no HEAD routes of its own. It runs before routing (Echo.Pre), and
// headRestore gives the request its method back right after, so handlers, logs and net/http,
// which then sends the headers without the body, all see the HEAD the client sent.
func headAsGet() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			// Echo routes the request it was given, so the method is changed in place.
			if r := c.Request(); r.Method == http.MethodHead {
				r.Method = http.MethodGet
				c.Set(headKey, true)
			}
			return next(c)
		}
	}
}

// headRestore undoes headAsGet once the route is found. It is the first middleware after
// routing.
func headRestore() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if head, _ := c.Get(headKey).(bool); head {
				c.Request().Method = http.MethodHead
			}
			return next(c)
		}
	}
}

// requestLogger gives each request an id and a logger carrying it, and logs one line when the
// request ends. It logs the route pattern, never the raw path or query: resume links carry their
// token in the path.
func requestLogger(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			id := newRequestID()
			c.Response().Header().Set(echo.HeaderXRequestID, id)

			// Handlers log through reqLog; other packages log with the request's context and
			// get the id from WithRequestID.
			reqLog := log.With("request_id", id)
			ctx := context.WithValue(c.Request().Context(), requestIDKey{}, id)
			ctx = context.WithValue(ctx, loggerKey{}, reqLog)
			c.SetRequest(c.Request().WithContext(ctx))

			err := next(c)
			if err != nil {
				c.Error(err)
			}

			reqLog.Info("request", "method", c.Request().Method, "route", c.Path(),
				"status", c.Response().Status, "duration_ms", time.Since(start).Milliseconds())
			return nil
		}
	}
}

type loggerKey struct{}

// logger returns the request's logger.
func logger(c echo.Context) *slog.Logger {
	if l, ok := c.Request().Context().Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// readSlots is how many GET and HEAD requests are served at once: a few per core keeps every
// core busy while one request waits for the database, and each slot may hold a page being
// rendered and a compressor of some 800 KB.
func readSlots() int {
	return 4 * runtime.GOMAXPROCS(0)
}

// limitReads serves at most n GET and HEAD requests at once; the others wait their turn, in the
// order they came, for as long as their client waits. Page loads spend CPU, not time waiting,
// so running more of them at once only makes each one slower and multiplies the memory held by
// half-rendered pages and their compressors. Posts are not limited: a credentials check waits
// on Shiprocket for seconds without using the CPU, and must not keep pages waiting. Nor are the
// health checks, so that a busy portal is not taken for a dead one.
func limitReads(n int) echo.MiddlewareFunc {
	slots := make(chan struct{}, n)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if (r.Method != http.MethodGet && r.Method != http.MethodHead) ||
				r.URL.Path == healthPath || r.URL.Path == readyPath {
				return next(c)
			}
			select {
			case slots <- struct{}{}:
			case <-r.Context().Done():
				return echo.NewHTTPError(http.StatusServiceUnavailable,
					"The portal is busy; please try again.")
			}
			defer func() { <-slots }()
			return next(c)
		}
	}
}

// securityHeaders sets the headers every response carries. Pages never run inline script, never
// appear in frames and send no Referer, because resume links carry a token.
func securityHeaders(cfg Config) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			h.Set("Content-Security-Policy", "default-src 'self'; object-src 'none'; "+
				"base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "no-referrer")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			if cfg.secure() {
				h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
			}
			return next(c)
		}
	}
}

// fetchMetadata refuses state-changing requests that a browser marks as coming from another site,
// then removes the header. Echo's CSRF middleware would otherwise let any request that claims
// "Sec-Fetch-Site: same-origin" through without a token; we always want the token as well, so a
// form works the same in every browser and a client that forges the header gains nothing.
func fetchMetadata() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			site := r.Header.Get("Sec-Fetch-Site")
			unsafe := r.Method != http.MethodGet && r.Method != http.MethodHead &&
				r.Method != http.MethodOptions
			if unsafe && (site == "cross-site" || site == "same-site") {
				return echo.NewHTTPError(http.StatusForbidden, "cross-site request refused")
			}
			r.Header.Del("Sec-Fetch-Site")
			return next(c)
		}
	}
}

func csrfError(err error, c echo.Context) error {
	return echo.NewHTTPError(http.StatusForbidden,
		"This form has expired or did not come from this site. Go back, reload the page and try again.")
}

// errorHandler renders every error as a page. 5xx details go to the log at Error and 4xx at Warn;
// the page shows only a plain message, never the internal error text.
func errorHandler(cfg Config, log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}

		status := http.StatusInternalServerError
		message := "Something went wrong on our side. Your earlier answers are saved; please try again in a minute."
		var he *echo.HTTPError
		if errors.As(err, &he) {
			status = he.Code
			if msg, ok := he.Message.(string); ok && status < 500 {
				message = msg
			}
			if status == http.StatusNotFound {
				message = "There is no page at this address."
			}
		}
		if store.IsUnavailable(err) {
			status = http.StatusServiceUnavailable
			message = "We cannot save anything right now: our database is unavailable. " +
				"Nothing was half-saved. Please try again in a few minutes."
		}

		l := logger(c)
		if store.IsUnavailable(err) {
			l.Error("database unavailable: request not saved", "route", c.Path(),
				"status", status, "error", err)
		} else if status >= 500 {
			l.Error("request failed", "route", c.Path(), "status", status, "error", err)
		} else {
			l.Warn("request refused", "route", c.Path(), "status", status, "error", err)
		}

		title := http.StatusText(status)
		if t, m, ok := sellerErrorText(c, status); ok {
			title, message = t, m
		}
		p := views.Page{Title: title, Brand: cfg.Brand, Demo: cfg.Demo,
			CSRF: csrfToken(c)}
		page := views.ErrorPage(p, status, message)
		if isStaffPath(c.Request().URL.Path) {
			// Staff go back to the queue, not to the sellers' start page.
			p.Staff = currentStaff(c).Name
			page = views.StaffErrorPage(p, message)
		}
		if err := render(c, status, page); err != nil {
			l.Error("render error page", "error", err)
		}
	}
}

// render writes a component into a buffer first, so a failed render never sends half a page.
// Every page may show seller data, so none is stored by browsers or proxies.
func render(c echo.Context, status int, component templ.Component) error {
	var buf bytes.Buffer
	if err := component.Render(c.Request().Context(), &buf); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

// csrfToken returns the request's anti-forgery token for forms.
func csrfToken(c echo.Context) string {
	if t, ok := c.Get("csrf").(string); ok {
		return t
	}
	return ""
}

// redirect answers a form post with 303 See Other (post/redirect/get).
func redirect(c echo.Context, path string) error {
	return c.Redirect(http.StatusSeeOther, path)
}
