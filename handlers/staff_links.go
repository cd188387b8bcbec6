package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/aicofounder/shiprocket-portal/password"
	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/views"
)

// firstAdminTTL is how long the first-run set-up link works.
const firstAdminTTL = time.Hour

// FirstAdminLink returns a one-time link that creates the first admin in the browser, valid for
// an hour, when no staff account exists; once one does, it returns "". The link is a secret:
// the caller shows it to the operator once (the portal logs it at start-up) and nowhere else.
// Each call replaces the previous link.
func FirstAdminLink(ctx context.Context, st *store.Store, base *url.URL) (string, error) {
	exists, err := st.HasStaff(ctx)
	if err != nil || exists {
		return "", err
	}

	token, hash := newResumeToken()
	err = st.CreateFirstAdminLink(ctx, hash, firstAdminTTL)
	if errors.Is(err, store.ErrStaffExists) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(base.String(), "/") + "/admin/setup/" + token, nil
}

// linkProblem answers a set-password or set-up link that cannot be used, saying what to do
// instead.
func (h *staffHandler) linkProblem(c echo.Context, err error, setup bool) error {
	if !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrExpired) &&
		!errors.Is(err, store.ErrInactive) && !errors.Is(err, store.ErrStaffExists) {
		return err
	}
	logger(c).Warn("staff link refused", "setup", setup, "expired",
		errors.Is(err, store.ErrExpired))
	props := views.LinkProblemProps{Page: h.page(c, "Link not working"), Setup: setup,
		Expired:     errors.Is(err, store.ErrExpired),
		StaffExists: errors.Is(err, store.ErrStaffExists)}
	return render(c, http.StatusNotFound, views.LinkProblemPage(props))
}

// passwordForm shows the form a one-time set-password link opens.
func (h *staffHandler) passwordForm(c echo.Context) error {
	member, err := h.store.StaffByPasswordLink(c.Request().Context(), hashToken(c.Param("token")))
	if err != nil {
		return h.linkProblem(c, err, false)
	}
	props := views.SetPasswordProps{Page: h.page(c, "Set your password"), Name: member.Name,
		Email: member.Email}
	return render(c, http.StatusOK, views.SetPasswordPage(props))
}

// setPassword sets a password through a one-time link, which then stops working. Every session
// of the account ends and its failed sign-ins are forgotten; the member signs in afresh.
func (h *staffHandler) setPassword(c echo.Context) error {
	ctx := c.Request().Context()
	hash := hashToken(c.Param("token"))
	member, err := h.store.StaffByPasswordLink(ctx, hash)
	if err != nil {
		return h.linkProblem(c, err, false)
	}

	pw := c.FormValue("password")
	if errs := newPasswordErrors(pw, c.FormValue("confirm")); len(errs) > 0 {
		props := views.SetPasswordProps{Page: h.page(c, "Set your password"), Name: member.Name,
			Email: member.Email, Errors: errs}
		return render(c, http.StatusUnprocessableEntity, views.SetPasswordPage(props))
	}

	pwHash, err := password.Hash(pw)
	if err != nil {
		return err
	}
	member, err = h.store.SetPasswordByLink(ctx, hash, pwHash, c.RealIP())
	if err != nil {
		return h.linkProblem(c, err, false)
	}
	h.logins.reset(loginAccountKey(member.Email))
	logger(c).Info("staff password set through a link", "member_id", member.ID)
	return redirect(c, staffLoginPath+"?done=password")
}

// setupForm shows the first-run form that creates the first admin.
func (h *staffHandler) setupForm(c echo.Context) error {
	if err := h.store.CheckFirstAdminLink(c.Request().Context(),
		hashToken(c.Param("token"))); err != nil {
		return h.linkProblem(c, err, true)
	}
	props := views.SetupProps{Page: h.page(c, "Create the first admin")}
	return render(c, http.StatusOK, views.SetupPage(props))
}

// setup creates the first admin through the first-run link, which then stops working, as does
// any other set-up link.
func (h *staffHandler) setup(c echo.Context) error {
	ctx := c.Request().Context()
	hash := hashToken(c.Param("token"))
	if err := h.store.CheckFirstAdminLink(ctx, hash); err != nil {
		return h.linkProblem(c, err, true)
	}

	form := views.SetupProps{Page: h.page(c, "Create the first admin"),
		Email: strings.TrimSpace(c.FormValue("email")),
		Name:  strings.TrimSpace(c.FormValue("name"))}
	pw := c.FormValue("password")
	errs := newPasswordErrors(pw, c.FormValue("confirm"))
	email, err := shiprocket.NormalizeEmail(form.Email)
	if err != nil {
		errs["email"] = "Enter your email address, like name@example.com."
	}
	if form.Name == "" || utf8.RuneCountInString(form.Name) > maxStaffName ||
		!utf8.ValidString(form.Name) || strings.ContainsAny(form.Name, "\x00\r\n") {
		errs["name"] = "Enter your name: at most 100 letters, numbers and punctuation."
	}
	if len(errs) > 0 {
		if len(form.Email) > maxEmailLen {
			form.Email = ""
		}
		form.Name = clipRunes(form.Name, maxStaffName*2)
		form.Errors = errs
		return render(c, http.StatusUnprocessableEntity, views.SetupPage(form))
	}

	pwHash, err := password.Hash(pw)
	if err != nil {
		return err
	}
	admin, err := h.store.CreateFirstAdmin(ctx, hash, email, form.Name, pwHash, c.RealIP())
	if err != nil {
		return h.linkProblem(c, err, true)
	}
	logger(c).Info("first admin created", "member_id", admin.ID)
	return redirect(c, staffLoginPath+"?done=setup")
}
