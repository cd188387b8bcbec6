package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/verify"
	"github.com/aicofounder/shiprocket-portal/views"
)

// maxNoteLen bounds an internal note, in characters.
const maxNoteLen = 2000

// seller shows everything known about one seller: the record, who looks after it, the latest
// check item by item, every check attempt, the timeline with the notes, and the actions. The
// stored password and any Shiprocket token never reach this page: they are not in the records it
// reads. Every view is written to the audit log.
func (h *staffHandler) seller(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.store.Seller(c.Request().Context(), id); err != nil {
		return notFound(err)
	}

	err = h.store.AddAudit(c.Request().Context(), actor(c), store.AuditSellerViewed, id, "")
	if err != nil {
		return err
	}
	return h.renderSeller(c, id, http.StatusOK, views.NoteForm{})
}

// notFound turns the store's ErrNotFound into a 404 and passes other errors on.
func notFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	return err
}

// renderSeller loads and renders a seller's page, with the note form as given.
func (h *staffHandler) renderSeller(c echo.Context, id int64, status int,
	note views.NoteForm) error {
	ctx := c.Request().Context()
	seller, err := h.store.Seller(ctx, id)
	if err != nil {
		return notFound(err)
	}
	sellerCase, err := h.store.Case(ctx, id)
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
	notes, err := h.store.Notes(ctx, id)
	if err != nil {
		return err
	}
	staff, err := h.store.ListStaff(ctx)
	if err != nil {
		return err
	}

	props := views.StaffSellerProps{
		StaffPage: h.staffPage(c, seller.StoreName, views.SectionQueue),
		Seller:    seller, Case: sellerCase, Staff: activeStaff(staff),
		Names: staffNames(staff), Note: note, Now: h.store.Now(),
		Timeline: views.MergeTimeline(events, notes),
	}
	for _, ch := range checks {
		props.Checks = append(props.Checks,
			views.StaffCheck{Check: ch, Report: verify.ParseReport(ch.Report)})
	}
	if len(checks) > 0 {
		// Staff pages are in English; the checklist is the seller's, with its fixes.
		props.Checklist = checklist(views.TextsFor(views.English),
			verify.ParseReport(checks[0].Report))
	}
	return render(c, status, views.StaffSellerPage(props))
}

// sellerPath is the staff page of one seller.
func sellerPath(id int64) string {
	return "/admin/sellers/" + strconv.FormatInt(id, 10)
}

// checkSeller checks the seller's stored password against Shiprocket now and waits for the
// answer; nobody sees the password. The seller pages' limit applies (see cannotCheck).
func (h *staffHandler) checkSeller(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	seller, err := h.store.Seller(ctx, id)
	if err != nil {
		return notFound(err)
	}

	why, err := h.cannotCheck(ctx, seller)
	if err != nil {
		return err
	}
	if why != "" {
		if err := h.store.AddAudit(ctx, actor(c), store.AuditCheckSkipped, id, why); err != nil {
			return err
		}
		h.flash(c, flashWarn, "Not checked: "+why+".", "")
		return redirect(c, sellerPath(id))
	}

	if err := h.store.RecordCheckRequest(ctx, id, actor(c)); err != nil {
		return err
	}
	res, err := h.checks.Recheck(ctx, id, verify.TriggerStaff)
	if verify.IsNoSecret(err) || errors.Is(err, verify.ErrPasswordRefused) ||
		errors.Is(err, store.ErrCheckLimit) {
		h.flash(c, flashWarn, "Not checked: "+skipReason(err)+".", "")
		return redirect(c, sellerPath(id))
	}
	if err != nil {
		return err
	}

	kind := flashOK
	if res.Status != store.StatusVerified {
		kind = flashWarn
	}
	h.flash(c, kind, "Check finished: "+views.OutcomeLabel(res.Check.Outcome)+
		". The seller is now "+strings.ToLower(views.StatusLabel(res.Status))+".", "")
	return redirect(c, sellerPath(id))
}

// assignSeller gives the seller to a staff member, or to nobody.
func (h *staffHandler) assignSeller(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.store.Seller(c.Request().Context(), id); err != nil {
		return notFound(err)
	}
	assignee, ok := parseAssignee(c.FormValue("assignee"))
	if !ok {
		h.flash(c, flashWarn, "Choose who should look after this seller.", "")
		return redirect(c, sellerPath(id))
	}

	n, err := h.store.AssignSellers(c.Request().Context(), []int64{id}, assignee, actor(c))
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInactive) {
		h.flash(c, flashBad, "That staff member cannot take sellers: the account is gone or "+
			"disabled.", "")
		return redirect(c, sellerPath(id))
	}
	if err != nil {
		return err
	}

	text := "Nothing changed: that was already so."
	if n > 0 {
		text = "Assigned."
		if assignee == 0 {
			text = "Nobody looks after this seller now."
		}
	}
	h.flash(c, flashOK, text, "")
	return redirect(c, sellerPath(id))
}

// addNote appends an internal note. An empty or too long note shows the page again with the
// text kept and a message beside the field.
func (h *staffHandler) addNote(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	body := strings.TrimSpace(c.FormValue("note"))

	msg := ""
	switch {
	case body == "":
		msg = "Write the note first."
	case !utf8.ValidString(body) || strings.ContainsRune(body, 0):
		msg = "Use letters, numbers and punctuation only."
	case utf8.RuneCountInString(body) > maxNoteLen:
		msg = "Keep the note to " + strconv.Itoa(maxNoteLen) + " characters."
	}
	if msg != "" {
		return h.renderSeller(c, id, http.StatusUnprocessableEntity,
			views.NoteForm{Body: clipRunes(body, maxNoteLen*2), Error: msg})
	}

	if _, err := h.store.AddNote(c.Request().Context(), id, body, actor(c)); err != nil {
		return notFound(err)
	}
	h.flash(c, flashOK, "Note added.", "")
	return redirect(c, sellerPath(id))
}

// newSellerLink makes a new resume link for the seller and shows it once, to copy and send;
// the old link stops working at once. Neither link is stored, logged or audited: only the new
// token's hash is kept.
func (h *staffHandler) newSellerLink(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	seller, err := h.store.Seller(ctx, id)
	if err != nil {
		return notFound(err)
	}
	if !seller.ArchivedAt.IsZero() {
		h.flash(c, flashWarn, "This seller is archived: restore it before making a new link.", "")
		return redirect(c, sellerPath(id))
	}

	token, hash := newResumeToken()
	if err := h.store.NewResumeLink(ctx, id, hash, h.cfg.ResumeTTL, actor(c)); err != nil {
		return err
	}
	logger(c).Info("staff made a resume link", "staff_id", currentStaff(c).ID, "seller_id", id)
	h.flash(c, flashOK, "New resume link made; the old one no longer works. Copy it now and "+
		"send it to the seller: it is shown only this once.", h.resumeLink(token))
	return redirect(c, sellerPath(id))
}

// resumeLink is the address a seller opens to carry on: the base URL, /r/ and the token.
func (h *staffHandler) resumeLink(token string) string {
	return strings.TrimSuffix(h.cfg.BaseURL.String(), "/") + "/r/" + token
}

// clearCredentials deletes the seller's stored password and sends the seller back to the
// credentials form. The form asks for a tick to confirm.
func (h *staffHandler) clearCredentials(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "yes" {
		h.flash(c, flashWarn, "Tick the box to confirm clearing the stored password.", "")
		return redirect(c, sellerPath(id))
	}

	err = h.store.ClearCredentials(c.Request().Context(), id, actor(c))
	if errors.Is(err, store.ErrNoSecret) {
		h.flash(c, flashWarn, "There is no stored password to clear.", "")
		return redirect(c, sellerPath(id))
	}
	if err != nil {
		return notFound(err)
	}
	logger(c).Info("staff cleared credentials", "staff_id", currentStaff(c).ID, "seller_id", id)
	h.flash(c, flashOK, "Stored password deleted. The seller will be asked for the API "+
		"password again.", "")
	return redirect(c, sellerPath(id))
}

// archiveSeller takes the seller out of the queue. The form asks for a tick to confirm.
func (h *staffHandler) archiveSeller(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "yes" {
		h.flash(c, flashWarn, "Tick the box to confirm archiving.", "")
		return redirect(c, sellerPath(id))
	}
	if err := h.store.ArchiveSeller(c.Request().Context(), id, actor(c)); err != nil {
		return notFound(err)
	}
	h.flash(c, flashOK, "Archived. The seller's link no longer opens the portal.", "")
	return redirect(c, sellerPath(id))
}

// restoreSeller puts an archived seller back in the queue.
func (h *staffHandler) restoreSeller(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.store.RestoreSeller(c.Request().Context(), id, actor(c)); err != nil {
		return notFound(err)
	}
	h.flash(c, flashOK, "Restored to the queue.", "")
	return redirect(c, sellerPath(id))
}

// inviteForm shows the form staff use to create a seller themselves.
func (h *staffHandler) inviteForm(c echo.Context) error {
	props := views.InviteProps{StaffPage: h.staffPage(c, "Invite a seller", views.SectionInvite)}
	return render(c, http.StatusOK, views.InvitePage(props))
}

// invite creates a seller from the invite form and shows its resume link once, on the
// seller's page, to send to the seller.
func (h *staffHandler) invite(c echo.Context) error {
	form := views.StartForm{
		StoreName:   strings.TrimSpace(c.FormValue("store_name")),
		ContactName: strings.TrimSpace(c.FormValue("contact_name")),
		LoginEmail:  strings.TrimSpace(c.FormValue("login_email")),
	}

	errs := views.FieldErrors{}
	texts := views.TextsFor(views.English).Start
	checkName(texts, errs, "store_name", form.StoreName, "Enter the store's name.")
	checkName(texts, errs, "contact_name", form.ContactName, "Enter the contact's name.")
	login, err := shiprocket.NormalizeEmail(form.LoginEmail)
	if err != nil {
		errs["login_email"] = "Enter the email the seller logs in to Shiprocket with, like " +
			"name@example.com."
	}
	if len(errs) > 0 {
		if len(form.LoginEmail) > maxEmailLen {
			form.LoginEmail = ""
		}
		props := views.InviteProps{
			StaffPage: h.staffPage(c, "Invite a seller", views.SectionInvite),
			Form:      form, Errors: errs,
		}
		return render(c, http.StatusUnprocessableEntity, views.InvitePage(props))
	}

	token, hash := newResumeToken()
	seller, err := h.store.InviteSeller(c.Request().Context(), store.NewSeller{
		StoreName: form.StoreName, ContactName: form.ContactName, LoginEmail: login,
	}, hash, h.cfg.ResumeTTL, actor(c))
	if err != nil {
		return err
	}
	logger(c).Info("staff invited a seller", "staff_id", currentStaff(c).ID,
		"seller_id", seller.ID)
	h.flash(c, flashOK, "Seller created. Send this link to the seller to start: it is shown "+
		"only this once.", h.resumeLink(token))
	return redirect(c, sellerPath(seller.ID))
}

// skipReason says in plain words why a check did not run.
func skipReason(err error) string {
	switch {
	case errors.Is(err, verify.ErrPasswordRefused):
		return "Shiprocket refused the stored password; the seller must enter a new one"
	case errors.Is(err, store.ErrCheckLimit):
		return "this seller was checked " + strconv.Itoa(store.CheckLimit) +
			" times in the last 15 minutes"
	default:
		return "no stored password"
	}
}
