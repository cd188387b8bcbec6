package handlers

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/verify"
	"github.com/aicofounder/shiprocket-portal/views"
)

// Form limits. The password limit is Shiprocket's generated passwords with a wide margin.
const (
	maxNameLen     = 100
	maxPasswordLen = 256
	stepCredential = views.TotalSteps + 1 // the credentials form counts as the step after the guide
)

// Session keys of the seller session.
const (
	keySellerID = "seller_id"
	// keySellerVersion is the seller's session version when this session began; a new resume
	// link bumps the seller's, which ends this session.
	keySellerVersion = "seller_version"
	keyNewLink       = "new_link" // a just-made resume token, shown once on the welcome page
)

// sellerHandler serves the seller wizard: start, resume link, guided steps, credentials and the
// live check's result.
type sellerHandler struct {
	cfg      Config
	store    *store.Store
	checks   *verify.Service
	sessions *sessionStores
	log      *slog.Logger
	// starts limits new sellers per client address.
	starts *windowLimiter
}

// require loads the seller of the current session, or sends the visitor to the start page.
func (h *sellerHandler) require(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		sess := h.sessions.sellerSession(c)
		id := sessionInt(sess, keySellerID)
		if id == 0 {
			return redirect(c, "/")
		}

		seller, err := h.store.Seller(c.Request().Context(), id)
		ended := err == nil && (!seller.ArchivedAt.IsZero() ||
			sessionInt(sess, keySellerVersion) != seller.SessionVersion)
		if errors.Is(err, store.ErrNotFound) || ended {
			delete(sess.Values, keySellerID)
			if err := saveSession(c, sess); err != nil {
				return err
			}
			return redirect(c, "/")
		}
		if err != nil {
			return err
		}

		c.Set("seller", seller)
		return next(c)
	}
}

func currentSeller(c echo.Context) store.Seller {
	s, _ := c.Get("seller").(store.Seller)
	return s
}

func (h *sellerHandler) page(c echo.Context, title string) views.Page {
	return views.Page{Title: title, Brand: h.cfg.Brand, CSRF: csrfToken(c), Demo: h.cfg.Demo}
}

// texts returns the catalog of the request's language, chosen by the languages middleware.
func texts(c echo.Context) *views.Texts {
	return views.T(c.Request().Context())
}

// start shows the front page.
func (h *sellerHandler) start(c echo.Context) error {
	props := views.StartProps{Page: h.page(c, texts(c).Start.Title)}

	sess := h.sessions.sellerSession(c)
	if id := sessionInt(sess, keySellerID); id != 0 {
		if seller, err := h.store.Seller(c.Request().Context(), id); err == nil &&
			seller.ArchivedAt.IsZero() {
			props.ContinuePath = nextPath(seller)
		}
	}
	return render(c, http.StatusOK, views.StartPage(props))
}

// create makes a seller record, a session and a resume link from the start form.
func (h *sellerHandler) create(c echo.Context) error {
	form := views.StartForm{
		StoreName:   strings.TrimSpace(c.FormValue("store_name")),
		ContactName: strings.TrimSpace(c.FormValue("contact_name")),
		LoginEmail:  strings.TrimSpace(c.FormValue("login_email")),
	}

	t := texts(c).Start
	errs := views.FieldErrors{}
	checkName(t, errs, "store_name", form.StoreName, t.StoreNameMissing)
	checkName(t, errs, "contact_name", form.ContactName, t.ContactNameMissing)
	login, err := shiprocket.NormalizeEmail(form.LoginEmail)
	if err != nil {
		errs["login_email"] = t.LoginEmailInvalid
	}
	if len(errs) > 0 {
		props := views.StartProps{Page: h.page(c, t.Title), Form: form, Errors: errs}
		return render(c, http.StatusUnprocessableEntity, views.StartPage(props))
	}

	if ok, _ := h.starts.Allow(c.RealIP()); !ok {
		logger(c).Warn("start page rate limited", "client", c.RealIP())
		props := views.StartProps{Page: h.page(c, t.Title), Form: form,
			Errors: views.FieldErrors{}, Notice: t.RateLimited}
		return render(c, http.StatusTooManyRequests, views.StartPage(props))
	}

	token, hash := newResumeToken()
	seller, err := h.store.CreateSeller(c.Request().Context(), store.NewSeller{
		StoreName: form.StoreName, ContactName: form.ContactName, LoginEmail: login,
	}, hash, h.cfg.ResumeTTL, store.ActorSeller)
	if err != nil {
		return err
	}
	logger(c).Info("seller started", "seller_id", seller.ID)

	sess := h.sessions.sellerSession(c)
	sess.Values = map[any]any{keySellerID: seller.ID, keySellerVersion: seller.SessionVersion,
		keyNewLink: token}
	if err := saveSession(c, sess); err != nil {
		return err
	}
	return redirect(c, "/welcome")
}

func checkName(t views.StartTexts, errs views.FieldErrors, field, value, missing string) {
	switch {
	case value == "":
		errs[field] = missing
	case utf8.RuneCountInString(value) > maxNameLen:
		errs[field] = t.NameTooLong(maxNameLen)
	case !utf8.ValidString(value) || strings.IndexFunc(value, unsafeInName) >= 0:
		errs[field] = t.NameBadCharacters
	}
}

// unsafeInName reports characters a name never needs and that mislead when shown to staff or
// opened from a CSV: control characters (terminal escapes, line breaks) and the bidirectional
// overrides and isolates that make text read backwards. Joiners stay allowed: Indic scripts and
// emoji use them.
func unsafeInName(r rune) bool {
	return unicode.IsControl(r) || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// welcome shows the resume link once, right after it was made.
func (h *sellerHandler) welcome(c echo.Context) error {
	seller := currentSeller(c)

	sess := h.sessions.sellerSession(c)
	token := sessionString(sess, keyNewLink)
	if token != "" {
		delete(sess.Values, keyNewLink)
		if err := saveSession(c, sess); err != nil {
			return err
		}
	}

	props := views.WelcomeProps{
		Page:        h.page(c, texts(c).Welcome.Title),
		ContactName: seller.ContactName,
		StoreName:   seller.StoreName,
		NextPath:    nextPath(seller),
	}
	if token != "" {
		props.ResumeLink = h.resumeURL(token)
	}
	return render(c, http.StatusOK, views.WelcomePage(props))
}

// newLink replaces the seller's resume link; the old one stops working.
func (h *sellerHandler) newLink(c echo.Context) error {
	seller := currentSeller(c)

	token, hash := newResumeToken()
	err := h.store.ReplaceResumeToken(c.Request().Context(), seller.ID, hash, h.cfg.ResumeTTL,
		store.ActorSeller)
	if err != nil {
		return err
	}
	// Every other session of this seller has just ended; this one carries on.
	seller, err = h.store.Seller(c.Request().Context(), seller.ID)
	if err != nil {
		return err
	}

	sess := h.sessions.sellerSession(c)
	sess.Values[keySellerVersion] = seller.SessionVersion
	sess.Values[keyNewLink] = token
	if err := saveSession(c, sess); err != nil {
		return err
	}
	return redirect(c, "/welcome")
}

// resume signs a seller in through their personal link and sends them where they stopped. The
// redirect also takes the token out of the address bar.
func (h *sellerHandler) resume(c echo.Context) error {
	ctx := c.Request().Context()

	seller, err := h.store.SellerByResumeToken(ctx, hashToken(c.Param("token")))
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrExpired) ||
		(err == nil && !seller.ArchivedAt.IsZero()) {
		logger(c).Warn("resume link refused", "expired", errors.Is(err, store.ErrExpired))
		props := views.ResumeProblemProps{
			Page:    h.page(c, texts(c).Resume.Title),
			Expired: errors.Is(err, store.ErrExpired),
		}
		return render(c, http.StatusNotFound, views.ResumeProblemPage(props))
	}
	if err != nil {
		return err
	}

	if err := h.store.AddEvent(ctx, store.Event{SellerID: seller.ID, Kind: store.EventResumed,
		Actor: store.ActorSeller}); err != nil {
		return err
	}
	if err := h.store.Touch(ctx, seller.ID); err != nil {
		return err
	}

	sess := h.sessions.sellerSession(c)
	sess.Values = map[any]any{keySellerID: seller.ID, keySellerVersion: seller.SessionVersion}
	if err := saveSession(c, sess); err != nil {
		return err
	}
	logger(c).Info("seller resumed", "seller_id", seller.ID)
	return redirect(c, nextPath(seller))
}

// step shows one guided step and records that the seller reached it.
func (h *sellerHandler) step(c echo.Context) error {
	seller := currentSeller(c)
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n < 1 || n > views.TotalSteps {
		return echo.NewHTTPError(http.StatusNotFound)
	}

	if err := h.store.ReachStep(c.Request().Context(), seller.ID, n, false); err != nil {
		return err
	}

	t := texts(c)
	props := views.StepProps{
		Page:       h.page(c, t.Steps[n-1].Title),
		N:          n,
		Reached:    max(seller.Step, n),
		LoginEmail: seller.LoginEmail,
		Modules:    moduleLabels(),
	}
	alias, err := shiprocket.APIUserEmail(seller.LoginEmail)
	props.Alias, props.AliasProblem = alias, aliasProblem(t, err)
	return render(c, http.StatusOK, views.StepPage(props))
}

// aliasFor returns the API user's email computed from a login email, or "" when there is none.
func aliasFor(login string) string {
	alias, err := shiprocket.APIUserEmail(login)
	if err != nil {
		return ""
	}
	return alias
}

// aliasProblem says in the seller's language why no "+api" address could be made.
func aliasProblem(t *views.Texts, err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, shiprocket.ErrNonASCIILocal):
		return t.Guide.AliasNonASCII
	case errors.Is(err, shiprocket.ErrAliasTooLong):
		return t.Guide.AliasTooLong
	default:
		return t.Guide.AliasInvalid
	}
}

func moduleLabels() []string {
	var out []string
	for _, a := range shiprocket.Areas() {
		out = append(out, a.Label)
	}
	return out
}

// nextPath is where a seller should be sent to carry on from where they are.
func nextPath(s store.Seller) string {
	switch s.Status {
	case store.StatusVerified:
		return "/done"
	case store.StatusNeedsAction:
		if fixInForm(s.StatusReason) {
			return "/credentials"
		}
		return "/status"
	case store.StatusCheckPending:
		return "/status"
	case store.StatusAwaitingPassword:
		return "/credentials"
	}
	if s.Step >= 1 && s.Step <= views.TotalSteps {
		return "/steps/" + strconv.Itoa(s.Step)
	}
	return "/steps/1"
}

// fixInForm reports whether a failure is fixed by typing different credentials.
func fixInForm(reason string) bool {
	return reason == string(shiprocket.OutcomeWrongCredentials) ||
		reason == string(shiprocket.OutcomeValidation)
}

// newResumeToken returns a fresh 256-bit resume token and the hash that is stored.
func newResumeToken() (string, []byte) {
	b := make([]byte, 32)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

func (h *sellerHandler) resumeURL(token string) string {
	base := strings.TrimSuffix(h.cfg.BaseURL.String(), "/")
	return base + "/r/" + token
}
