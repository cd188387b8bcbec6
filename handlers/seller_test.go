package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
	"github.com/aicofounder/shiprocket-portal/store"
)

const goodPassword = "Gen3rated-Pw!x9"

func TestStartValidation(t *testing.T) {
	app := newApp(t)

	tests := []struct {
		name       string
		form       url.Values
		wantErrors map[string]string // field -> part of its message
	}{
		{"all empty", url.Values{"store_name": {""}, "contact_name": {" "}, "login_email": {""}},
			map[string]string{"store_name": "store's name", "contact_name": "your name",
				"login_email": "email you log in"}},
		{"bad email", url.Values{"store_name": {"Asha Sarees"}, "contact_name": {"Asha"},
			"login_email": {"asha.gmail.com"}},
			map[string]string{"login_email": "like name@example.com"}},
		{"terminal escape in a name", url.Values{"store_name": {"Asha \x1b[31mSarees"},
			"contact_name": {"Asha"}, "login_email": {"asha@gmail.com"}},
			map[string]string{"store_name": "punctuation only"}},
		{"text-direction override in a name", url.Values{"store_name": {"Asha"},
			"contact_name": {"Asha \u202egnp.exe"}, "login_email": {"asha@gmail.com"}},
			map[string]string{"contact_name": "punctuation only"}},
		{"store name too long", url.Values{"store_name": {strings.Repeat("s", 101)},
			"contact_name": {"Asha"}, "login_email": {"asha@gmail.com"}},
			map[string]string{"store_name": "at most 100"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := app.browser(t)
			res := b.post("/", "/start", tt.form)

			if res.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status = %d, want 422", res.Status)
			}
			for _, field := range []string{"store_name", "contact_name", "login_email"} {
				msg := res.text(`[data-testid="` + field + `-error"]`)
				want, bad := tt.wantErrors[field]
				if bad && !strings.Contains(msg, want) {
					t.Errorf("%s error = %q, want it to contain %q", field, msg, want)
				}
				if !bad && msg != "" {
					t.Errorf("%s has unexpected error %q", field, msg)
				}
				// Whatever was typed comes back, so nothing is lost.
				got := res.Doc.Find(`input[name="`+field+`"]`).AttrOr("value", "")
				if want := strings.TrimSpace(tt.form.Get(field)); got != want {
					t.Errorf("%s value = %q, want %q kept", field, got, want)
				}
			}
			if res.Doc.Find(`[data-testid="error-summary"] a`).Length() != len(tt.wantErrors) {
				t.Errorf("error summary does not link each of the %d errors", len(tt.wantErrors))
			}
		})
	}
}

func TestWizardToVerified(t *testing.T) {
	app := newApp(t)
	app.Fake.AddAccount(shiprockettest.Account{Email: "asha+api@gmail.com", Password: goodPassword})
	b := app.browser(t)
	ctx := context.Background()

	link := b.startSeller("Asha Sarees", "Asha", "  Asha@Gmail.com ")
	if !strings.HasPrefix(link, app.URL+"/r/") || len(link) < len(app.URL)+3+43 {
		t.Errorf("resume link %q is not a full URL with a 256-bit token", link)
	}
	if again := b.get("/welcome").text(`[data-testid="resume-link"]`); again != "" {
		t.Error("the resume link is shown a second time")
	}

	for n := 1; n <= 8; n++ {
		res := b.get("/steps/" + string(rune('0'+n)))
		if res.Status != http.StatusOK {
			t.Fatalf("step %d: status %d", n, res.Status)
		}
		if got, want := res.text(`[data-testid="step-count"]`), "Step "+string(rune('0'+n))+
			" of 8"; got != want {
			t.Errorf("step %d progress = %q, want %q", n, got, want)
		}
	}
	if got := b.get("/steps/4").text(`[data-testid="alias"]`); got != "asha+api@gmail.com" {
		t.Errorf("alias on step 4 = %q, want asha+api@gmail.com", got)
	}
	if got := b.get("/steps/9").Status; got != http.StatusNotFound {
		t.Errorf("step 9 status = %d, want 404", got)
	}
	if got := b.get("/steps/1").Doc.Find(`a[data-testid="shiprocket-link"]`).AttrOr("target", ""); got != "_blank" {
		t.Errorf("Shiprocket link target = %q, want _blank", got)
	}

	form := b.get("/credentials")
	if got := form.Doc.Find(`input[name="api_email"]`).AttrOr("value", ""); got != "asha+api@gmail.com" {
		t.Errorf("api_email prefilled with %q, want the alias", got)
	}

	res := b.post("/credentials", "/credentials", url.Values{
		"api_email": {"asha+api@gmail.com"}, "password": {goodPassword},
	})
	if res.Status != http.StatusSeeOther || res.Location != "/done" {
		t.Fatalf("submit: %d %q, want 303 /done", res.Status, res.Location)
	}
	done := b.get("/done")
	if got := done.text(`[data-testid="api-email"]`); got != "asha+api@gmail.com" {
		t.Errorf("done page API email = %q", got)
	}
	if done.text(`[data-testid="checked-at"]`) == "never" {
		t.Error("done page does not say when it was checked")
	}

	sellers, err := app.Store.Queue(ctx, store.QueueFilter{})
	if err != nil || len(sellers) != 1 {
		t.Fatalf("sellers = %v, %v", sellers, err)
	}
	s := sellers[0]
	if s.Status != store.StatusVerified || s.LoginEmail != "asha@gmail.com" ||
		s.APIEmail != "asha+api@gmail.com" || s.Step != 9 || s.LastOutcome != "verified" ||
		s.VerifiedAt.IsZero() || s.SubmittedAt.IsZero() {
		t.Errorf("seller after flow = %+v", s)
	}

	events, err := app.Store.Events(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	steps := map[int]int{}
	kinds := map[string]int{}
	for _, e := range events {
		kinds[e.Kind]++
		if e.Kind == store.EventStepReached {
			steps[e.Step]++
			if e.At.IsZero() {
				t.Errorf("step %d recorded without a time", e.Step)
			}
		}
	}
	for n := 1; n <= 9; n++ {
		if steps[n] != 1 {
			t.Errorf("step %d recorded %d times, want once", n, steps[n])
		}
	}
	if kinds[store.EventCreated] != 1 || kinds[store.EventSubmitted] != 1 ||
		kinds[store.EventChecked] != 1 {
		t.Errorf("event kinds = %v", kinds)
	}

	// The resume link works in a fresh browser and lands where the seller is.
	other := app.browser(t)
	resp := other.get(strings.TrimPrefix(link, app.URL))
	if resp.Status != http.StatusSeeOther || resp.Location != "/done" {
		t.Errorf("resume link: %d %q, want 303 /done", resp.Status, resp.Location)
	}
}

func TestCredentialsValidation(t *testing.T) {
	app := newApp(t)

	tests := []struct {
		name          string
		email         string
		password      string
		wantEmailErr  string
		wantPassErr   string
		wantEmailBack string
	}{
		{"empty", "", "", "Enter the API user's email", "Enter the password", ""},
		{"not an address", "asha+api", "Distinct-Pw-1", "valid email address", "", "asha+api"},
		{"login email itself", "asha@gmail.com", "Distinct-Pw-2", "asha+api@gmail.com", "", "asha@gmail.com"},
		{"login email other case and spaces", " ASHA@gmail.COM ", "Distinct-Pw-3", "Shiprocket login email",
			"", "ASHA@gmail.COM"},
		{"login email with display name", "Asha <asha@gmail.com>", "Distinct-Pw-4", "Shiprocket login email",
			"", "Asha <asha@gmail.com>"},
		{"password too long", "asha+api@gmail.com", strings.Repeat("p", 257), "",
			"at most 256 characters", "asha+api@gmail.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := app.browser(t)
			b.startSeller("Asha Sarees", "Asha", "asha@gmail.com")
			res := b.post("/credentials", "/credentials", url.Values{
				"api_email": {tt.email}, "password": {tt.password},
			})

			if res.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status = %d, want 422", res.Status)
			}
			checkContains(t, "api_email error", res.text(`[data-testid="api_email-error"]`),
				tt.wantEmailErr)
			checkContains(t, "password error", res.text(`[data-testid="password-error"]`),
				tt.wantPassErr)
			if got := res.Doc.Find(`input[name="api_email"]`).AttrOr("value", ""); got != tt.wantEmailBack {
				t.Errorf("api_email kept as %q, want %q", got, tt.wantEmailBack)
			}
			if got := res.Doc.Find(`input[name="password"]`).AttrOr("value", ""); got != "" {
				t.Errorf("password rendered back into the form: %q", got)
			}
			if tt.password != "" && strings.Contains(res.Body, tt.password) {
				t.Error("the password appears in the page")
			}
		})
	}

	if n := app.Fake.Requests("/v1/external/auth/login"); n != 0 {
		t.Errorf("invalid forms reached Shiprocket %d times", n)
	}
}

// checkContains asserts got contains want, or is empty when want is empty.
func checkContains(t *testing.T, what, got, want string) {
	t.Helper()
	if want == "" && got != "" {
		t.Errorf("%s = %q, want none", what, got)
	}
	if want != "" && !strings.Contains(got, want) {
		t.Errorf("%s = %q, want it to contain %q", what, got, want)
	}
}

func TestPasswordUsedExactlyAsTyped(t *testing.T) {
	app := newApp(t)
	const spaced = "  pw with spaces\t "
	app.Fake.AddAccount(shiprockettest.Account{Email: "asha+api@gmail.com", Password: spaced})
	b := app.browser(t)
	b.startSeller("Asha Sarees", "Asha", "asha@gmail.com")

	res := b.post("/credentials", "/credentials", url.Values{
		"api_email": {"asha+api@gmail.com"}, "password": {spaced},
	})
	if res.Location != "/done" {
		t.Fatalf("a password with spaces was altered: redirected to %q", res.Location)
	}

	long := strings.Repeat("ü", 256) // 256 characters, 512 bytes: within the limit
	app.Fake.SetPassword("asha+api@gmail.com", long)
	res = b.post("/password", "/password", url.Values{
		"api_email": {"asha+api@gmail.com"}, "password": {long},
	})
	if res.Location != "/done" {
		t.Fatalf("a 256-character password was refused: %d %q", res.Status, res.Location)
	}
}

func TestWrongPasswordThenRight(t *testing.T) {
	app := newApp(t)
	app.Fake.AddAccount(shiprockettest.Account{Email: "asha+api@gmail.com", Password: goodPassword})
	b := app.browser(t)
	b.startSeller("Asha Sarees", "Asha", "asha@gmail.com")

	res := b.post("/credentials", "/credentials", url.Values{
		"api_email": {"asha+api@gmail.com"}, "password": {"typo-" + goodPassword},
	})
	if res.Status != http.StatusSeeOther || res.Location != "/credentials" {
		t.Fatalf("wrong password: %d %q, want 303 /credentials", res.Status, res.Location)
	}
	if n := app.Fake.LoginCalls("asha+api@gmail.com"); n != 1 {
		t.Errorf("wrong password sent %d times, want exactly once", n)
	}

	form := b.get("/credentials")
	outcome := form.Doc.Find(`[data-testid="outcome"]`)
	if got := outcome.AttrOr("data-outcome", ""); got != "wrong_credentials" {
		t.Errorf("outcome = %q, want wrong_credentials", got)
	}
	text := outcome.Text()
	for _, want := range []string{"did not accept", "Copy the password exactly", "Change Password",
		"Invalid email and password combination."} {
		if !strings.Contains(text, want) {
			t.Errorf("wrong-password message lacks %q: %s", want, text)
		}
	}
	if got := form.Doc.Find(`input[name="api_email"]`).AttrOr("value", ""); got != "asha+api@gmail.com" {
		t.Errorf("API email not kept: %q", got)
	}

	seller := onlySeller(t, app)
	if seller.Status != store.StatusNeedsAction || seller.StatusReason != "wrong_credentials" {
		t.Errorf("status = %s/%s, want needs_action/wrong_credentials", seller.Status,
			seller.StatusReason)
	}

	res = b.post("/credentials", "/credentials", url.Values{
		"api_email": {"asha+api@gmail.com"}, "password": {goodPassword},
	})
	if res.Location != "/done" {
		t.Fatalf("right password: redirected to %q, want /done", res.Location)
	}
	checks, _ := app.Store.Checks(context.Background(), seller.ID)
	if len(checks) != 2 || checks[0].Outcome != "verified" || checks[1].Outcome != "wrong_credentials" {
		t.Errorf("checks = %+v", checks)
	}
}

func TestShiprocketDownThenRetry(t *testing.T) {
	app := newApp(t)
	app.Fake.AddAccount(shiprockettest.Account{Email: "asha+api@gmail.com", Password: goodPassword})
	app.Fake.SetFault(shiprockettest.Fault{Kind: shiprockettest.FaultStatus, Status: 503})
	b := app.browser(t)
	b.startSeller("Asha Sarees", "Asha", "asha@gmail.com")

	res := b.post("/credentials", "/credentials", url.Values{
		"api_email": {"asha+api@gmail.com"}, "password": {goodPassword},
	})
	if res.Location != "/status" {
		t.Fatalf("Shiprocket down: redirected to %q, want /status", res.Location)
	}
	status := b.get("/status")
	if got := status.Doc.Find(`[data-testid="outcome"]`).AttrOr("data-outcome", ""); got != "unavailable" {
		t.Errorf("outcome = %q, want unavailable", got)
	}
	if status.Doc.Find(`[data-testid="recheck"]`).Length() != 1 {
		t.Error("no Check again button")
	}
	if status.Doc.Find(`input[name="password"]`).Length() != 0 {
		t.Error("the status page asks for the password again")
	}
	if s := onlySeller(t, app); s.Status != store.StatusCheckPending {
		t.Errorf("status = %s, want check_pending", s.Status)
	}

	app.Fake.ClearFaults()
	res = b.post("/status", "/check", url.Values{})
	if res.Location != "/done" {
		t.Fatalf("retry: redirected to %q, want /done", res.Location)
	}
	if s := onlySeller(t, app); s.Status != store.StatusVerified {
		t.Errorf("status after retry = %s, want verified", s.Status)
	}
}

func TestOutcomesOnStatusPage(t *testing.T) {
	tests := []struct {
		name        string
		account     shiprockettest.Account
		fault       *shiprockettest.Fault
		wantPath    string
		wantStatus  store.Status
		wantReason  string
		wantOutcome string
		wantText    string
	}{
		{"mfa", shiprockettest.Account{MFA: true}, nil, "/status", store.StatusNeedsAction,
			"mfa_required", "mfa_required", "one-time code"},
		{"ip restricted", shiprockettest.Account{AllowedIPs: []string{"203.0.113.10"}}, nil,
			"/status", store.StatusNeedsAction, "ip_not_allowed", "ip_not_allowed", "Allowed IP"},
		{"missing modules", shiprockettest.Account{Denied: []shiprocket.Area{"wallet", "orders"}},
			nil, "/status", store.StatusNeedsAction, "missing_modules", "missing_modules",
			"Tick these modules: Orders, Wallet"},
		{"rate limited", shiprockettest.Account{},
			&shiprockettest.Fault{Kind: shiprockettest.FaultRateLimit, RetryAfter: "600"},
			"/status", store.StatusCheckPending, "rate_limited", "rate_limited", "slow down"},
		{"html page", shiprockettest.Account{},
			&shiprockettest.Fault{Kind: shiprockettest.FaultHTML, Status: 502},
			"/status", store.StatusCheckPending, "unavailable", "unavailable", "could not reach"},
		{"200 with only a message", shiprockettest.Account{},
			&shiprockettest.Fault{Kind: shiprockettest.FaultMessage200},
			"/status", store.StatusCheckPending, "unexpected", "unexpected", "did not expect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newApp(t)
			acct := tt.account
			acct.Email, acct.Password = "asha+api@gmail.com", goodPassword
			app.Fake.AddAccount(acct)
			if tt.fault != nil {
				app.Fake.SetFault(*tt.fault)
			}
			b := app.browser(t)
			b.startSeller("Asha Sarees", "Asha", "asha@gmail.com")

			res := b.post("/credentials", "/credentials", url.Values{
				"api_email": {"asha+api@gmail.com"}, "password": {goodPassword},
			})
			if res.Location != tt.wantPath {
				t.Fatalf("redirected to %q, want %q", res.Location, tt.wantPath)
			}
			s := onlySeller(t, app)
			if s.Status != tt.wantStatus || s.StatusReason != tt.wantReason {
				t.Errorf("seller = %s/%s, want %s/%s", s.Status, s.StatusReason, tt.wantStatus,
					tt.wantReason)
			}
			page := b.get(tt.wantPath)
			outcome := page.Doc.Find(`[data-testid="outcome"]`)
			if got := outcome.AttrOr("data-outcome", ""); got != tt.wantOutcome {
				t.Errorf("outcome = %q, want %q", got, tt.wantOutcome)
			}
			if !strings.Contains(outcome.Text(), tt.wantText) {
				t.Errorf("message lacks %q: %s", tt.wantText, outcome.Text())
			}
			if page.Doc.Find(`[data-testid="recheck"]`).Length() != 1 {
				t.Error("no Check again button")
			}
		})
	}
}

func TestChangePasswordReplacesStoredOne(t *testing.T) {
	app := newApp(t)
	app.Fake.AddAccount(shiprockettest.Account{Email: "asha+api@gmail.com", Password: goodPassword})
	b := app.browser(t)
	b.startSeller("Asha Sarees", "Asha", "asha@gmail.com")
	b.post("/credentials", "/credentials", url.Values{
		"api_email": {"asha+api@gmail.com"}, "password": {goodPassword},
	})
	seller := onlySeller(t, app)
	before, err := app.Store.Secret(context.Background(), seller.ID, store.PurposePassword)
	if err != nil {
		t.Fatal(err)
	}

	app.Fake.SetPassword("asha+api@gmail.com", "New-Generated-Pw-2")
	if got := b.get("/done").Doc.Find(`a[data-testid="change-password"]`).AttrOr("href", ""); got != "/password" {
		t.Fatalf("done page change-password link = %q", got)
	}
	res := b.post("/password", "/password", url.Values{
		"api_email": {"asha+api@gmail.com"}, "password": {"New-Generated-Pw-2"},
	})
	if res.Location != "/done" {
		t.Fatalf("new password: redirected to %q, want /done", res.Location)
	}

	after, err := app.Store.Secret(context.Background(), seller.ID, store.PurposePassword)
	if err != nil {
		t.Fatal(err)
	}
	if string(after.Sealed) == string(before.Sealed) {
		t.Error("stored password was not replaced")
	}
	plain, err := app.Keys.Open(after.KeyID, after.Sealed, []byte("seller:1:shiprocket_password"))
	if err != nil || string(plain) != "New-Generated-Pw-2" {
		t.Errorf("stored password opens to %q, %v", plain, err)
	}
	if strings.Contains(string(after.Sealed), "New-Generated-Pw-2") {
		t.Error("password stored in clear")
	}
}

func TestResumeLinks(t *testing.T) {
	app := newApp(t)
	b := app.browser(t)
	first := b.startSeller("Asha Sarees", "Asha", "asha@gmail.com")
	b.get("/steps/3")

	other := app.browser(t)
	res := other.get(strings.TrimPrefix(first, app.URL))
	if res.Status != http.StatusSeeOther || res.Location != "/steps/3" {
		t.Fatalf("resume: %d %q, want 303 /steps/3", res.Status, res.Location)
	}
	if got := other.get("/steps/3").Status; got != http.StatusOK {
		t.Errorf("resumed session cannot open its step: %d", got)
	}

	res = b.post("/welcome", "/link", url.Values{})
	if res.Location != "/welcome" {
		t.Fatalf("new link: redirected to %q", res.Location)
	}
	second := b.get("/welcome").text(`[data-testid="resume-link"]`)
	if second == "" || second == first {
		t.Fatalf("new link = %q, want a different one", second)
	}

	stale := app.browser(t).get(strings.TrimPrefix(first, app.URL))
	if stale.Status != http.StatusNotFound || !strings.Contains(stale.Body, "start again") {
		t.Errorf("replaced link: status %d, want 404 with a way back", stale.Status)
	}
	if got := app.browser(t).get("/r/not-a-real-token").Status; got != http.StatusNotFound {
		t.Errorf("unknown link: status %d, want 404", got)
	}
	if got := app.browser(t).get(strings.TrimPrefix(second, app.URL)).Location; got != "/steps/3" {
		t.Errorf("new link leads to %q, want /steps/3", got)
	}

	app.Clock.Advance(30*24*time.Hour + time.Minute)
	expired := app.browser(t).get(strings.TrimPrefix(second, app.URL))
	if expired.Status != http.StatusNotFound || !strings.Contains(expired.Body, "has expired") ||
		!strings.Contains(expired.Body, "start again") {
		t.Errorf("expired link: status %d, want 404 saying it expired, with a way back",
			expired.Status)
	}
}

func TestSellerPagesNeedASession(t *testing.T) {
	app := newApp(t)
	b := app.browser(t)
	for _, path := range []string{"/welcome", "/steps/1", "/credentials", "/status", "/done",
		"/password"} {
		if res := b.get(path); res.Status != http.StatusSeeOther || res.Location != "/" {
			t.Errorf("GET %s without a session: %d %q, want 303 /", path, res.Status, res.Location)
		}
	}
}

func onlySeller(t *testing.T, app *testApp) store.Seller {
	t.Helper()
	rows, err := app.Store.Queue(context.Background(), store.QueueFilter{})
	if err != nil || len(rows) != 1 {
		t.Fatalf("want exactly one seller, got %d (%v)", len(rows), err)
	}
	return rows[0].Seller
}
