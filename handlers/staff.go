package handlers

import (
	"errors"
	"log/slog"
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
)

// staffHandler serves the staff side: sign-in, sign-out, the sellers list and a seller's
// details.
type staffHandler struct {
	cfg      Config
	store    *store.Store
	checks   *verify.Service
	sessions *sessionStores
	log      *slog.Logger
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
		if err := saveSession(c, sess); err != nil {
			return err
		}

		c.Set(staffContextKey, staff)
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

func (h *staffHandler) page(c echo.Context, title string) views.Page {
	return views.Page{Title: title, Brand: h.cfg.Brand, CSRF: csrfToken(c), Demo: h.cfg.Demo,
		Staff: currentStaff(c).Name}
}

// loginForm shows the sign-in form.
func (h *staffHandler) loginForm(c echo.Context) error {
	props := views.StaffLoginProps{
		Page: h.page(c, "Staff sign-in"),
		Next: safeNext(c.QueryParam("next")),
	}
	return render(c, http.StatusOK, views.StaffLoginPage(props))
}

// login checks the email and password and starts a new session. Every refusal shows the same
// message, so the form does not tell which accounts exist.
//
// Failed sign-ins are not rate limited yet: someone can keep guessing a staff password at the
// speed argon2id allows, until a limit per account and per address is added here.
func (h *staffHandler) login(c echo.Context) error {
	email := strings.TrimSpace(c.FormValue("email"))
	next := safeNext(c.FormValue("next"))

	staff, reason, err := h.authenticate(c, email, c.FormValue("password"))
	if err != nil {
		return err
	}
	if reason != "" {
		logFailedLogin(logger(c), reason, staff.ID, email)
		if len(email) > maxEmailLen {
			email = ""
		}
		props := views.StaffLoginProps{Page: h.page(c, "Staff sign-in"), Email: email,
			Next: next, Failed: true}
		return render(c, http.StatusUnauthorized, views.StaffLoginPage(props))
	}

	now := h.store.Now().Unix()
	sess := h.sessions.staffSession(c)
	sess.Values = map[any]any{
		keyStaffID: staff.ID, keyStaffVersion: staff.SessionVersion,
		keyIssuedAt: now, keySeenAt: now,
	}
	if err := saveSession(c, sess); err != nil {
		return err
	}
	logger(c).Info("staff login", "staff_id", staff.ID)

	if next == "" {
		next = staffHome
	}
	return redirect(c, next)
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

// logFailedLogin notes a refused sign-in with the account id when the email matched one, and
// otherwise only the email's domain.
func logFailedLogin(log *slog.Logger, reason string, staffID int64, email string) {
	if staffID != 0 {
		log.Warn("staff login failed", "reason", reason, "staff_id", staffID)
		return
	}
	domain := ""
	if at := strings.LastIndexByte(email, '@'); at >= 0 {
		domain = clipRunes(strings.ToLower(email[at+1:]), maxEmailLen)
	}
	log.Warn("staff login failed", "reason", reason, "email_domain", domain)
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

	if err := h.store.EndStaffSessions(c.Request().Context(), staff.ID); err != nil {
		return err
	}

	sess := h.sessions.staffSession(c)
	sess.Values = map[any]any{}
	sess.Options.MaxAge = -1
	if err := saveSession(c, sess); err != nil {
		return err
	}
	logger(c).Info("staff logout", "staff_id", staff.ID)
	return redirect(c, staffLoginPath)
}

// sellers lists sellers, most recent activity first, a page at a time. The query may filter by
// status, search names and emails, and continue after a cursor ("before").
func (h *staffHandler) sellers(c echo.Context) error {
	filter := store.ListFilter{Limit: staffPageSize + 1}
	if s := store.Status(c.QueryParam("status")); knownStatus(s) {
		filter.Status = s
	}
	filter.Query = clipRunes(strings.TrimSpace(c.QueryParam("q")), maxSearchLen)
	if cur, ok := parseCursor(c.QueryParam("before")); ok {
		filter.After = &cur
	}

	rows, err := h.store.ListSellers(c.Request().Context(), filter)
	if err != nil {
		return err
	}

	props := views.StaffListProps{
		Page:   h.page(c, "Sellers"),
		Status: string(filter.Status),
		Query:  filter.Query,
	}
	if filter.After != nil {
		props.NewestPath = listPath(filter.Status, filter.Query, "")
	}
	if len(rows) > staffPageSize {
		rows = rows[:staffPageSize]
		last := rows[len(rows)-1]
		props.OlderPath = listPath(filter.Status, filter.Query,
			formatCursor(last.LastActivityAt, last.ID))
	}
	props.Rows = rows
	return render(c, http.StatusOK, views.StaffListPage(props))
}

func knownStatus(s store.Status) bool {
	switch s {
	case store.StatusNotStarted, store.StatusInProgress, store.StatusAwaitingPassword,
		store.StatusCheckPending, store.StatusNeedsAction, store.StatusVerified:
		return true
	}
	return false
}

// listPath builds a sellers list address that keeps the filter.
func listPath(status store.Status, query, before string) string {
	v := url.Values{}
	if status != "" {
		v.Set("status", string(status))
	}
	if query != "" {
		v.Set("q", query)
	}
	if before != "" {
		v.Set("before", before)
	}
	if len(v) == 0 {
		return staffHome
	}
	return staffHome + "?" + v.Encode()
}

// formatCursor writes a list position as "<last activity in unix microseconds>-<seller id>".
// Stored times have microsecond precision, so the position is exact.
func formatCursor(at time.Time, id int64) string {
	return strconv.FormatInt(at.UnixMicro(), 10) + "-" + strconv.FormatInt(id, 10)
}

// parseCursor reads formatCursor's form; anything else means the first page.
func parseCursor(s string) (store.Cursor, bool) {
	micros, id, ok := strings.Cut(s, "-")
	if !ok {
		return store.Cursor{}, false
	}
	m, err1 := strconv.ParseInt(micros, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || m < 0 || n <= 0 {
		return store.Cursor{}, false
	}
	return store.Cursor{LastActivityAt: time.UnixMicro(m).UTC(), ID: n}, true
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

// seller shows one seller with every check attempt and the timeline. The stored password and
// any Shiprocket token never reach this page: they are not in the records it reads.
func (h *staffHandler) seller(c echo.Context) error {
	ctx := c.Request().Context()
	raw := c.Param("id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != raw {
		return echo.NewHTTPError(http.StatusNotFound)
	}

	seller, err := h.store.Seller(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	checks, err := h.store.Checks(ctx, id)
	if err != nil {
		return err
	}
	events, err := h.store.Events(ctx, id)
	if err != nil {
		return err
	}

	props := views.StaffSellerProps{Page: h.page(c, seller.StoreName), Seller: seller,
		Events: events}
	for _, ch := range checks {
		props.Checks = append(props.Checks,
			views.StaffCheck{Check: ch, Report: verify.ParseReport(ch.Report)})
	}
	return render(c, http.StatusOK, views.StaffSellerPage(props))
}
