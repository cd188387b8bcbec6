package handlers

import (
	"compress/gzip"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/aicofounder/shiprocket-portal/static"
	"github.com/aicofounder/shiprocket-portal/views"
)

// The language cookie remembers a seller's choice from the switcher for a year. It holds only
// "en" or "hi".
const (
	langCookie    = "lang"
	langCookieTTL = 365 * 24 * time.Hour
	// langParam is the query parameter of the switcher's links.
	langParam = "lang"
)

// switchTargets maps the seller pages that only answer POST to the page a language switch from
// their result should reload.
var switchTargets = map[string]string{
	"/start": "/",
	"/check": "/status",
	"/link":  "/welcome",
}

// languages picks each seller page's language and puts it in the request's context: the
// switcher's choice (remembered in a cookie), else the browser's Accept-Language, else English.
// A GET with ?lang=hi or ?lang=en stores the choice and reloads the same page without it, so the
// switcher is a plain link that works without JavaScript. Staff pages and the machine API are
// always English and have no switcher.
func languages(cfg Config) echo.MiddlewareFunc {
	cookie := cookieName(cfg, langCookie)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if !localized(r.URL.Path) {
				return next(c)
			}

			if choice, ok := r.URL.Query()[langParam]; ok && isRead(r.Method) {
				if lang, ok := views.ParseLang(strings.Join(choice, "")); ok {
					c.SetCookie(&http.Cookie{
						Name: cookie, Value: string(lang), Path: "/",
						MaxAge: int(langCookieTTL.Seconds()), HttpOnly: true,
						Secure: cfg.secure(), SameSite: http.SameSiteLaxMode,
					})
				}
				q := r.URL.Query()
				q.Del(langParam)
				target := localPath(r.URL.EscapedPath())
				if len(q) > 0 {
					target += "?" + q.Encode()
				}
				return c.Redirect(http.StatusSeeOther, target)
			}

			lang := views.MatchAcceptLanguage(r.Header.Get("Accept-Language"))
			if ck, err := r.Cookie(cookie); err == nil {
				if l, ok := views.ParseLang(ck.Value); ok {
					lang = l
				}
			}

			h := c.Response().Header()
			h.Add(echo.HeaderVary, "Accept-Language")
			h.Set("Content-Language", string(lang))
			ctx := views.WithLocale(r.Context(), views.Locale{Lang: lang, SwitchPath: switchPath(r)})
			c.SetRequest(r.WithContext(ctx))
			return next(c)
		}
	}
}

// localized reports whether a path serves seller pages. Staff pages and the machine API are
// English only; static files and the health check have no language.
func localized(path string) bool {
	return path != "/admin" && !strings.HasPrefix(path, "/admin/") &&
		!strings.HasPrefix(path, "/api/") && !strings.HasPrefix(path, static.Prefix) &&
		path != "/healthz" && path != "/readyz"
}

func isRead(method string) bool {
	return method == http.MethodGet || method == http.MethodHead
}

// switchPath is the page the language switcher reloads: this one, or for the result of a POST
// the page that shows the same thing.
func switchPath(r *http.Request) string {
	path := localPath(r.URL.EscapedPath())
	if isRead(r.Method) {
		return path
	}
	if target, ok := switchTargets[path]; ok {
		return target
	}
	return path
}

// localPath returns path when it is a path on this site, and "/" otherwise: "//host" and "/\host"
// would send a browser to another site.
func localPath(path string) string {
	if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "//") ||
		strings.HasPrefix(path, "/\\") {
		return "/"
	}
	return path
}

// sellerErrorText returns an error page's title and message in the seller's language. It returns
// false for staff and API paths, whose error texts stay as the handler wrote them.
func sellerErrorText(c echo.Context, status int) (title, message string, ok bool) {
	loc := views.LocaleFrom(c.Request().Context())
	if loc.SwitchPath == "" {
		return "", "", false
	}

	t := views.TextsFor(loc.Lang).Errors
	switch {
	case status == http.StatusNotFound || status == http.StatusMethodNotAllowed:
		message = t.NotFound
	case status == http.StatusForbidden:
		message = t.Forbidden
	case status == http.StatusRequestEntityTooLarge:
		message = t.TooLarge
	case status == http.StatusServiceUnavailable:
		message = t.Unavailable
	case status >= 500:
		message = t.Server
	default:
		message = t.BadRequest
	}
	return t.Title(status), message, true
}

// compress gzips responses that are worth it. Static files are skipped: they are compressed once,
// ahead of time, by the static package. So is the machine API, which answers small JSON bodies.
//
// Pages carry secrets (the CSRF token, a resume link once), and compressing a secret next to
// text an attacker chooses can leak it through the response's size (BREACH). Pages here echo only
// what the seller posted themselves, and another site cannot post for them: the CSRF token, the
// Sec-Fetch-Site check and SameSite cookies refuse it.
//
// Level 1 packs a page almost as small as the default level at a third of the CPU, which the
// benchmark (docs/benchmark.md) showed to be a quarter of a wizard page's cost. Only GET is
// compressed: the middleware holds a compressor of some 600 KB from a request's start to its
// end, and a form post mostly answers with a redirect after waiting seconds for Shiprocket, so
// 200 sellers submitting at once held over 100 MB of compressors for nothing.
func compress() echo.MiddlewareFunc {
	return middleware.GzipWithConfig(middleware.GzipConfig{
		Level:     gzip.BestSpeed,
		MinLength: 1024,
		Skipper: func(c echo.Context) bool {
			path := c.Request().URL.Path
			return c.Request().Method != http.MethodGet ||
				strings.HasPrefix(path, static.Prefix) || strings.HasPrefix(path, "/api/")
		},
	})
}
