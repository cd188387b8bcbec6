package handlers

import (
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/aicofounder/shiprocket-portal/password"
	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/views"
)

// Staff account limits.
const (
	maxStaffName = 100
	// staffLinkTTL is how long a set-password link for a new member or a reset works.
	staffLinkTTL = 48 * time.Hour
	staffPath    = "/admin/staff"
)

// members lists the staff accounts with the form to add one. Admins only.
func (h *staffHandler) members(c echo.Context) error {
	return h.renderMembers(c, http.StatusOK, views.MemberForm{Role: store.RoleSupport}, nil)
}

func (h *staffHandler) renderMembers(c echo.Context, status int, form views.MemberForm,
	errs views.FieldErrors) error {
	all, err := h.store.ListStaff(c.Request().Context())
	if err != nil {
		return err
	}
	props := views.MembersProps{StaffPage: h.staffPage(c, "Staff", views.SectionStaff),
		Members: all, Form: form, Errors: errs}
	return render(c, status, views.MembersPage(props))
}

// addMember creates an account without a password and shows the one-time link that sets it.
func (h *staffHandler) addMember(c echo.Context) error {
	form := views.MemberForm{
		Email: strings.TrimSpace(c.FormValue("email")),
		Name:  strings.TrimSpace(c.FormValue("name")),
		Role:  c.FormValue("role"),
	}

	errs := views.FieldErrors{}
	email, err := shiprocket.NormalizeEmail(form.Email)
	if err != nil {
		errs["email"] = "Enter the member's email address, like name@example.com."
	}
	switch {
	case form.Name == "":
		errs["name"] = "Enter the member's name."
	case utf8.RuneCountInString(form.Name) > maxStaffName || !utf8.ValidString(form.Name) ||
		strings.ContainsAny(form.Name, "\x00\r\n"):
		errs["name"] = "Use at most 100 letters, numbers and punctuation."
	}
	if form.Role != store.RoleAdmin && form.Role != store.RoleSupport {
		errs["role"] = "Choose admin or support."
	}
	if len(errs) > 0 {
		return h.renderMembers(c, http.StatusUnprocessableEntity, clipMemberForm(form), errs)
	}

	token, hash := newResumeToken()
	member, err := h.store.AddStaffMember(c.Request().Context(), store.NewStaff{Email: email,
		Name: form.Name, Role: form.Role}, hash, staffLinkTTL, actor(c))
	if errors.Is(err, store.ErrDuplicate) {
		errs["email"] = "A staff account with this email already exists."
		return h.renderMembers(c, http.StatusUnprocessableEntity, form, errs)
	}
	if err != nil {
		return err
	}

	logger(c).Info("staff member added", "staff_id", currentStaff(c).ID,
		"member_id", member.ID, "role", member.Role)
	h.flash(c, flashOK, member.Name+" can now set a password with this link. Copy it and send "+
		"it to them: it is shown only this once and works for 48 hours.",
		h.passwordLink(token))
	return redirect(c, staffPath)
}

// clipMemberForm drops overlong values before they are shown back.
func clipMemberForm(f views.MemberForm) views.MemberForm {
	if len(f.Email) > maxEmailLen {
		f.Email = ""
	}
	f.Name = clipRunes(f.Name, maxStaffName*2)
	return f
}

// passwordLink is the address of a one-time set-password link.
func (h *staffHandler) passwordLink(token string) string {
	return strings.TrimSuffix(h.cfg.BaseURL.String(), "/") + "/admin/password/" + token
}

// setRole makes a member an admin or support. The last active admin keeps the role.
func (h *staffHandler) setRole(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	role := c.FormValue("role")
	if role != store.RoleAdmin && role != store.RoleSupport {
		h.flash(c, flashWarn, "Choose admin or support.", "")
		return redirect(c, staffPath)
	}

	err = h.store.SetStaffRole(c.Request().Context(), id, role, actor(c))
	if errors.Is(err, store.ErrLastAdmin) {
		h.flash(c, flashBad, "This is the last active admin: make someone else an admin "+
			"first.", "")
		return redirect(c, staffPath)
	}
	if err != nil {
		return notFound(err)
	}
	h.flash(c, flashOK, "Role changed.", "")
	return redirect(c, staffPath)
}

// disableMember stops an account from signing in and ends its sessions at once. The last
// active admin cannot be disabled.
func (h *staffHandler) disableMember(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}

	err = h.store.DisableStaff(c.Request().Context(), id, actor(c))
	if errors.Is(err, store.ErrLastAdmin) {
		h.flash(c, flashBad, "This is the last active admin: make someone else an admin "+
			"first.", "")
		return redirect(c, staffPath)
	}
	if err != nil {
		return notFound(err)
	}
	logger(c).Info("staff member disabled", "staff_id", currentStaff(c).ID, "member_id", id)
	h.flash(c, flashOK, "Disabled. Every session of that account has ended.", "")
	return redirect(c, staffPath)
}

// enableMember lets a disabled account sign in again.
func (h *staffHandler) enableMember(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.store.EnableStaff(c.Request().Context(), id, actor(c)); err != nil {
		return notFound(err)
	}
	h.flash(c, flashOK, "Enabled.", "")
	return redirect(c, staffPath)
}

// resetMember removes a member's password, ends every session of the account, clears its
// failed sign-ins, and shows a one-time link to set a new password. Admins change their own
// password on the account page instead.
func (h *staffHandler) resetMember(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if id == currentStaff(c).ID {
		h.flash(c, flashWarn, "To change your own password, use My account.", "")
		return redirect(c, staffPath)
	}
	member, err := h.store.StaffByID(ctx, id)
	if err != nil {
		return notFound(err)
	}

	token, hash := newResumeToken()
	if err := h.store.ResetStaffPassword(ctx, id, hash, staffLinkTTL, actor(c)); err != nil {
		return err
	}
	h.logins.reset(loginAccountKey(member.Email))
	logger(c).Info("staff password reset", "staff_id", currentStaff(c).ID, "member_id", id)
	h.flash(c, flashOK, member.Name+"'s password no longer works and every session has ended. "+
		"Send them this link to set a new one: it is shown only this once and works for "+
		"48 hours.", h.passwordLink(token))
	return redirect(c, staffPath)
}

// accountForm shows the form to change one's own password.
func (h *staffHandler) accountForm(c echo.Context) error {
	props := views.AccountProps{StaffPage: h.staffPage(c, "My account", views.SectionAccount),
		Email: currentStaff(c).Email}
	return render(c, http.StatusOK, views.AccountPage(props))
}

// changePassword replaces the signed-in member's password after checking the current one, and
// ends every session of the account, this one included: the member signs in again with the new
// password.
func (h *staffHandler) changePassword(c echo.Context) error {
	staff := currentStaff(c)
	current, pw, confirm := c.FormValue("current"), c.FormValue("password"),
		c.FormValue("confirm")

	errs := newPasswordErrors(pw, confirm)
	if ok, err := password.Verify(staff.PasswordHash, current); err != nil || !ok {
		errs["current"] = "This is not your current password."
	}
	if len(errs) > 0 {
		props := views.AccountProps{
			StaffPage: h.staffPage(c, "My account", views.SectionAccount),
			Email:     staff.Email, Errors: errs,
		}
		return render(c, http.StatusUnprocessableEntity, views.AccountPage(props))
	}

	hash, err := password.Hash(pw)
	if err != nil {
		return err
	}
	if err := h.store.ChangePassword(c.Request().Context(), hash, actor(c)); err != nil {
		return err
	}
	logger(c).Info("staff password changed", "staff_id", staff.ID)

	sess := h.sessions.staffSession(c)
	sess.Values = map[any]any{}
	sess.Options.MaxAge = -1
	return redirect(c, staffLoginPath+"?done=password")
}

// newPasswordErrors checks a new password and its confirmation: 12 to 128 characters, taken
// exactly as typed, and the same twice.
func newPasswordErrors(pw, confirm string) views.FieldErrors {
	errs := views.FieldErrors{}
	if err := password.Validate(pw); err != nil {
		errs["password"] = "Use " + strings.TrimPrefix(err.Error(), "password must be ") + "."
	}
	if pw != confirm {
		errs["confirm"] = "The two passwords are not the same."
	}
	return errs
}
