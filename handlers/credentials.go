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
	alias, _ := aliasFor(seller.LoginEmail)
	props := views.CredentialsProps{
		Page:       h.page(c, "API email and password"),
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
		msg, err := h.lastOutcome(ctx, seller)
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

	errs := views.FieldErrors{}
	apiEmail, err := shiprocket.NormalizeEmail(rawEmail)
	switch {
	case strings.TrimSpace(rawEmail) == "":
		errs["api_email"] = "Enter the API user's email."
	case err != nil:
		errs["api_email"] = "Enter a valid email address, like name+api@example.com."
	case shiprocket.SameAddress(apiEmail, seller.LoginEmail):
		errs["api_email"] = "This is your Shiprocket login email. Shiprocket refuses an API user " +
			"with the same email: use the API user's own address, such as " +
			firstNonEmpty(aliasOnly(seller.LoginEmail), "your email with +api before the @") + "."
	}
	switch {
	case password == "":
		errs["password"] = "Enter the password from Shiprocket's email."
	case !utf8.ValidString(password):
		errs["password"] = "The password has characters that could not be read. Copy it again from the email."
	case utf8.RuneCountInString(password) > maxPasswordLen:
		errs["password"] = "This is longer than any Shiprocket password (at most 256 characters). " +
			"Check that you copied only the password."
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

	if wait, err := h.checkBudget(ctx, seller.ID); err != nil || wait != "" {
		if err != nil {
			return err
		}
		props, err := h.credentialsProps(ctx, c, seller, change)
		if err != nil {
			return err
		}
		props.APIEmail = strings.TrimSpace(rawEmail)
		props.Notice = wait
		return render(c, http.StatusTooManyRequests, views.CredentialsPage(props))
	}

	res, err := h.checks.Submit(ctx, seller.ID, apiEmail, password, store.ActorSeller)
	if err != nil {
		return err
	}
	return redirect(c, pathAfterCheck(res))
}

// retry checks the stored credentials again, without asking for the password.
func (h *sellerHandler) retry(c echo.Context) error {
	seller := currentSeller(c)

	wait, err := h.checkBudget(c.Request().Context(), seller.ID)
	if err != nil {
		return err
	}
	if wait != "" {
		return h.renderStatus(c, seller, http.StatusTooManyRequests, wait)
	}

	res, err := h.checks.Recheck(c.Request().Context(), seller.ID, verify.TriggerSeller)
	if errors.Is(err, store.ErrNoSecret) {
		return redirect(c, "/credentials")
	}
	if err != nil {
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
	msg, err := h.lastOutcome(ctx, seller)
	if err != nil {
		return err
	}

	rep, err := h.lastReport(ctx, seller.ID)
	if err != nil {
		return err
	}

	props := views.StatusProps{
		Page:       h.page(c, "Your Shiprocket connection"),
		Message:    msg,
		Checklist:  checklist(rep),
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
		Page:      h.page(c, "Connected"),
		StoreName: seller.StoreName,
		APIEmail:  seller.APIEmail,
		CheckedAt: seller.LastCheckedAt,
	}

	rep, err := h.lastReport(ctx, seller.ID)
	if err != nil {
		return err
	}
	props.Checklist = checklist(rep)
	return render(c, http.StatusOK, views.DonePage(props))
}

// lastOutcome turns the seller's latest check into the message shown to them.
func (h *sellerHandler) lastOutcome(ctx context.Context, seller store.Seller) (views.Message,
	error) {
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
	return views.OutcomeMessage(in), nil
}

func aliasOnly(login string) string {
	a, _ := aliasFor(login)
	return a
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
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

// updateUser is the path to an API user's settings in the Shiprocket dashboard.
const updateUser = "In Shiprocket: Settings → API Users → ••• next to the API user → Update User → "

// checklist itemises a check for the seller: the login, each module with the exact box to tick,
// buyer details and the IP rule. A check that never got past the login lists the login alone.
func checklist(rep verify.Report) views.Checklist {
	var out views.Checklist
	if rep.Outcome == "" || rep.Outcome == store.OutcomeRunning {
		return out
	}

	login := views.ChecklistItem{Label: "Log in with the API user's email and password",
		State: views.CheckOK}
	if rep.Outcome != string(shiprocket.OutcomeVerified) {
		login.State = views.CheckBad
		if !isCredentialProblem(rep.Outcome) {
			login.State = views.CheckUnknown
		}
		out.Items = append(out.Items, login)
		if rep.Outcome == string(shiprocket.OutcomeIPNotAllowed) {
			out.Items = append(out.Items, ipItem(false))
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
			item.State, item.Detail = views.CheckBad, "Not ticked for the API user."
			item.Fix = updateUser + "tick “" + m.Label + "” → Save."
		case string(shiprocket.AccessIPBlocked):
			ipBlocked = true
			item.State, item.Detail = views.CheckBad, "Blocked by the API user's Allowed IP setting."
		default:
			item.State = views.CheckUnknown
			item.Detail = "Shiprocket's answer did not say (" + describeStatus(m.HTTPStatus, m.Message) + ")."
		}
		out.Items = append(out.Items, item)
	}

	buyer := views.ChecklistItem{Label: "Buyer details (customer name, phone, email)"}
	switch rep.Buyer {
	case string(shiprocket.BuyerVisible):
		buyer.State, buyer.Detail = views.CheckOK, "Visible."
	case string(shiprocket.BuyerMasked):
		buyer.State, buyer.Detail = views.CheckBad, "Hidden from the API user."
		buyer.Fix = updateUser + "Buyer Detail Access: Allowed → Save."
	default:
		buyer.State = views.CheckUnknown
		buyer.Detail = "Not known yet: there are no orders to look at."
	}
	out.Items = append(out.Items, buyer, ipItem(!ipBlocked))
	return out
}

func ipItem(ok bool) views.ChecklistItem {
	item := views.ChecklistItem{Label: "IP restriction", State: views.CheckOK,
		Detail: "Nothing stops our server from connecting."}
	if !ok {
		item.State, item.Detail = views.CheckBad, "The API user only accepts other IP addresses."
		item.Fix = updateUser + "empty the Allowed IP field → Save."
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

func describeStatus(status int, message string) string {
	s := "no answer"
	if status > 0 {
		s = "HTTP " + strconv.Itoa(status)
	}
	if message != "" {
		s += ": " + message
	}
	return s
}

// checkBudget enforces checkLimit. It returns a message saying when to try again once the seller
// has used up the window, or "" when a check may run.
func (h *sellerHandler) checkBudget(ctx context.Context, sellerID int64) (string, error) {
	now := h.cfg.Now()
	n, oldest, err := h.store.CountChecksSince(ctx, sellerID, now.Add(-checkWindow))
	if err != nil || n < checkLimit {
		return "", err
	}
	h.log.WarnContext(ctx, "seller check rate limited", "seller_id", sellerID, "checks", n)
	return "You have checked " + strconv.Itoa(n) + " times in the last 15 minutes. To keep " +
		"Shiprocket from locking your account after repeated logins, please wait until " +
		views.SellerClock(oldest.Add(checkWindow)) + " and try again. Nothing you entered is lost.", nil
}
