package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
)

// The end-to-end tests drive the real portal in a headless Chromium, against a fake Shiprocket on
// loopback. They follow issue 2's browser scenarios: (a) a seller from the start page to verified,
// then a staff member reviewing them; (b) a wrong password, then the right one; (c) Shiprocket
// down, then a retry; and the whole wizard with JavaScript turned off.

// e2ePassword is the API password every scenario's seller types. It is distinctive so that any
// leak into the logs or a page is found.
const e2ePassword = "Pw-UNIQUE-e2e-7Qz!"

// e2eSeller is what a seller types into the wizard.
type e2eSeller struct {
	Store    string
	Contact  string
	Login    string // their Shiprocket login email
	APIEmail string // the API user's email the portal should compute from Login
}

// addAPIUser creates the seller's API user in the fake Shiprocket, as steps 3 to 7 do in the real
// one.
func (e *e2e) addAPIUser(email, password string) {
	e.fake.AddAccount(shiprockettest.Account{Email: email, Password: password, CompanyID: 7001,
		Orders: 2})
}

// startWizard fills the start page and returns the resume link's token, after checking the
// welcome page shows the link.
func startWizard(tb *tab, base string, s e2eSeller) string {
	tb.t.Helper()

	tb.open(base+"/", testID("start"))
	tb.screenshot("seller-start")
	tb.typeInto("store_name", s.Store)
	tb.typeInto("contact_name", s.Contact)
	tb.typeInto("login_email", s.Login)
	tb.click(testID("start"), testID("resume-link"))

	tb.screenshot("seller-welcome")
	tb.expectContains("the welcome page", tb.pageText(), "Welcome, "+s.Contact)
	link := tb.text(testID("resume-link"))
	m := resumeTokenPattern.FindStringSubmatch(link)
	if m == nil || !strings.HasPrefix(link, base+"/r/") {
		tb.t.Fatalf("%s: resume link %q is not %s/r/ followed by a token of at least 128 bits",
			tb.name, link, base)
	}
	return m[1]
}

// walkSteps goes from the welcome page through the 8 guided steps to the credentials form,
// checking the progress indicator, the computed API email, and Back on the way.
func walkSteps(tb *tab, s e2eSeller, javaScript bool) {
	tb.t.Helper()

	tb.click(testID("next"), testID("step-1"))
	for n := 1; n <= 8; n++ {
		tb.expect(fmt.Sprintf("step %d's indicator", n), tb.text(testID("step-count")),
			fmt.Sprintf("Step %d of 8", n))

		switch n {
		case 4:
			tb.expect("the API email on step 4", tb.text(testID("alias")), s.APIEmail)
			checkCopyButton(tb, javaScript)
		case 5:
			// Back returns to the previous step, and Next comes back here.
			tb.click(testID("back"), testID("step-4"))
			tb.expect("step 4's indicator after Back", tb.text(testID("step-count")),
				"Step 4 of 8")
			tb.click(testID("next"), testID("step-5"))
		}
		tb.screenshot(fmt.Sprintf("seller-step-%d", n))

		if n < 8 {
			tb.click(testID("next"), testID(fmt.Sprintf("step-%d", n+1)))
		}
	}
	tb.click(testID("next"), testID("check"))
}

// checkCopyButton checks step 4's copy button: shown by the page script when JavaScript runs,
// still hidden when it does not. This also proves the no-JavaScript run really had none.
func checkCopyButton(tb *tab, javaScript bool) {
	tb.t.Helper()
	copyButton := chromedp.CSS(`button[data-copy="#api-email"]`)
	if javaScript {
		tb.do("wait for the copy button", chromedp.WaitVisible(copyButton))
		return
	}
	if n := tb.count(`button[data-copy="#api-email"][hidden]`); n != 1 {
		tb.t.Errorf("%s: with JavaScript off, %d copy buttons on step 4 keep their hidden "+
			"attribute, want 1\n%s", tb.name, n, tb.describe())
	}
	shown := get(tb, "see whether the copy button shows", chromedp.Evaluate[bool](
		`document.querySelector('button[data-copy="#api-email"]').checkVisibility()`))
	if shown {
		tb.t.Errorf("%s: with JavaScript off, step 4 shows a copy button that cannot work: "+
			"the page's CSS overrides its hidden attribute", tb.name)
	}
}

// submitCredentials types the password into the credentials form and submits it, then waits for
// the element next.
func submitCredentials(tb *tab, password string, next chromedp.CSS) {
	tb.t.Helper()
	tb.typeInto("password", password)
	tb.clickForCheck(testID("check"), next)
}

// expectDone checks the done page of a verified seller.
func expectDone(tb *tab, s e2eSeller, apiEmail string) {
	tb.t.Helper()
	if !strings.HasSuffix(tb.location(), "/done") {
		tb.t.Errorf("%s: the verified seller is at %s, want /done", tb.name, tb.location())
	}
	tb.expectContains("the done page", tb.text(testID("done")), "You are connected")
	tb.expectContains("the done page", tb.text(testID("done")), s.Store)
	tb.expect("the done page's API email", tb.text(testID("api-email")), apiEmail)
}

// expectNoPasswordInPage checks that nothing on the current page shows a password back.
func expectNoPasswordInPage(tb *tab, passwords ...string) {
	tb.t.Helper()
	html := tb.html()
	for _, pw := range passwords {
		if strings.Contains(html, pw) {
			tb.t.Errorf("%s: the page at %s contains a password the seller typed", tb.name,
				tb.location())
		}
	}
}

// TestE2ESellerVerifiedThenStaffReview is scenario (a): a new seller goes from the start page
// through every step to a verified connection, then a staff member signs in and finds the seller
// verified, with the check attempt in its history.
func TestE2ESellerVerifiedThenStaffReview(t *testing.T) {
	e := newE2E(t)
	base := e.portal.URL
	s := e2eSeller{Store: "Kavya Crafts", Contact: "Kavya Rao", Login: "kavya.crafts@example.com",
		APIEmail: "kavya.crafts+api@example.com"}
	e.addAPIUser(s.APIEmail, e2ePassword)
	const staffPassword = "staff-Pw-e2e-4Lm#long"
	addStaff(t, e.portal.Env, "ops@example.com", "Asha Ops", staffPassword)

	seller := e.tab("seller")
	seller.screenshots = true
	token := startWizard(seller, base, s)
	walkSteps(seller, s, true)

	seller.screenshot("seller-credentials")
	seller.expect("the prefilled API email", seller.value("api_email"), s.APIEmail)
	submitCredentials(seller, e2ePassword, testID("done"))
	seller.screenshot("seller-done")
	expectDone(seller, s, s.APIEmail)
	expectNoPasswordInPage(seller, e2ePassword)
	if got := e.fake.LoginCalls(s.APIEmail); got != 1 {
		t.Errorf("the fake Shiprocket saw %d logins for %s, want 1", got, s.APIEmail)
	}
	cookies := seller.cookieValues(base)

	// Staff sign in from a browser context of their own, with no seller cookie.
	staff := e.newProfileTab("staff")
	staff.open(base+"/admin/login", testID("sign-in"))
	staff.typeInto("email", "ops@example.com")
	staff.typeInto("password", staffPassword)
	staff.click(testID("sign-in"), testID("sellers"))

	id := get(staff, "find the seller's row", chromedp.Evaluate[string](fmt.Sprintf(
		`(Array.from(document.querySelectorAll('[data-testid="seller-row"]'))
			.find(r => r.textContent.includes(%q)) || {dataset: {}}).dataset.sellerId || ""`,
		s.Store)))
	if id == "" {
		t.Fatalf("staff: the sellers list has no row for %q\n%s", s.Store, staff.describe())
	}
	row := `tr[data-seller-id="` + id + `"] `
	staff.expect("the list's status", staff.attr(chromedp.CSS(row+`[data-testid="seller-status"]`),
		"data-status"), "verified")
	staff.expect("the list's status label", staff.text(chromedp.CSS(row+
		`[data-testid="seller-status"]`)), "Verified")
	staff.expect("the list's last check", staff.attr(chromedp.CSS(row+
		`[data-testid="seller-outcome"]`), "data-outcome"), "verified")
	staff.expect("the list's API email", staff.text(chromedp.CSS(row+
		`[data-testid="seller-api-email"]`)), s.APIEmail)

	staff.click(chromedp.CSS(row+`[data-testid="seller-link"]`), testID("seller"))
	staff.expect("the detail's status", staff.attr(chromedp.CSS(`[data-testid="seller"] `+
		`[data-testid="seller-status"]`), "data-status"), "verified")
	staff.expect("the detail's login email", staff.text(testID("login-email")), s.Login)
	if n := staff.count(`[data-testid="check-row"]`); n != 1 {
		t.Errorf("staff: %d check attempts in the history, want 1\n%s", n, staff.describe())
	}
	staff.expect("the check's outcome", staff.attr(testID("check-outcome"), "data-outcome"),
		"verified")
	staff.expect("the check's outcome label", staff.text(testID("check-outcome")), "Verified")
	staff.expect("the check's API email", staff.text(testID("check-api-email")), s.APIEmail)
	expectNoPasswordInPage(staff, e2ePassword, token)

	secrets := map[string]string{"API password": e2ePassword, "resume token": token,
		"staff password": staffPassword}
	for i, c := range append(cookies, staff.cookieValues(base)...) {
		secrets[fmt.Sprintf("cookie %d", i)] = c
	}
	expectCleanLogs(t, e.portal, secrets)
}

// TestE2EWrongPasswordThenRight is scenario (b): a wrong password gets the wrong-credentials
// message with the API email the seller typed still in the form; the right password then
// verifies. The seller's provider does not take plus addresses, so they typed another address.
func TestE2EWrongPasswordThenRight(t *testing.T) {
	e := newE2E(t)
	base := e.portal.URL
	s := e2eSeller{Store: "Ravi Spices", Contact: "Ravi Kumar", Login: "ravi.spices@example.com",
		APIEmail: "ravi.spices+api@example.com"}
	const ownAPIEmail = "ravi.shipping@example.com"
	const wrongPassword = "Pw-WRONG-e2e-3Kx?"
	e.addAPIUser(ownAPIEmail, e2ePassword)

	seller := e.tab("seller")
	token := startWizard(seller, base, s)
	walkSteps(seller, s, true)

	seller.replaceInto("api_email", ownAPIEmail)
	submitCredentials(seller, wrongPassword, testID("outcome"))
	seller.screenshots = true
	seller.screenshot("seller-credentials-wrong-password")

	seller.expect("the outcome", seller.attr(testID("outcome"), "data-outcome"),
		"wrong_credentials")
	seller.expectContains("the outcome", seller.text(testID("outcome")),
		"Shiprocket did not accept this email and password.")
	seller.expect("Shiprocket's message", seller.text(testID("shiprocket-message")),
		shiprockettest.WrongCredentialsMessage)
	seller.expect("the API email after the refusal", seller.value("api_email"), ownAPIEmail)
	seller.expect("the password field after the refusal", seller.value("password"), "")
	expectNoPasswordInPage(seller, wrongPassword)
	if got := e.fake.LoginCalls(ownAPIEmail); got != 1 {
		t.Errorf("the fake Shiprocket saw %d logins for the wrong password, want exactly 1", got)
	}

	// The resume link, opened on another device, brings the seller back to the same form with
	// the same email and the same explanation.
	phone := e.newProfileTab("phone")
	phone.open(base+"/r/"+token, testID("outcome"))
	phone.expect("the outcome on the other device", phone.attr(testID("outcome"), "data-outcome"),
		"wrong_credentials")
	phone.expect("the API email on the other device", phone.value("api_email"), ownAPIEmail)

	submitCredentials(seller, e2ePassword, testID("done"))
	expectDone(seller, s, ownAPIEmail)
	if got := e.fake.LoginCalls(ownAPIEmail); got != 2 {
		t.Errorf("the fake Shiprocket saw %d logins in all, want 2", got)
	}

	secrets := map[string]string{"API password": e2ePassword, "wrong password": wrongPassword,
		"resume token": token}
	for i, c := range append(seller.cookieValues(base), phone.cookieValues(base)...) {
		secrets[fmt.Sprintf("cookie %d", i)] = c
	}
	expectCleanLogs(t, e.portal, secrets)
}

// TestE2EShiprocketDownThenRetry is scenario (c): Shiprocket answers 503, so the submission is
// kept as "check pending" and the status page offers a retry without the password; once
// Shiprocket is back, "Check again" verifies.
func TestE2EShiprocketDownThenRetry(t *testing.T) {
	e := newE2E(t)
	base := e.portal.URL
	s := e2eSeller{Store: "Zoya Textiles", Contact: "Zoya Khan", Login: "zoya@example.com",
		APIEmail: "zoya+api@example.com"}
	e.addAPIUser(s.APIEmail, e2ePassword)

	seller := e.tab("seller")
	token := startWizard(seller, base, s)
	walkSteps(seller, s, true)

	e.fake.SetFault(shiprockettest.Fault{Kind: shiprockettest.FaultStatus, Status: 503})
	submitCredentials(seller, e2ePassword, testID("recheck"))
	seller.screenshots = true
	seller.screenshot("seller-status-unavailable")

	if !strings.HasSuffix(seller.location(), "/status") {
		t.Errorf("seller: after Shiprocket failed, the seller is at %s, want /status",
			seller.location())
	}
	seller.expect("the outcome", seller.attr(testID("outcome"), "data-outcome"), "unavailable")
	seller.expectContains("the outcome", seller.text(testID("outcome")),
		"We could not reach Shiprocket")
	seller.expectContains("the outcome", seller.text(testID("outcome")), "Your details are saved")
	seller.expect("the status page's API email", seller.text(testID("api-email")), s.APIEmail)
	if n := seller.count(`input[type="password"]`); n != 0 {
		t.Errorf("seller: the status page asks for the password again (%d password fields)", n)
	}
	callsWhileDown := e.fake.LoginCalls(s.APIEmail)
	if callsWhileDown < 1 {
		t.Fatalf("the fake Shiprocket saw no login while down; the fault was never exercised")
	}

	e.fake.ClearFaults()
	seller.clickForCheck(testID("recheck"), testID("done"))
	expectDone(seller, s, s.APIEmail)
	if got := e.fake.LoginCalls(s.APIEmail) - callsWhileDown; got != 1 {
		t.Errorf("Check again made %d logins, want 1", got)
	}

	secrets := map[string]string{"API password": e2ePassword, "resume token": token}
	for i, c := range seller.cookieValues(base) {
		secrets[fmt.Sprintf("cookie %d", i)] = c
	}
	expectCleanLogs(t, e.portal, secrets)
}

// TestE2EWizardWithoutJavaScript runs the whole wizard, start to verified, with JavaScript turned
// off: every step must work as plain HTML forms and links.
func TestE2EWizardWithoutJavaScript(t *testing.T) {
	e := newE2E(t)
	base := e.portal.URL
	s := e2eSeller{Store: "Plain HTML Goods", Contact: "Nadia Das", Login: "nadia.das@example.com",
		APIEmail: "nadia.das+api@example.com"}
	e.addAPIUser(s.APIEmail, e2ePassword)

	seller := e.tab("seller without JavaScript")
	seller.disableJavaScript()
	token := startWizard(seller, base, s)
	walkSteps(seller, s, false)

	seller.expect("the prefilled API email", seller.value("api_email"), s.APIEmail)
	submitCredentials(seller, e2ePassword, testID("done"))
	expectDone(seller, s, s.APIEmail)
	expectNoPasswordInPage(seller, e2ePassword)

	secrets := map[string]string{"API password": e2ePassword, "resume token": token}
	for i, c := range seller.cookieValues(base) {
		secrets[fmt.Sprintf("cookie %d", i)] = c
	}
	expectCleanLogs(t, e.portal, secrets)
}

// TestE2EMissingModulesThenFixed is issue 3's path: a login that works but lacks modules shows a
// checklist with the exact boxes to tick; once they are ticked at Shiprocket, "Check again"
// verifies without asking for the password.
func TestE2EMissingModulesThenFixed(t *testing.T) {
	e := newE2E(t)
	base := e.portal.URL
	s := e2eSeller{Store: "Meera Pottery", Contact: "Meera Rao", Login: "meera@example.com",
		APIEmail: "meera+api@example.com"}
	e.fake.AddAccount(shiprockettest.Account{Email: s.APIEmail, Password: e2ePassword,
		Denied: []shiprocket.Area{shiprocket.AreaWallet, shiprocket.AreaCouriers}})

	seller := e.tab("seller")
	token := startWizard(seller, base, s)
	walkSteps(seller, s, true)
	submitCredentials(seller, e2ePassword, testID("recheck"))

	seller.expect("the outcome", seller.attr(testID("outcome"), "data-outcome"), "missing_modules")
	if n := seller.count(`[data-testid="checklist-item"][data-state="bad"]`); n != 2 {
		t.Errorf("seller: %d checklist items need fixing, want 2 (Wallet, Couriers)", n)
	}
	fixes := seller.text(testID("checklist"))
	for _, want := range []string{"Wallet", "Couriers", "Update User"} {
		seller.expectContains("the checklist", fixes, want)
	}
	if n := seller.count(`input[type="password"]`); n != 0 {
		t.Errorf("seller: the checklist page asks for the password again")
	}

	e.fake.SetDenied(s.APIEmail)
	seller.clickForCheck(testID("recheck"), testID("done"))
	expectDone(seller, s, s.APIEmail)
	if n := e.fake.LoginCalls(s.APIEmail); n != 2 {
		t.Errorf("the fake saw %d logins, want 2 (one per check)", n)
	}

	expectCleanLogs(t, e.portal, map[string]string{"API password": e2ePassword,
		"resume token": token})
}
