package handlers_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gorilla/securecookie"

	"github.com/aicofounder/shiprocket-portal/handlers"
	"github.com/aicofounder/shiprocket-portal/password"
	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/vault"
	"github.com/aicofounder/shiprocket-portal/verify"
	"github.com/aicofounder/shiprocket-portal/views"
)

// staffCookie is the staff session cookie's name when the portal is served over plain http.
const staffCookie = "portal_staff"

// wrongLogin is the one message every refused sign-in shows.
const wrongLogin = "Email or password is wrong."

// addStaff creates a staff account with the given password, the way "staff add" does.
func addStaff(t *testing.T, app *testApp, email, name, pw string) store.Staff {
	t.Helper()
	hash, err := password.Hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	s, err := app.Store.CreateStaff(context.Background(), email, name, hash, store.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// signIn posts the sign-in form, with the CSRF token and the hidden next field of the form at
// from.
func (b *browser) signIn(from, email, pw string) page {
	b.t.Helper()
	form := b.get(from).Doc.Find(`form[action="/admin/login"]`)
	vals := url.Values{"email": {email}, "password": {pw}}
	if next, ok := form.Find(`input[name="next"]`).Attr("value"); ok {
		vals.Set("next", next)
	}
	return b.post(from, "/admin/login", vals)
}

// wantRedirect fails the test unless p is a 303 to location.
func wantRedirect(t *testing.T, what string, p page, location string) {
	t.Helper()
	if p.Status != http.StatusSeeOther || p.Location != location {
		t.Fatalf("%s: status %d location %q, want 303 %q\n%s", what, p.Status, p.Location,
			location, p.Body)
	}
}

// staffSessionCookie returns the staff session cookie the browser holds, "" when none.
func (b *browser) staffSessionCookie() string {
	for _, c := range b.http.Jar.Cookies(mustURL(b.app.URL)) {
		if c.Name == staffCookie {
			return c.Value
		}
	}
	return ""
}

func TestStaffLogin(t *testing.T) {
	app := newApp(t)
	const pw = "Staff-Pass-2026 ok"
	asha := addStaff(t, app, "asha@example.com", "Asha Rao", pw)
	gone := addStaff(t, app, "gone@example.com", "Gone Person", pw)
	if err := app.Store.DisableStaff(context.Background(), gone.ID,
		store.Actor{StaffID: asha.ID}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		email, pw string
		ok        bool
		// The failure log line has the reason, the client's address and either staff_id or
		// email_domain.
		reason   string
		logKey   string
		logValue any
	}{
		{name: "right password", email: "asha@example.com", pw: pw, ok: true},
		{name: "email in other case and spaces", email: " ASHA@Example.com ", pw: pw, ok: true},
		{name: "wrong password", email: "asha@example.com", pw: pw + "x",
			reason: "wrong_password", logKey: "staff_id", logValue: float64(asha.ID)},
		{name: "password in other case", email: "asha@example.com", pw: strings.ToUpper(pw),
			reason: "wrong_password", logKey: "staff_id", logValue: float64(asha.ID)},
		{name: "password with a trailing space", email: "asha@example.com", pw: pw + " ",
			reason: "wrong_password", logKey: "staff_id", logValue: float64(asha.ID)},
		{name: "unknown email", email: "nobody@intruder.example", pw: pw,
			reason: "unknown_email", logKey: "email_domain", logValue: "intruder.example"},
		{name: "disabled account, right password", email: "gone@example.com", pw: pw,
			reason: "disabled", logKey: "staff_id", logValue: float64(gone.ID)},
		{name: "empty password", email: "asha@example.com", pw: "",
			reason: "invalid_input", logKey: "email_domain", logValue: "example.com"},
		{name: "not an email", email: "asha", pw: pw,
			reason: "invalid_input", logKey: "email_domain", logValue: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := app.browser(t)
			before := len(app.Logs.String())

			res := b.signIn("/admin/login", tt.email, tt.pw)
			logs := app.Logs.String()[before:]

			if tt.ok {
				wantRedirect(t, "sign-in", res, "/admin")
				recs := logRecords(t, logs, "staff login")
				if len(recs) != 1 || recs[0]["level"] != "INFO" ||
					recs[0]["staff_id"] != float64(asha.ID) {
					t.Fatalf("success log lines %v, want one at INFO for staff %d", recs, asha.ID)
				}
				home := b.get("/admin")
				if home.Status != http.StatusOK || home.text(".who") != "Asha Rao" {
					t.Fatalf("/admin after sign-in: status %d, who %q", home.Status,
						home.text(".who"))
				}
				return
			}

			if res.Status != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", res.Status)
			}
			if got := res.text(`[data-testid="login-error"]`); got != wrongLogin {
				t.Fatalf("message %q, want %q", got, wrongLogin)
			}
			if b.staffSessionCookie() != "" {
				t.Fatal("a refused sign-in set a staff session cookie")
			}
			recs := logRecords(t, logs, "staff login failed")
			if len(recs) != 1 {
				t.Fatalf("%d failure log lines, want 1:\n%s", len(recs), logs)
			}
			rec := recs[0]
			if rec["level"] != "WARN" || rec["reason"] != tt.reason ||
				rec[tt.logKey] != tt.logValue || rec["client"] != "127.0.0.1" || len(rec) != 7 {
				t.Fatalf("failure log line %v, want WARN, reason %s, %s %v, client 127.0.0.1 "+
					"and nothing else", rec, tt.reason, tt.logKey, tt.logValue)
			}
			if strings.Contains(logs, "nobody@") || strings.Contains(logs, "asha@") {
				t.Fatalf("a failure log names the whole email:\n%s", logs)
			}
			if tt.pw != "" && strings.Contains(logs, tt.pw) {
				t.Fatal("the password is in the logs")
			}
			if got := b.get("/admin"); got.Status != http.StatusSeeOther {
				t.Fatalf("/admin after a refused sign-in: status %d, want 303", got.Status)
			}
		})
	}
}

// TestStaffLoginTimingIsSimilar checks that an unknown email costs a password hash too, so the
// answer's timing does not tell which accounts exist. The fastest of several tries is compared,
// which a busy machine only slows down, and the margin is wide: without the dummy hash an
// unknown email answers about thirty times faster.
func TestStaffLoginTimingIsSimilar(t *testing.T) {
	app := newApp(t)
	const pw = "Staff-Pass-2026 ok"
	addStaff(t, app, "asha@example.com", "Asha", pw)
	b := app.browser(t)
	token := b.get("/admin/login").Doc.Find(`input[name="_csrf"]`).AttrOr("value", "")

	fastest := func(email, pw string) time.Duration {
		best := time.Hour
		for range 5 {
			start := time.Now()
			res := b.postRaw("/admin/login", url.Values{"_csrf": {token}, "email": {email},
				"password": {pw}}, nil)
			if res.Status != http.StatusUnauthorized {
				t.Fatalf("sign-in as %s: status %d, want 401", email, res.Status)
			}
			best = min(best, time.Since(start))
		}
		return best
	}
	known := fastest("asha@example.com", "wrong-"+pw)
	unknown := fastest("nobody@example.com", pw)
	invalid := fastest("not-an-email", pw)

	if unknown < known/4 || invalid < known/4 {
		t.Fatalf("fastest refusals: wrong password %v, unknown email %v, invalid email %v; "+
			"the last two should cost a hash too", known, unknown, invalid)
	}
}

func TestStaffLoginNeedsCSRF(t *testing.T) {
	app := newApp(t)
	addStaff(t, app, "asha@example.com", "Asha", "Staff-Pass-2026 ok")
	b := app.browser(t)
	b.get("/admin/login")

	res := b.postRaw("/admin/login", url.Values{"email": {"asha@example.com"},
		"password": {"Staff-Pass-2026 ok"}}, nil)
	if res.Status != http.StatusForbidden || b.staffSessionCookie() != "" {
		t.Fatalf("sign-in without a CSRF token: status %d, want 403 and no session", res.Status)
	}
}

func TestStaffLoginNext(t *testing.T) {
	app := newApp(t)
	const pw = "Staff-Pass-2026 ok"
	addStaff(t, app, "asha@example.com", "Asha", pw)

	tests := []struct {
		next, want string
	}{
		{"", "/admin"},
		{"/admin/sellers/7", "/admin/sellers/7"},
		{"/admin?status=verified&q=saree", "/admin?status=verified&q=saree"},
		{"//evil.example", "/admin"},
		{"//evil.example/admin", "/admin"},
		{`/\evil.example`, "/admin"},
		{`/admin\..\..\evil`, "/admin"},
		{"https://evil.example", "/admin"},
		{"https:/evil.example", "/admin"},
		{"javascript:alert(1)", "/admin"},
		{"evil.example", "/admin"},
		{"/\t/evil.example", "/admin"},
		{"/\n/evil.example", "/admin"},
		{"/%09/evil.example", "/%09/evil.example"}, // stays a path on this host
	}
	for _, tt := range tests {
		t.Run(tt.next, func(t *testing.T) {
			b := app.browser(t)
			from := "/admin/login?" + url.Values{"next": {tt.next}}.Encode()

			// The form carries next through, and the posted value is checked again.
			res := b.signIn(from, "asha@example.com", pw)
			wantRedirect(t, "sign-in via the form", res, tt.want)

			res = app.browser(t).post("/admin/login", "/admin/login", url.Values{
				"email": {"asha@example.com"}, "password": {pw}, "next": {tt.next},
			})
			wantRedirect(t, "sign-in with a posted next", res, tt.want)
		})
	}
}

func TestStaffPagesNeedASession(t *testing.T) {
	app := newApp(t)
	const pw = "Staff-Pass-2026 ok"
	addStaff(t, app, "asha@example.com", "Asha", pw)
	b := app.browser(t)

	wantRedirect(t, "GET /admin", b.get("/admin"), "/admin/login")
	wantRedirect(t, "GET /admin?status=verified", b.get("/admin?status=verified"),
		"/admin/login?next=%2Fadmin%3Fstatus%3Dverified")
	wantRedirect(t, "GET seller", b.get("/admin/sellers/7"),
		"/admin/login?next=%2Fadmin%2Fsellers%2F7")
	wantRedirect(t, "POST logout", b.post("/admin/login", "/admin/logout", url.Values{}),
		"/admin/login")

	// Signing in from the redirect lands on the page first asked for.
	wantRedirect(t, "sign-in", b.signIn("/admin/login?next=%2Fadmin%2Fsellers%2F7",
		"asha@example.com", pw), "/admin/sellers/7")
}

func TestStaffLogoutEndsEverySession(t *testing.T) {
	app := newApp(t)
	const pw = "Staff-Pass-2026 ok"
	addStaff(t, app, "asha@example.com", "Asha", pw)
	addStaff(t, app, "ravi@example.com", "Ravi", pw)

	laptop, phone, other := app.browser(t), app.browser(t), app.browser(t)
	wantRedirect(t, "laptop sign-in", laptop.signIn("/admin/login", "asha@example.com", pw),
		"/admin")
	wantRedirect(t, "phone sign-in", phone.signIn("/admin/login", "asha@example.com", pw),
		"/admin")
	wantRedirect(t, "other sign-in", other.signIn("/admin/login", "ravi@example.com", pw),
		"/admin")
	for name, b := range map[string]*browser{"laptop": laptop, "phone": phone, "other": other} {
		if got := b.get("/admin"); got.Status != http.StatusOK {
			t.Fatalf("%s before logout: status %d", name, got.Status)
		}
	}
	stolen := laptop.staffSessionCookie()

	res := laptop.post("/admin", "/admin/logout", url.Values{})
	wantRedirect(t, "logout", res, "/admin/login")
	if laptop.staffSessionCookie() != "" {
		t.Fatal("logout left the staff cookie in the browser")
	}

	wantRedirect(t, "laptop after logout", laptop.get("/admin"), "/admin/login")
	wantRedirect(t, "phone after logout", phone.get("/admin"), "/admin/login")
	if got := other.get("/admin"); got.Status != http.StatusOK {
		t.Fatalf("another account's session ended too: status %d", got.Status)
	}

	// A copy of the old cookie is dead on the server, not only deleted in the browser.
	replay := app.browser(t)
	replay.setStaffCookie(stolen)
	wantRedirect(t, "replayed cookie", replay.get("/admin"), "/admin/login")

	// Signing in again works.
	wantRedirect(t, "sign-in again", laptop.signIn("/admin/login", "asha@example.com", pw),
		"/admin")
	if got := laptop.get("/admin"); got.Status != http.StatusOK {
		t.Fatalf("after signing in again: status %d", got.Status)
	}
}

func TestDisablingStaffEndsSessions(t *testing.T) {
	app := newApp(t)
	const pw = "Staff-Pass-2026 ok"
	asha := addStaff(t, app, "asha@example.com", "Asha", pw)
	ravi := addStaff(t, app, "ravi@example.com", "Ravi", pw)
	b := app.browser(t)
	wantRedirect(t, "sign-in", b.signIn("/admin/login", "asha@example.com", pw), "/admin")

	if err := app.Store.DisableStaff(context.Background(), asha.ID,
		store.Actor{StaffID: ravi.ID}); err != nil {
		t.Fatal(err)
	}
	wantRedirect(t, "after disabling", b.get("/admin"), "/admin/login")
}

// logRecords returns the JSON log records with the given message.
func logRecords(t *testing.T, logs, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

// setStaffCookie puts a staff session cookie in the browser's jar.
func (b *browser) setStaffCookie(value string) {
	b.http.Jar.SetCookies(mustURL(b.app.URL),
		[]*http.Cookie{{Name: staffCookie, Value: value, Path: "/"}})
}

// sessionCodecs are the cookie codecs the portal builds from the keyring: the same derived pairs
// as in newApp, with the staff lifetime.
func sessionCodecs(keys *vault.Keyring) []securecookie.Codec {
	var pairs [][]byte
	auth, enc := keys.Derive("session-auth", 32), keys.Derive("session-encrypt", 32)
	for i := range auth {
		pairs = append(pairs, auth[i], enc[i])
	}
	codecs := securecookie.CodecsFromPairs(pairs...)
	for _, c := range codecs {
		c.(*securecookie.SecureCookie).MaxAge(12 * 60 * 60)
		c.(*securecookie.SecureCookie).SetSerializer(handlers.SessionCodec{})
	}
	return codecs
}

// craftStaffSession encodes session values exactly as the portal's cookie store would. The keys
// mirror handlers/staff.go: staff_id, staff_version, issued_at and seen_at (unix seconds).
func craftStaffSession(t *testing.T, keys *vault.Keyring, values map[any]any) string {
	t.Helper()
	v, err := securecookie.EncodeMulti(staffCookie, values, sessionCodecs(keys)...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestStaffSessionTimeouts(t *testing.T) {
	app := newApp(t)
	asha := addStaff(t, app, "asha@example.com", "Asha", "Staff-Pass-2026 ok")
	now := app.Clock.Now() // the portal's clock, which stands still
	ago := func(d time.Duration) int64 { return now.Add(-d).Unix() }

	tests := []struct {
		name            string
		id, version     int64
		issued, seen    int64
		ok              bool
		wantLogLineWith string
	}{
		{"fresh", asha.ID, 1, ago(time.Minute), ago(time.Minute), true, ""},
		{"idle 29 minutes", asha.ID, 1, ago(2 * time.Hour), ago(29 * time.Minute), true, ""},
		{"idle 31 minutes", asha.ID, 1, ago(2 * time.Hour), ago(31 * time.Minute), false, "idle"},
		{"11h55m old, active", asha.ID, 1, ago(11*time.Hour + 55*time.Minute), ago(time.Minute),
			true, ""},
		{"12h05m old, active", asha.ID, 1, ago(12*time.Hour + 5*time.Minute), ago(time.Minute),
			false, "expired"},
		{"no issued time", asha.ID, 1, 0, ago(time.Minute), false, "expired"},
		{"older session version", asha.ID, 0, ago(time.Minute), ago(time.Minute), false, "ended"},
		{"unknown account", asha.ID + 50, 1, ago(time.Minute), ago(time.Minute), false,
			"unknown_account"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := app.browser(t)
			b.setStaffCookie(craftStaffSession(t, app.Keys, map[any]any{
				"staff_id": tt.id, "staff_version": tt.version,
				"issued_at": tt.issued, "seen_at": tt.seen,
			}))
			before := len(app.Logs.String())

			res := b.get("/admin")

			if !tt.ok {
				wantRedirect(t, "GET /admin", res, "/admin/login")
				if b.staffSessionCookie() != "" {
					t.Fatal("the refused cookie was not removed")
				}
				recs := logRecords(t, app.Logs.String()[before:], "staff session refused")
				if len(recs) != 1 || recs[0]["reason"] != tt.wantLogLineWith {
					t.Fatalf("refusal log lines %v, want one with reason %s", recs,
						tt.wantLogLineWith)
				}
				return
			}

			if res.Status != http.StatusOK {
				t.Fatalf("GET /admin: status %d, want 200", res.Status)
			}
			// The idle timer restarted, the absolute start did not move.
			var got map[any]any
			err := securecookie.DecodeMulti(staffCookie, b.staffSessionCookie(), &got,
				sessionCodecs(app.Keys)...)
			if err != nil {
				t.Fatal(err)
			}
			if seen, _ := got["seen_at"].(int64); seen != now.Unix() {
				t.Fatalf("seen_at = %d, want %d", seen, now.Unix())
			}
			if got["issued_at"] != tt.issued || got["staff_id"] != tt.id {
				t.Fatalf("session values changed: %v", got)
			}
		})
	}
}

func TestStaffCookieThatNoLongerDecodes(t *testing.T) {
	app := newApp(t)
	asha := addStaff(t, app, "asha@example.com", "Asha", "Staff-Pass-2026 ok")
	now := time.Now().Unix()
	values := map[any]any{"staff_id": asha.ID, "staff_version": int64(1), "issued_at": now,
		"seen_at": now}

	cookies := map[string]string{
		"garbage":                   "not-a-cookie",
		"other keys (rotated away)": craftStaffSession(t, vault.GenerateKeyring(), values),
		"tampered": func() string {
			v := []byte(craftStaffSession(t, app.Keys, values))
			v[len(v)/2] ^= 1
			return string(v)
		}(),
	}
	for name, value := range cookies {
		t.Run(name, func(t *testing.T) {
			b := app.browser(t)
			b.setStaffCookie(value)

			before := len(app.Logs.String())
			res := b.get("/admin/sellers/1")
			wantRedirect(t, "GET seller", res, "/admin/login?next=%2Fadmin%2Fsellers%2F1")
			recs := logRecords(t, app.Logs.String()[before:], "staff session refused")
			if len(recs) != 1 || recs[0]["reason"] != "unreadable_cookie" {
				t.Fatalf("refusal log lines %v, want one with reason unreadable_cookie", recs)
			}
			if b.staffSessionCookie() != "" {
				t.Fatal("the undecodable cookie was not removed")
			}
			if login := b.get("/admin/login"); login.Status != http.StatusOK {
				t.Fatalf("login page with that cookie: status %d", login.Status)
			}
		})
	}

	// The control: the same values under the right keys are accepted, so the cases above fail
	// for the reason they claim.
	b := app.browser(t)
	b.setStaffCookie(craftStaffSession(t, app.Keys, values))
	if got := b.get("/admin/sellers/1"); got.Status != http.StatusNotFound {
		t.Fatalf("a well-formed cookie: status %d, want 404 (no seller 1)", got.Status)
	}
}

// sellerKit makes sellers the way the wizard does, through the store and the verify service
// against the app's fake Shiprocket.
type sellerKit struct {
	t      *testing.T
	app    *testApp
	checks *verify.Service
}

func newSellerKit(t *testing.T, app *testApp) *sellerKit {
	client, err := shiprocket.New(shiprocket.Config{BaseURL: app.Fake.URL(), MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(app.Logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return &sellerKit{t: t, app: app, checks: verify.New(app.Store, app.Keys, client, log)}
}

// create makes a seller that has opened guided steps 1 to steps (9 is the credentials form).
func (k *sellerKit) create(storeName, contact, login string, steps int) store.Seller {
	k.t.Helper()
	ctx := context.Background()
	hash := sha256.Sum256([]byte(rand.Text()))
	s, err := k.app.Store.CreateSeller(ctx, store.NewSeller{StoreName: storeName,
		ContactName: contact, LoginEmail: login}, hash[:], time.Hour, store.ActorSeller)
	if err != nil {
		k.t.Fatal(err)
	}
	for n := 1; n <= steps; n++ {
		if err := k.app.Store.ReachStep(ctx, s.ID, n, n > views.TotalSteps); err != nil {
			k.t.Fatal(err)
		}
	}
	return k.reload(s.ID)
}

// submit sends credentials as the credentials form does and returns the result.
func (k *sellerKit) submit(id int64, apiEmail, pw string) verify.Result {
	k.t.Helper()
	res, err := k.checks.Submit(context.Background(), id, apiEmail, pw, store.ActorSeller)
	if err != nil {
		k.t.Fatal(err)
	}
	return res
}

func (k *sellerKit) reload(id int64) store.Seller {
	k.t.Helper()
	s, err := k.app.Store.Seller(context.Background(), id)
	if err != nil {
		k.t.Fatal(err)
	}
	return s
}

// signedInStaff returns a browser signed in as a staff member.
func signedInStaff(t *testing.T, app *testApp) *browser {
	t.Helper()
	addStaff(t, app, "staff@example.com", "Staff Member", "Staff-Pass-2026 ok")
	b := app.browser(t)
	wantRedirect(t, "sign-in", b.signIn("/admin/login", "staff@example.com",
		"Staff-Pass-2026 ok"), "/admin")
	return b
}

// cell returns the trimmed text of the element with the given data-testid inside sel.
func cell(sel *goquery.Selection, testid string) string {
	return strings.TrimSpace(sel.Find(`[data-testid="` + testid + `"]`).First().Text())
}

var staffTimeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d UTC$`)

func TestStaffSellersList(t *testing.T) {
	app := newApp(t)
	k := newSellerKit(t, app)
	const goodPw = "Good-Api-Pw-7731"
	app.Fake.AddAccount(shiprockettest.Account{Email: "meera+api@gmail.com", Password: goodPw})
	app.Fake.AddAccount(shiprockettest.Account{Email: "kabir+api@gmail.com", Password: goodPw})

	steps := k.create("Asha Sarees", "Asha", "asha@gmail.com", 3)
	verified := k.create("Meera Crafts", "Meera", "meera@gmail.com", 9)
	k.submit(verified.ID, "meera+api@gmail.com", goodPw)
	wrong := k.create("Kabir Books", "Kabir", "kabir@gmail.com", 9)
	k.submit(wrong.ID, "kabir+api@gmail.com", "Wrong-Api-Pw-1")
	fresh := k.create("Zoya Tea", "Zoya", "zoya@gmail.com", 0)

	type row struct {
		store, contact, login, apiEmail, status, step, outcome string
		id                                                     int64
	}
	want := []row{
		{"Zoya Tea", "Zoya", "zoya@gmail.com", "—", "not_started", "Not started", "", fresh.ID},
		{"Kabir Books", "Kabir", "kabir@gmail.com", "kabir+api@gmail.com", "needs_action",
			"Credentials form", "wrong_credentials", wrong.ID},
		{"Meera Crafts", "Meera", "meera@gmail.com", "meera+api@gmail.com", "verified",
			"Credentials form", "verified", verified.ID},
		{"Asha Sarees", "Asha", "asha@gmail.com", "—", "in_progress",
			"Step 3 of 8: Add a new API user", "", steps.ID},
	}

	b := signedInStaff(t, app)
	res := b.get("/admin")
	if res.Status != http.StatusOK {
		t.Fatalf("GET /admin: status %d", res.Status)
	}
	rows := res.Doc.Find(`[data-testid="seller-row"]`)
	if rows.Length() != len(want) {
		t.Fatalf("%d rows, want %d\n%s", rows.Length(), len(want), res.Body)
	}
	rows.Each(func(i int, r *goquery.Selection) {
		status, _ := r.Find(`[data-testid="seller-status"]`).Attr("data-status")
		outcome, _ := r.Find(`[data-testid="seller-outcome"]`).Attr("data-outcome")
		href, _ := r.Find(`[data-testid="seller-link"]`).Attr("href")
		got := row{
			store:    cell(r, "seller-store"),
			contact:  cell(r, "seller-contact"),
			login:    cell(r, "seller-login"),
			apiEmail: cell(r, "seller-api-email"),
			status:   status, step: cell(r, "seller-step"), outcome: outcome,
		}
		got.id, _ = strconv.ParseInt(strings.TrimPrefix(href, "/admin/sellers/"), 10, 64)
		if got != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, got, want[i])
		}
		activity := cell(r, "seller-activity")
		if wantAt := views.StaffTime(k.reload(got.id).LastActivityAt); activity != wantAt ||
			!staffTimeRE.MatchString(activity) {
			t.Errorf("row %d activity %q, want %q", i, activity, wantAt)
		}
	})
	if res.Doc.Find(`[data-testid="older"]`).Length() != 0 ||
		res.Doc.Find(`[data-testid="newest"]`).Length() != 0 {
		t.Error("a single page shows paging links")
	}
	if got := cell(rows.Eq(1), "seller-outcome"); got != "Wrong email or password" {
		t.Errorf("outcome label %q", got)
	}

	filters := []struct {
		query string
		want  []int64
	}{
		{"status=verified", []int64{verified.ID}},
		{"status=not_started", []int64{fresh.ID}},
		{"q=KABIR", []int64{wrong.ID}},
		{"q=%2Bapi", []int64{wrong.ID, verified.ID}},
		{"q=100%25", nil},
		{"status=verified&q=asha", nil},
		{"status=bogus", []int64{fresh.ID, wrong.ID, verified.ID, steps.ID}},
	}
	for _, f := range filters {
		got := sellerIDs(t, b.get("/admin?"+f.query))
		if !slices.Equal(got, f.want) {
			t.Errorf("?%s lists %v, want %v", f.query, got, f.want)
		}
	}
}

// sellerIDs returns the seller ids of a list page, in order.
func sellerIDs(t *testing.T, p page) []int64 {
	t.Helper()
	if p.Status != http.StatusOK {
		t.Fatalf("list page: status %d", p.Status)
	}
	var ids []int64
	p.Doc.Find(`[data-testid="seller-row"]`).Each(func(_ int, r *goquery.Selection) {
		id, err := strconv.ParseInt(r.AttrOr("data-seller-id", ""), 10, 64)
		if err != nil {
			t.Fatalf("row without a seller id: %v", err)
		}
		ids = append(ids, id)
	})
	return ids
}

func TestStaffSellersPagination(t *testing.T) {
	app := newApp(t)
	k := newSellerKit(t, app)
	var all []store.Seller
	for i := range 53 {
		all = append(all, k.create(fmt.Sprintf("Store %02d", i), "C", "c@example.com", 0))
	}
	// Newest activity first, ties broken by the higher id.
	slices.SortFunc(all, func(a, b store.Seller) int {
		if c := b.LastActivityAt.Compare(a.LastActivityAt); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
	var wantIDs []int64
	for _, s := range all {
		wantIDs = append(wantIDs, s.ID)
	}

	b := signedInStaff(t, app)
	first := b.get("/admin")
	older, ok := first.Doc.Find(`[data-testid="older"]`).Attr("href")
	if !ok || first.Doc.Find(`[data-testid="newest"]`).Length() != 0 {
		t.Fatalf("first page: older link %v, newest link shown %v", ok,
			first.Doc.Find(`[data-testid="newest"]`).Length() != 0)
	}
	second := b.get(older)
	got := append(sellerIDs(t, first), sellerIDs(t, second)...)
	if len(sellerIDs(t, first)) != 50 || !slices.Equal(got, wantIDs) {
		t.Fatalf("pages list %v, want %v", got, wantIDs)
	}
	if second.Doc.Find(`[data-testid="older"]`).Length() != 0 {
		t.Fatal("the last page has an older link")
	}
	if href, _ := second.Doc.Find(`[data-testid="newest"]`).Attr("href"); href != "/admin" {
		t.Fatalf("newest link %q, want /admin", href)
	}

	// The cursor keeps the filter, and a malformed one means the first page.
	filtered := b.get("/admin?status=not_started&q=store")
	href, _ := filtered.Doc.Find(`[data-testid="older"]`).Attr("href")
	u, err := url.Parse(href)
	if err != nil || u.Query().Get("status") != "not_started" || u.Query().Get("q") != "store" ||
		u.Query().Get("after") == "" {
		t.Fatalf("older link of a filtered page: %q", href)
	}
	for _, bad := range []string{"garbage", "12-", "-5", "1-0", "x-1"} {
		if ids := sellerIDs(t, b.get("/admin?after="+bad)); !slices.Equal(ids, wantIDs[:50]) {
			t.Errorf("after=%s lists %d rows starting %v, want the first page", bad, len(ids),
				ids[:min(3, len(ids))])
		}
	}
}

func TestStaffSellerDetail(t *testing.T) {
	app := newApp(t)
	k := newSellerKit(t, app)
	const (
		rightPw = "Right-Api-Pw-5521"
		wrongPw = "Wrong-Api-Pw-9034"
		downPw  = "Down-Api-Pw-4410"
	)
	app.Fake.AddAccount(shiprockettest.Account{Email: "asha+api@gmail.com", Password: rightPw,
		Denied: []shiprocket.Area{shiprocket.AreaWallet}})

	s := k.create("Asha Sarees", "Asha Verma", "asha@gmail.com", 9)
	k.submit(s.ID, "asha+api@gmail.com", wrongPw)
	app.Fake.SetFault(shiprockettest.Fault{Kind: shiprockettest.FaultStatus, Status: 503,
		Message: "Down for maintenance"})
	k.submit(s.ID, "asha+api@gmail.com", downPw)
	app.Fake.ClearFaults()
	app.Fake.AddAccount(shiprockettest.Account{Email: "asha+api@gmail.com", Password: rightPw})
	k.submit(s.ID, "asha+api@gmail.com", rightPw)
	s = k.reload(s.ID)
	if s.Status != store.StatusVerified {
		t.Fatalf("setup: seller status %s, want verified", s.Status)
	}
	other := k.create("Other Store", "O", "o@gmail.com", 2)

	b := signedInStaff(t, app)
	res := b.get(fmt.Sprintf("/admin/sellers/%d", s.ID))
	if res.Status != http.StatusOK {
		t.Fatalf("detail: status %d", res.Status)
	}
	d := res.Doc.Selection

	facts := map[string]string{
		"contact": "Asha Verma", "login-email": "asha@gmail.com", "api-email": "asha+api@gmail.com",
		"step":         "Credentials form",
		"created-at":   views.StaffTime(s.CreatedAt),
		"activity-at":  views.StaffTime(s.LastActivityAt),
		"submitted-at": views.StaffTime(s.SubmittedAt),
		"verified-at":  views.StaffTime(s.VerifiedAt),
		"checked-at":   views.StaffTime(s.LastCheckedAt),
	}
	for id, want := range facts {
		if got := cell(d, id); got != want || want == "—" {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	if got := res.text("h1"); got != "Asha Sarees" {
		t.Errorf("heading %q", got)
	}
	if got := d.Find(`[data-testid="seller-status"]`).AttrOr("data-status", ""); got != "verified" {
		t.Errorf("status badge %q, want verified", got)
	}

	type checkRow struct {
		outcome, http, message, apiEmail, trigger string
		modules                                   int
	}
	want := []checkRow{
		{"verified", "200", "—", "asha+api@gmail.com", "seller", len(shiprocket.Areas())},
		{"unavailable", "503", "Down for maintenance", "asha+api@gmail.com", "seller", 0},
		{"wrong_credentials", "403", shiprockettest.WrongCredentialsMessage, "asha+api@gmail.com",
			"seller", 0},
	}
	rows := d.Find(`[data-testid="check-row"]`)
	if rows.Length() != len(want) {
		t.Fatalf("%d check rows, want %d", rows.Length(), len(want))
	}
	rows.Each(func(i int, r *goquery.Selection) {
		got := checkRow{
			outcome: r.Find(`[data-testid="check-outcome"]`).AttrOr("data-outcome", ""),
			http:    cell(r, "check-http"), message: cell(r, "check-message"),
			apiEmail: cell(r, "check-api-email"),
			trigger:  strings.TrimSpace(r.Find("td").Eq(2).Text()),
			modules:  r.Find(`[data-testid="module"]`).Length(),
		}
		if got != want[i] {
			t.Errorf("check %d = %+v, want %+v", i, got, want[i])
		}
		for _, td := range []int{0, 1} {
			text := strings.TrimSpace(r.Find("td").Eq(td).Text())
			if !staffTimeRE.MatchString(text) {
				t.Errorf("check %d time column %d = %q", i, td, text)
			}
		}
	})
	if got := rows.Eq(0).Find(`[data-access="granted"]`).Length(); got != len(shiprocket.Areas()) {
		t.Errorf("verified check shows %d granted modules, want all %d", got,
			len(shiprocket.Areas()))
	}
	if got := cell(rows.Eq(0), "check-buyer"); got != "Buyer details: visible" {
		t.Errorf("buyer access %q", got)
	}

	var kinds []string
	d.Find(`[data-testid="event"]`).Each(func(_ int, e *goquery.Selection) {
		kinds = append(kinds, e.AttrOr("data-kind", ""))
	})
	wantKinds := []string{"checked", "submitted", "checked", "submitted", "checked", "submitted"}
	for range 9 {
		wantKinds = append(wantKinds, "step_reached")
	}
	wantKinds = append(wantKinds, "created")
	if !slices.Equal(kinds, wantKinds) {
		t.Errorf("timeline %v, want %v", kinds, wantKinds)
	}
	if got := strings.TrimSpace(d.Find(`[data-testid="event"]`).Eq(6).Find("span").First().
		Text()); got != "Reached Credentials form" {
		t.Errorf("newest step event %q", got)
	}

	// Nothing of any password or token reaches the staff pages.
	list := b.get("/admin")
	otherPage := b.get(fmt.Sprintf("/admin/sellers/%d", other.ID))
	for _, p := range []page{res, list, otherPage} {
		for _, secret := range []string{rightPw, wrongPw, downPw, "eyJ"} {
			if strings.Contains(p.Body, secret) {
				t.Errorf("a staff page contains %q", secret)
			}
		}
	}
	if logs := app.Logs.String(); strings.Contains(logs, rightPw) {
		t.Error("the logs contain the seller's password")
	}
}

func TestStaffSellerNotFound(t *testing.T) {
	app := newApp(t)
	k := newSellerKit(t, app)
	s := k.create("Asha Sarees", "Asha", "asha@gmail.com", 1)
	b := signedInStaff(t, app)

	if got := b.get(fmt.Sprintf("/admin/sellers/%d", s.ID)); got.Status != http.StatusOK {
		t.Fatalf("existing seller: status %d", got.Status)
	}
	for _, id := range []string{strconv.FormatInt(s.ID+1, 10), "abc", "0", "-1",
		"0" + strconv.FormatInt(s.ID, 10), "+1", "99999999999999999999"} {
		res := b.get("/admin/sellers/" + url.PathEscape(id))
		if res.Status != http.StatusNotFound ||
			res.text(`[data-testid="error-message"]`) != "There is no page at this address." {
			t.Errorf("/admin/sellers/%s: status %d, message %q", id, res.Status,
				res.text(`[data-testid="error-message"]`))
		}
	}
}

// TestStaffLoginLogIsStructured checks the sign-in log lines carry ids, never secrets.
func TestStaffLoginLogIsStructured(t *testing.T) {
	app := newApp(t)
	const pw = "Staff-Pass-2026 ok"
	asha := addStaff(t, app, "asha@example.com", "Asha", pw)
	b := app.browser(t)
	b.signIn("/admin/login", "asha@example.com", "not-"+pw)
	b.signIn("/admin/login", "asha@example.com", pw)
	b.post("/admin", "/admin/logout", url.Values{})

	var got []string
	for _, line := range strings.Split(strings.TrimSpace(app.Logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		msg, _ := rec["msg"].(string)
		if !strings.HasPrefix(msg, "staff ") {
			continue
		}
		if rec["request_id"] == nil {
			t.Errorf("%q has no request_id", msg)
		}
		got = append(got, fmt.Sprintf("%s %s %v", rec["level"], msg, rec["staff_id"]))
	}
	id := float64(asha.ID)
	want := []string{
		fmt.Sprintf("WARN staff login failed %v", id),
		fmt.Sprintf("INFO staff login %v", id),
		fmt.Sprintf("INFO staff logout %v", id),
	}
	if !slices.Equal(got, want) {
		t.Fatalf("staff log lines %q, want %q", got, want)
	}
	if logs := app.Logs.String(); strings.Contains(logs, pw) {
		t.Fatal("the password is in the logs")
	}
	if c := b.staffSessionCookie(); c != "" && strings.Contains(app.Logs.String(), c) {
		t.Fatal("the session cookie is in the logs")
	}
}
