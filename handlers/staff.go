package handlers

import (
	"errors"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/aicofounder/shiprocket-portal/password"
	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/verify"
	"github.com/aicofounder/shiprocket-portal/views"
)

// Session keys of the staff session. Times are unix seconds by the store's clock.
const (
	keyStaffID      = "staff_id"
	keyStaffVersion = "staff_version" // the account's session_version when signed in
	keyIssuedAt     = "issued_at"
	keySeenAt       = "seen_at"
	// A message for the next page, shown once; the link is a one-time link to copy, if any.
	keyFlashKind = "flash_kind"
	keyFlashText = "flash_text"
	keyFlashLink = "flash_link"
)

// Limits of the staff pages.
const (
	staffPageSize    = 50
	maxEmailLen      = 254
	maxSearchLen     = 100
	maxLoginPassword = 4 * password.MaxLength // bytes: 128 characters of up to 4 bytes
	staffHome        = "/admin"
	staffLoginPath   = "/admin/login"
	staffContextKey  = "staff"
	// defaultStuckAfter is how long without activity makes a seller stuck when the
	// configuration does not say.
	defaultStuckAfter = 3 * 24 * time.Hour
)

// staffHandler serves the staff side: sign-in, the review queue, a seller's page and its
// actions, staff management and the audit log. Its methods are spread over the staff*.go files,
// one per part of the staff side.
type staffHandler struct {
	cfg      Config
	store    *store.Store
	checks   *verify.Service
	sessions *sessionStores
	log      *slog.Logger

	// logins counts failed sign-ins per account and per address; its zero value is ready.
	logins loginGuard
	// bulkChecks runs one bulk "check again" at a time, so staff never fire a burst of
	// Shiprocket logins for many sellers at once.
	bulkChecks sync.Mutex
}

// dummyHash is hashed against when the email is unknown, so a wrong email takes as long as a
// wrong password and does not tell which accounts exist.
var dummyHash = sync.OnceValue(func() string {
	h, _ := password.Hash("no account has this password")
	return h
})

// require lets a request through only with a live staff session: the cookie decodes, the
// account exists, is active and has not ended its sessions since, and the session is neither
// idle for more than 30 minutes nor older than 12 hours. Each request refreshes the idle
// timer. Anything else goes to the sign-in page.
//
// The session is saved once, just before the response is written, so a handler changes it (a
// message for the next page, say) without saving it again.
func (h *staffHandler) require(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		sess := h.sessions.staffSession(c)
		staff, reason, err := h.current(c, sess)
		if err != nil {
			return err
		}
		if reason != "" {
			return h.toLogin(c, sess, reason)
		}

		sess.Values[keySeenAt] = h.store.Now().Unix()
		c.Response().Before(func() {
			if err := saveSession(c, sess); err != nil {
				logger(c).Error("save staff session", "error", err)
			}
		})

		c.Set(staffContextKey, staff)
		return next(c)
	}
}

// requireAdmin lets only admins through; it runs after require.
func (h *staffHandler) requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if currentStaff(c).Role != store.RoleAdmin {
			return echo.NewHTTPError(http.StatusForbidden,
				"Only admins can open this page. Ask an admin if you need something here.")
		}
		return next(c)
	}
}

// current checks the session against the clock and the account. It returns the account, or
// the reason the session is refused.
func (h *staffHandler) current(c echo.Context, sess *sessions.Session) (store.Staff, string,
	error) {
	id := sessionInt(sess, keyStaffID)
	if id == 0 {
		return store.Staff{}, "no_session", nil
	}

	// The store's clock, which tests can set, decides both timeouts.
	now := h.store.Now()
	if now.Sub(time.Unix(sessionInt(sess, keyIssuedAt), 0)) > staffSessionTTL {
		return store.Staff{}, "expired", nil
	}
	if now.Sub(time.Unix(sessionInt(sess, keySeenAt), 0)) > staffIdleTimeout {
		return store.Staff{}, "idle", nil
	}

	staff, err := h.store.StaffByID(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return store.Staff{}, "unknown_account", nil
	}
	if err != nil {
		return store.Staff{}, "", err
	}
	if !staff.Active() {
		return store.Staff{}, "disabled", nil
	}
	if staff.SessionVersion != sessionInt(sess, keyStaffVersion) {
		return store.Staff{}, "ended", nil
	}
	return staff, "", nil
}

// toLogin drops a refused staff cookie and sends the visitor to sign in, coming back to the
// page they asked for. A form post is not repeated after signing in, so it comes back home.
func (h *staffHandler) toLogin(c echo.Context, sess *sessions.Session, reason string) error {
	if _, err := c.Cookie(h.sessions.staffName); err == nil {
		if reason == "no_session" {
			// A cookie without a session in it did not decode: keys changed, expired or forged.
			reason = "unreadable_cookie"
		}
		logger(c).Info("staff session refused", "reason", reason,
			"staff_id", sessionInt(sess, keyStaffID))
		sess.Values = map[any]any{}
		sess.Options.MaxAge = -1
		if err := saveSession(c, sess); err != nil {
			return err
		}
	}

	target := staffLoginPath
	r := c.Request()
	if uri := r.URL.RequestURI(); r.Method == http.MethodGet && uri != staffHome {
		target += "?" + url.Values{"next": {uri}}.Encode()
	}
	return redirect(c, target)
}

// currentStaff returns the account that require loaded.
func currentStaff(c echo.Context) store.Staff {
	s, _ := c.Get(staffContextKey).(store.Staff)
	return s
}

// actor names the signed-in staff member and the client address, for the audit log.
func actor(c echo.Context) store.Actor {
	return store.Actor{StaffID: currentStaff(c).ID, Address: c.RealIP()}
}

func (h *staffHandler) page(c echo.Context, title string) views.Page {
	return views.Page{Title: title, Brand: h.cfg.Brand, CSRF: csrfToken(c), Demo: h.cfg.Demo,
		Staff: currentStaff(c).Name}
}

// staffPage is the frame of a signed-in staff page: the layout, the staff menu with the current
// section marked, and the message left by the previous action, taken from the session.
func (h *staffHandler) staffPage(c echo.Context, title, section string) views.StaffPage {
	staff := currentStaff(c)
	sess := h.sessions.staffSession(c)
	p := views.StaffPage{Page: h.page(c, title), Section: section, StaffID: staff.ID,
		Admin: staff.Role == store.RoleAdmin}
	if text := sessionString(sess, keyFlashText); text != "" {
		p.Flash = views.Flash{Kind: sessionString(sess, keyFlashKind), Text: text,
			Link: sessionString(sess, keyFlashLink)}
		delete(sess.Values, keyFlashKind)
		delete(sess.Values, keyFlashText)
		delete(sess.Values, keyFlashLink)
	}
	return p
}

// The kinds of flash message.
const (
	flashOK   = "ok"
	flashWarn = "warn"
	flashBad  = "bad"
)

// flash leaves a message for the next staff page. link, when not empty, is a one-time link
// shown to copy: it travels in the encrypted session cookie and is shown once, never logged.
func (h *staffHandler) flash(c echo.Context, kind, text, link string) {
	sess := h.sessions.staffSession(c)
	sess.Values[keyFlashKind] = kind
	sess.Values[keyFlashText] = text
	if link != "" {
		sess.Values[keyFlashLink] = link
	}
}

// loginForm shows the sign-in form.
func (h *staffHandler) loginForm(c echo.Context) error {
	props := views.StaffLoginProps{
		Page: h.page(c, "Staff sign-in"),
		Next: safeNext(c.QueryParam("next")),
	}
	switch c.QueryParam("done") {
	case "password":
		props.Notice = "Your password is set. Sign in with it."
	case "setup":
		props.Notice = "Your admin account is ready. Sign in with it."
	}
	return render(c, http.StatusOK, views.StaffLoginPage(props))
}

// login checks the email and password and starts a new session. Every refusal shows the same
// message, so the form does not tell which accounts exist. Failures are limited per account
// and per client address (see loginGuard); a refused attempt is answered with 429 and
// Retry-After at once, without checking the password.
func (h *staffHandler) login(c echo.Context) error {
	email := strings.TrimSpace(c.FormValue("email"))
	next := safeNext(c.FormValue("next"))
	account, address := loginAccountKey(email), c.RealIP()
	now := h.cfg.Now()

	if until, scope := h.logins.refused(now, account, address); scope != "" {
		return h.loginLimited(c, email, next, scope, until.Sub(now))
	}

	staff, reason, err := h.authenticate(c, email, c.FormValue("password"))
	if err != nil {
		return err
	}
	if reason != "" {
		h.logins.failed(now, account, address)
		logFailedLogin(logger(c), reason, staff.ID, email, address)
		if len(email) > maxEmailLen {
			email = ""
		}
		props := views.StaffLoginProps{Page: h.page(c, "Staff sign-in"), Email: email,
			Next: next, Failed: true}
		return render(c, http.StatusUnauthorized, views.StaffLoginPage(props))
	}
	h.logins.reset(account)

	unix := h.store.Now().Unix()
	sess := h.sessions.staffSession(c)
	sess.Values = map[any]any{
		keyStaffID: staff.ID, keyStaffVersion: staff.SessionVersion,
		keyIssuedAt: unix, keySeenAt: unix,
	}
	if err := saveSession(c, sess); err != nil {
		return err
	}
	err = h.store.AddAudit(c.Request().Context(), store.Actor{StaffID: staff.ID,
		Address: address}, store.AuditSignedIn, 0, "")
	if err != nil {
		return err
	}
	logger(c).Info("staff login", "staff_id", staff.ID)

	if next == "" {
		next = staffHome
	}
	return redirect(c, next)
}

// loginLimited refuses a sign-in while its account or address is over the limit, saying when
// to try again.
func (h *staffHandler) loginLimited(c echo.Context, email, next, scope string,
	wait time.Duration) error {
	logger(c).Warn("staff login rate limited", "scope", scope, "client", c.RealIP(),
		"retry_after_s", int(wait.Seconds()))

	minutes := int(math.Ceil(wait.Minutes()))
	text := "Too many failed sign-ins for this account. "
	if scope == limitAddress {
		text = "Too many failed sign-ins from your network. "
	}
	text += "Please wait " + strconv.Itoa(minutes) + " minute"
	if minutes != 1 {
		text += "s"
	}
	text += " and try again, or ask an admin to reset your password."

	if len(email) > maxEmailLen {
		email = ""
	}
	c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	props := views.StaffLoginProps{Page: h.page(c, "Staff sign-in"), Email: email, Next: next,
		Limited: text}
	return render(c, http.StatusTooManyRequests, views.StaffLoginPage(props))
}

// authenticate returns the account for a working email and password, or the reason it refuses.
// A password is hashed on every path, so all refusals take about as long.
func (h *staffHandler) authenticate(c echo.Context, email, pw string) (store.Staff, string,
	error) {
	addr, err := shiprocket.NormalizeEmail(email)
	if err != nil || pw == "" || len(pw) > maxLoginPassword {
		password.Verify(dummyHash(), pw)
		return store.Staff{}, "invalid_input", nil
	}

	staff, err := h.store.StaffByEmail(c.Request().Context(), addr)
	if errors.Is(err, store.ErrNotFound) {
		password.Verify(dummyHash(), pw)
		return store.Staff{}, "unknown_email", nil
	}
	if err != nil {
		return store.Staff{}, "", err
	}
	if !staff.HasPassword() {
		// A new member, or a reset password: only the one-time link sets one.
		password.Verify(dummyHash(), pw)
		return staff, "no_password", nil
	}

	ok, err := password.Verify(staff.PasswordHash, pw)
	if err != nil {
		logger(c).Error("staff password hash unreadable", "staff_id", staff.ID, "error", err)
		return staff, "unreadable_hash", nil
	}
	if !ok {
		return staff, "wrong_password", nil
	}
	if !staff.Active() {
		return staff, "disabled", nil
	}
	return staff, "", nil
}

// logFailedLogin notes a refused sign-in with the client's address (to see who guesses) and the
// account id when the email matched one, otherwise only the email's domain.
func logFailedLogin(log *slog.Logger, reason string, staffID int64, email, client string) {
	if staffID != 0 {
		log.Warn("staff login failed", "reason", reason, "staff_id", staffID, "client", client)
		return
	}
	domain := ""
	if at := strings.LastIndexByte(email, '@'); at >= 0 {
		domain = clipRunes(strings.ToLower(email[at+1:]), maxEmailLen)
	}
	log.Warn("staff login failed", "reason", reason, "email_domain", domain, "client", client)
}

// safeNext returns next when it is a path on this site, and "" otherwise. It refuses anything a
// browser could read as another host: "//host", "/\host", a scheme, and control characters,
// which browsers drop from URLs ("/\t/host" becomes "//host").
func safeNext(next string) string {
	if len(next) > 2048 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsRune(next, '\\') || !utf8.ValidString(next) {
		return ""
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f {
			return ""
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return ""
	}
	return next
}

// logout ends every session of the account, on every device, and drops the cookie.
func (h *staffHandler) logout(c echo.Context) error {
	staff := currentStaff(c)
	ctx := c.Request().Context()

	if err := h.store.EndStaffSessions(ctx, staff.ID); err != nil {
		return err
	}
	if err := h.store.AddAudit(ctx, actor(c), store.AuditSignedOut, 0, ""); err != nil {
		return err
	}

	// require saves the session just before the response: emptied, it deletes the cookie.
	sess := h.sessions.staffSession(c)
	sess.Values = map[any]any{}
	sess.Options.MaxAge = -1
	logger(c).Info("staff logout", "staff_id", staff.ID)
	return redirect(c, staffLoginPath)
}

// clipRunes returns at most the first n characters of s.
func clipRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// pathID reads a positive decimal id from the named path parameter, written without a sign
// or leading zeros; anything else is a 404.
func pathID(c echo.Context, name string) (int64, error) {
	raw := c.Param(name)
	if !canonicalID(raw) {
		return 0, echo.NewHTTPError(http.StatusNotFound)
	}
	return strconv.ParseInt(raw, 10, 64)
}

// stuckAfter is how long without activity makes a seller stuck.
func (h *staffHandler) stuckAfter() time.Duration {
	if h.cfg.StuckAfter > 0 {
		return h.cfg.StuckAfter
	}
	return defaultStuckAfter
}

// staffNames maps "staff:<id>" actors to names, for timelines and the audit log.
func staffNames(all []store.Staff) map[string]string {
	names := make(map[string]string, len(all))
	for _, s := range all {
		names[store.StaffActor(s.ID)] = s.Name
	}
	return names
}

// activeStaff keeps the accounts that can be assigned sellers.
func activeStaff(all []store.Staff) []store.Staff {
	var out []store.Staff
	for _, s := range all {
		if s.Active() {
			out = append(out, s)
		}
	}
	return out
}
