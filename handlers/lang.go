package handlers

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

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
