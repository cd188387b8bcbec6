package handlers

import (
	"context"
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

// credentials shows the form for the API user's email and password.
func (h *sellerHandler) credentials(c echo.Context) error {
	return h.credentialsForm(c, false)
}

// changePassword shows the same form on the "I changed my API password" path.
func (h *sellerHandler) changePassword(c echo.Context) error {
	return h.credentialsForm(c, true)
}

func (h *sellerHandler) credentialsForm(c echo.Context, change bool) error {
	ctx := c.Request().Context()
	seller := currentSeller(c)

	if !change && seller.Status == store.StatusVerified {
		// The first-time form would read as starting over; a verified seller changes the password.
		return redirect(c, "/password")
	}
	if !change {
		if err := h.store.ReachStep(ctx, seller.ID, stepCredential, true); err != nil {
			return err
		}
	}

	props, err := h.credentialsProps(ctx, c, seller, change)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.CredentialsPage(props))
}

// credentialsProps builds the form's model: the email prefilled with what the seller last sent
// or the computed alias, and the last check's outcome when it is fixed in this form.
func (h *sellerHandler) credentialsProps(ctx context.Context, c echo.Context, seller store.Seller,
	change bool) (views.CredentialsProps, error) {
	alias := aliasFor(seller.LoginEmail)
	props := views.CredentialsProps{
		Page:       h.page(c, texts(c).Credentials.Title),
		Change:     change,
		APIEmail:   seller.APIEmail,
		LoginEmail: seller.LoginEmail,
		Alias:      alias,
		Errors:     views.FieldErrors{},
	}
	if props.APIEmail == "" {
		props.APIEmail = alias
	}

	if seller.Status == store.StatusNeedsAction && fixInForm(seller.StatusReason) {
		msg, err := h.lastOutcome(ctx, texts(c), seller)
		if err != nil {
			return props, err
		}
		props.Outcome = &msg
	}
	return props, nil
}

// submit validates the form, stores the credentials and checks them with Shiprocket.
func (h *sellerHandler) submit(c echo.Context) error {
	return h.submitCredentials(c, false)
}

// submitChanged takes a new password on the "I changed my API password" path.
func (h *sellerHandler) submitChanged(c echo.Context) error {
	return h.submitCredentials(c, true)
}

func (h *sellerHandler) submitCredentials(c echo.Context, change bool) error {
	ctx := c.Request().Context()
	seller := currentSeller(c)

	// The password is used exactly as typed: never trimmed or altered.
	rawEmail := c.FormValue("api_email")
	password := c.FormValue("password")

	t := texts(c).Credentials
	errs := views.FieldErrors{}
	apiEmail, err := shiprocket.NormalizeEmail(rawEmail)
	switch {
	case strings.TrimSpace(rawEmail) == "":
		errs["api_email"] = t.EmailMissing
	case err != nil:
		errs["api_email"] = t.EmailInvalid
	case shiprocket.SameAddress(apiEmail, seller.LoginEmail):
		errs["api_email"] = t.EmailIsLoginNoAlias
		if alias := aliasFor(seller.LoginEmail); alias != "" {
			errs["api_email"] = t.EmailIsLogin(alias)
		}
	}
	switch {
	case password == "":
		errs["password"] = t.PasswordMissing
	case !utf8.ValidString(password):
		errs["password"] = t.PasswordUnreadable
	case utf8.RuneCountInString(password) > maxPasswordLen:
		errs["password"] = t.PasswordTooLong(maxPasswordLen)
	}

	if len(errs) > 0 {
		props, err := h.credentialsProps(ctx, c, seller, change)
		if err != nil {
			return err
		}
		props.APIEmail = strings.TrimSpace(rawEmail)
		props.Errors = errs
		props.Outcome = nil
		logger(c).Warn("credentials form refused", "seller_id", seller.ID,
			"fields", strings.Join(fieldNames(errs), ","))
		return render(c, http.StatusUnprocessableEntity, views.CredentialsPage(props))
	}

	if wait, err := h.checkBudget(ctx, texts(c), seller.ID); err != nil || wait != "" {
		if err != nil {
			return err
		}
		return h.rerenderCredentials(c, seller, change, rawEmail, http.StatusTooManyRequests, wait)
	}

	// A working connection is only ever replaced by one Shiprocket accepts (Replace behaves as
	// Submit for a seller who is not verified).
	res, kept, err := h.checks.Replace(ctx, seller.ID, apiEmail, password, store.ActorSeller)
	var limited *store.CheckLimitError
	if errors.As(err, &limited) {
		return h.rerenderCredentials(c, seller, change, rawEmail, http.StatusTooManyRequests,
			texts(c).Credentials.RateLimited(store.CheckLimit, texts(c).Clock(limited.RetryAt)))
	}
	if err != nil {
		return err
	}
	if !kept {
		return h.rerenderCredentials(c, seller, true, rawEmail, http.StatusUnprocessableEntity,
			texts(c).Credentials.KeptWorking)
	}
	return redirect(c, pathAfterCheck(res))
}

// rerenderCredentials shows the form again with the typed email and a notice.
func (h *sellerHandler) rerenderCredentials(c echo.Context, seller store.Seller, change bool,
	rawEmail string, status int, notice string) error {
	props, err := h.credentialsProps(c.Request().Context(), c, seller, change)
	if err != nil {
		return err
	}
	props.APIEmail = strings.TrimSpace(rawEmail)
	props.Notice = notice
	return render(c, status, views.CredentialsPage(props))
}

// retry checks the stored credentials again, without asking for the password.
func (h *sellerHandler) retry(c echo.Context) error {
	seller := currentSeller(c)

	wait, err := h.checkBudget(c.Request().Context(), texts(c), seller.ID)
	if err != nil {
		return err
	}
	if wait != "" {
		return h.renderStatus(c, seller, http.StatusTooManyRequests, wait)
	}

	res, err := h.checks.Recheck(c.Request().Context(), seller.ID, verify.TriggerSeller)
	var limited *store.CheckLimitError
	switch {
	case errors.Is(err, store.ErrNoSecret), errors.Is(err, verify.ErrPasswordRefused):
		return redirect(c, "/credentials")
	case errors.As(err, &limited):
		return h.renderStatus(c, seller, http.StatusTooManyRequests,
			texts(c).Credentials.RateLimited(store.CheckLimit, texts(c).Clock(limited.RetryAt)))
	case err != nil:
		return err
	}
	return redirect(c, pathAfterCheck(res))
}

func pathAfterCheck(res verify.Result) string {
	switch {
	case res.Status == store.StatusVerified:
		return "/done"
	case res.Status == store.StatusNeedsAction && fixInForm(res.Reason):
		return "/credentials"
	default:
		return "/status"
	}
}

// status says where the seller stands and what to do next.
func (h *sellerHandler) status(c echo.Context) error {
	seller := currentSeller(c)

	switch seller.Status {
	case store.StatusVerified:
		return redirect(c, "/done")
	case store.StatusNotStarted, store.StatusInProgress, store.StatusAwaitingPassword:
		return redirect(c, nextPath(seller))
	}

	return h.renderStatus(c, seller, http.StatusOK, "")
}

// renderStatus renders the status page; notice explains a refused action.
func (h *sellerHandler) renderStatus(c echo.Context, seller store.Seller, status int,
	notice string) error {
	ctx := c.Request().Context()
	t := texts(c)
	msg, err := h.lastOutcome(ctx, t, seller)
	if err != nil {
		return err
	}

	rep, err := h.lastReport(ctx, seller.ID)
	if err != nil {
		return err
	}

	props := views.StatusProps{
		Page:       h.page(c, t.Status.Title),
		Message:    msg,
		Checklist:  checklist(t, rep),
		APIEmail:   seller.APIEmail,
		CheckedAt:  seller.LastCheckedAt,
		CanRecheck: !fixInForm(seller.StatusReason),
		FixPath:    "/credentials",
		Notice:     notice,
	}
	return render(c, status, views.StatusPage(props))
}

// done confirms a verified connection.
func (h *sellerHandler) done(c echo.Context) error {
	ctx := c.Request().Context()
	seller := currentSeller(c)
	if seller.Status != store.StatusVerified {
		return redirect(c, nextPath(seller))
	}

	props := views.DoneProps{
		Page:      h.page(c, texts(c).Done.Title),
		StoreName: seller.StoreName,
		APIEmail:  seller.APIEmail,
		CheckedAt: seller.LastCheckedAt,
	}

	rep, err := h.lastReport(ctx, seller.ID)
	if err != nil {
		return err
	}
	props.Checklist = checklist(texts(c), rep)
	return render(c, http.StatusOK, views.DonePage(props))
}

// lastOutcome turns the seller's latest check into the message shown to them.
func (h *sellerHandler) lastOutcome(ctx context.Context, t *views.Texts,
	seller store.Seller) (views.Message, error) {
	checks, err := h.store.Checks(ctx, seller.ID)
	if err != nil {
		return views.Message{}, err
	}

	in := views.OutcomeInput{
		Outcome:    store.OutcomeRunning,
		Reason:     seller.StatusReason,
		APIEmail:   seller.APIEmail,
		LoginEmail: seller.LoginEmail,
	}
	if len(checks) > 0 {
		rep := verify.ParseReport(checks[0].Report)
		in.Outcome = checks[0].Outcome
		in.Shiprocket = rep.Message
		for _, m := range rep.Denied() {
			in.Denied = append(in.Denied, m.Label)
		}
	}
	if in.Reason == "" && seller.Status == store.StatusCheckPending && in.Outcome != "" {
		in.Reason = in.Outcome
	}
	return views.OutcomeMessage(t, in), nil
}

func fieldNames(errs views.FieldErrors) []string {
	var out []string
	for k := range errs {
		out = append(out, k)
	}
	return out
}

// lastReport returns the report of the seller's latest check, or a zero Report.
func (h *sellerHandler) lastReport(ctx context.Context, sellerID int64) (verify.Report, error) {
	checks, err := h.store.Checks(ctx, sellerID)
	if err != nil || len(checks) == 0 {
		return verify.Report{}, err
	}
	return verify.ParseReport(checks[0].Report), nil
}

// checklist itemises a check for the seller: the login, each module with the exact box to tick,
// buyer details and the IP rule. A check that never got past the login lists the login alone.
func checklist(t *views.Texts, rep verify.Report) views.Checklist {
	var out views.Checklist
	if rep.Outcome == "" || rep.Outcome == store.OutcomeRunning {
		return out
	}
	ct := t.Checklist

	login := views.ChecklistItem{Label: ct.Login, State: views.CheckOK}
	if rep.Outcome != string(shiprocket.OutcomeVerified) {
		login.State = views.CheckBad
		if !isCredentialProblem(rep.Outcome) {
			login.State = views.CheckUnknown
		}
		out.Items = append(out.Items, login)
		if rep.Outcome == string(shiprocket.OutcomeIPNotAllowed) {
			out.Items = append(out.Items, ipItem(ct, false))
		}
		return out
	}
	out.Items = append(out.Items, login)
	out.MainAccount = rep.MainAccount

	ipBlocked := false
	for _, m := range rep.Modules {
		item := views.ChecklistItem{Label: m.Label}
		switch m.Access {
		case string(shiprocket.AccessGranted):
			item.State = views.CheckOK
		case string(shiprocket.AccessDenied):
			item.State, item.Detail = views.CheckBad, ct.ModuleDenied
			item.Fix = ct.ModuleFix(m.Label)
		case string(shiprocket.AccessIPBlocked):
			ipBlocked = true
			item.State, item.Detail = views.CheckBad, ct.ModuleIPBlocked
		default:
			item.State = views.CheckUnknown
			item.Detail = ct.ModuleUnknown(describeStatus(ct, m.HTTPStatus, m.Message))
		}
		out.Items = append(out.Items, item)
	}

	buyer := views.ChecklistItem{Label: ct.Buyer}
	switch rep.Buyer {
	case string(shiprocket.BuyerVisible):
		buyer.State, buyer.Detail = views.CheckOK, ct.BuyerVisible
	case string(shiprocket.BuyerMasked):
		buyer.State, buyer.Detail = views.CheckBad, ct.BuyerHidden
		buyer.Fix = ct.BuyerFix
	default:
		buyer.State, buyer.Detail = views.CheckUnknown, ct.BuyerUnknown
	}
	out.Items = append(out.Items, buyer, ipItem(ct, !ipBlocked))
	return out
}

func ipItem(ct views.ChecklistTexts, ok bool) views.ChecklistItem {
	item := views.ChecklistItem{Label: ct.IP, State: views.CheckOK, Detail: ct.IPOK}
	if !ok {
		item.State, item.Detail, item.Fix = views.CheckBad, ct.IPBad, ct.IPFix
	}
	return item
}

func isCredentialProblem(outcome string) bool {
	switch shiprocket.Outcome(outcome) {
	case shiprocket.OutcomeWrongCredentials, shiprocket.OutcomeMFARequired,
		shiprocket.OutcomeIPNotAllowed, shiprocket.OutcomeValidation:
		return true
	}
	return false
}

// describeStatus sums up a module probe's answer: its HTTP status and Shiprocket's message.
func describeStatus(ct views.ChecklistTexts, status int, message string) string {
	s := ct.NoAnswer
	if status > 0 {
		s = "HTTP " + strconv.Itoa(status)
	}
	if message != "" {
		s += ": " + message
	}
	return s
}

// checkBudget enforces checkLimit. It returns a message, in the seller's language, saying when to
// try again once the seller has used up the window, or "" when a check may run.
func (h *sellerHandler) checkBudget(ctx context.Context, t *views.Texts, sellerID int64) (string,
	error) {
	now := h.cfg.Now()
	n, oldest, err := h.store.CountChecksSince(ctx, sellerID, now.Add(-checkWindow))
	if err != nil || n < checkLimit {
		return "", err
	}
	h.log.WarnContext(ctx, "seller check rate limited", "seller_id", sellerID, "checks", n)
	return t.Credentials.RateLimited(n, t.Clock(oldest.Add(checkWindow))), nil
}
