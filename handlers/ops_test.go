package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
	"github.com/aicofounder/shiprocket-portal/static"
	"github.com/aicofounder/shiprocket-portal/store"
)

// head sends a HEAD request with the browser's cookies.
func (b *browser) head(path string) page {
	b.t.Helper()
	resp, err := b.http.Head(b.app.URL + path)
	if err != nil {
		b.t.Fatalf("HEAD %s: %v", path, err)
	}
	return readPage(b.t, resp)
}

// TestHeadAnswersLikeGet asks every kind of GET route with HEAD: the status and content type
// are the GET's, the body is empty, and the log names the HEAD.
func TestHeadAnswersLikeGet(t *testing.T) {
	app := newApp(t)
	tests := []struct {
		name       string
		path       string
		wantStatus int
		wantType   string
		wantLoc    string
	}{
		{"start page", "/", http.StatusOK, "text/html; charset=UTF-8", ""},
		{"health", "/healthz", http.StatusOK, "text/plain; charset=UTF-8", ""},
		{"readiness", "/readyz", http.StatusOK, "text/plain; charset=UTF-8", ""},
		{"stylesheet", static.Path("app.css"), http.StatusOK, "text/css; charset=utf-8", ""},
		{"staff sign-in", "/admin/login", http.StatusOK, "text/html; charset=UTF-8", ""},
		{"staff queue, signed out", "/admin", http.StatusSeeOther, "", "/admin/login"},
		{"no such page", "/nowhere", http.StatusNotFound, "text/html; charset=UTF-8", ""},
		{"post-only route", "/start", http.StatusMethodNotAllowed, "text/html; charset=UTF-8",
			""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := app.browser(t)
			get := b.get(tt.path)
			before := len(app.Logs.String())
			head := b.head(tt.path)
			logs := app.Logs.String()[before:]

			if get.Status != tt.wantStatus || head.Status != tt.wantStatus {
				t.Errorf("GET %d, HEAD %d, want %d", get.Status, head.Status, tt.wantStatus)
			}
			if got := head.Header.Get("Content-Type"); got != tt.wantType ||
				get.Header.Get("Content-Type") != tt.wantType {
				t.Errorf("HEAD content type %q, GET %q, want %q", got,
					get.Header.Get("Content-Type"), tt.wantType)
			}
			if head.Location != tt.wantLoc {
				t.Errorf("HEAD location %q, want %q", head.Location, tt.wantLoc)
			}
			if head.Body != "" {
				t.Errorf("HEAD sent a body of %d bytes", len(head.Body))
			}
			if tt.wantStatus == http.StatusOK && get.Body == "" {
				t.Error("GET sent no body")
			}
			recs := logRecords(t, logs, "request")
			if len(recs) != 1 || recs[0]["method"] != http.MethodHead {
				t.Errorf("request log lines %v, want one for HEAD", recs)
			}
		})
	}
}

// TestNoCookieOnAssetsAndHealth checks that static files and the health checks set no cookie,
// while a page still sets the CSRF cookie its forms need.
func TestNoCookieOnAssetsAndHealth(t *testing.T) {
	app := newApp(t)
	tests := []struct {
		path       string
		wantCookie bool
	}{
		{static.Path("app.css"), false},
		{static.Path("app.js"), false},
		{"/healthz", false},
		{"/readyz", false},
		{"/", true},
		{"/admin/login", true},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res := app.browser(t).get(tt.path)
			if res.Status != http.StatusOK {
				t.Fatalf("status %d", res.Status)
			}
			cookies := res.Header.Values("Set-Cookie")
			if got := len(cookies) > 0; got != tt.wantCookie {
				t.Errorf("cookies %q, want a cookie: %v", cookies, tt.wantCookie)
			}
		})
	}
}

// TestReadyz checks the readiness endpoint on a writable database, and that probing it leaves
// the write lock free for the next write. The failing side, a locked database, runs in the root
// package's start-up tests.
func TestReadyz(t *testing.T) {
	app := newApp(t)
	b := app.browser(t)
	for i := range 3 {
		res := b.get("/readyz")
		if res.Status != http.StatusOK || res.Body != "ok" {
			t.Fatalf("probe %d: status %d body %q, want 200 ok", i, res.Status, res.Body)
		}
	}
	if link := b.startSeller("After Probes", "Asha", "asha@gmail.com"); link == "" {
		t.Fatal("no seller could start after the probes")
	}
}

// TestStaffErrorPagesLeadToTheQueue checks that error pages under /admin lead back to the queue
// and carry no seller footer, while a seller's error page leads to the start page and keeps it.
func TestStaffErrorPagesLeadToTheQueue(t *testing.T) {
	app := newApp(t)
	addMember(t, app, "ravi@example.com", "Ravi Support", store.RoleSupport)
	support := signedIn(t, app, "ravi@example.com")
	big := url.Values{"store_name": {strings.Repeat("x", 70<<10)}}

	tests := []struct {
		name       string
		res        func() page
		wantStatus int
		wantHref   string
		wantFooter bool
	}{
		{"support opens the staff page", func() page { return support.get("/admin/staff") },
			http.StatusForbidden, "/admin", false},
		{"oversized staff form", func() page {
			return app.browser(t).postRaw("/admin/invite", big, nil)
		}, http.StatusRequestEntityTooLarge, "/admin", false},
		{"no such staff page", func() page { return support.get("/admin/nowhere") },
			http.StatusNotFound, "/admin", false},
		{"no such seller page", func() page { return app.browser(t).get("/nowhere") },
			http.StatusNotFound, "/", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.res()
			if res.Status != tt.wantStatus {
				t.Fatalf("status %d, want %d", res.Status, tt.wantStatus)
			}
			if res.text(`[data-testid="error-message"]`) == "" {
				t.Error("the error page has no message")
			}
			href, _ := res.Doc.Find("main a.button").Attr("href")
			if href != tt.wantHref {
				t.Errorf("the way back goes to %q, want %q", href, tt.wantHref)
			}
			if got := res.Doc.Find("footer.site").Length() == 1; got != tt.wantFooter {
				t.Errorf("seller footer shown: %v, want %v", got, tt.wantFooter)
			}
		})
	}
}

// TestSellerFooterOnlyOnSellerPages checks the footer that promises sellers the portal never
// asks for their main password: on seller pages, not on any staff page.
func TestSellerFooterOnlyOnSellerPages(t *testing.T) {
	app := newApp(t)
	staff := signedInStaff(t, app)
	seller := app.browser(t)
	seller.startSeller("Footer Foods", "Farah", "farah@gmail.com")

	tests := []struct {
		name       string
		b          *browser
		path       string
		wantFooter bool
	}{
		{"start page", app.browser(t), "/", true},
		{"seller step", seller, "/steps/1", true},
		{"seller credentials", seller, "/credentials", true},
		{"staff sign-in", app.browser(t), "/admin/login", false},
		{"staff queue", staff, "/admin", false},
		{"staff account", staff, "/admin/account", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.b.get(tt.path)
			if res.Status != http.StatusOK {
				t.Fatalf("status %d", res.Status)
			}
			footer := res.Doc.Find("footer.site")
			if got := footer.Length() == 1; got != tt.wantFooter {
				t.Fatalf("footer shown: %v, want %v", got, tt.wantFooter)
			}
			if tt.wantFooter && !strings.Contains(footer.Text(), "password") {
				t.Errorf("footer %q does not speak of the password", footer.Text())
			}
		})
	}
}

// TestQueueLastCheckSaysWhatIsMissing checks the queue's "Last check" column: a login that
// worked for a seller who still needs action says what is missing instead of "Verified".
func TestQueueLastCheckSaysWhatIsMissing(t *testing.T) {
	app := newApp(t)
	k := newSellerKit(t, app)
	const pw = "Right-Api-Pw-8812"
	accounts := []shiprockettest.Account{
		{Email: "vera+api@gmail.com", Password: pw},
		{Email: "mona+api@gmail.com", Password: pw, Denied: []shiprocket.Area{
			shiprocket.AreaWallet}},
		{Email: "masha+api@gmail.com", Password: pw, BuyerMasked: true},
		{Email: "ivan+api@gmail.com", Password: pw, AllowedIPs: []string{"203.0.113.9"},
			LoginIgnoresIP: true},
	}
	for _, a := range accounts {
		app.Fake.AddAccount(a)
	}

	tests := []struct {
		store, login, apiEmail, pw string
		wantStatus                 store.Status
		wantOutcome, wantLabel     string
	}{
		{"Vera Verified", "vera@gmail.com", "vera+api@gmail.com", pw, store.StatusVerified,
			"verified", "Verified"},
		{"Mona Modules", "mona@gmail.com", "mona+api@gmail.com", pw, store.StatusNeedsAction,
			"verified", "Login OK, modules missing"},
		{"Masha Masked", "masha@gmail.com", "masha+api@gmail.com", pw,
			store.StatusNeedsAction, "verified", "Login OK, buyer details hidden"},
		{"Ivan IP", "ivan@gmail.com", "ivan+api@gmail.com", pw, store.StatusNeedsAction,
			"verified", "Login OK, modules blocked by the IP rule"},
		{"Wasim Wrong", "wasim@gmail.com", "wasim+api@gmail.com", "Not-The-Pw-1",
			store.StatusNeedsAction, "wrong_credentials", "Wrong email or password"},
		{"Nina New", "nina@gmail.com", "", "", store.StatusAwaitingPassword, "",
			"No check yet"},
	}
	ids := map[string]int64{}
	for _, tt := range tests {
		s := k.create(tt.store, "Contact", tt.login, 9)
		if tt.apiEmail != "" {
			k.submit(s.ID, tt.apiEmail, tt.pw)
		}
		ids[tt.store] = s.ID
	}

	res := signedInStaff(t, app).get("/admin")
	if res.Status != http.StatusOK {
		t.Fatalf("queue: status %d", res.Status)
	}
	for _, tt := range tests {
		t.Run(tt.store, func(t *testing.T) {
			row := res.Doc.Find(`[data-testid="seller-row"]`).FilterFunction(
				func(_ int, r *goquery.Selection) bool {
					return cell(r, "seller-store") == tt.store
				})
			if row.Length() != 1 {
				t.Fatalf("%d rows for %s", row.Length(), tt.store)
			}
			status, _ := row.Find(`[data-testid="seller-status"]`).Attr("data-status")
			outcome, _ := row.Find(`[data-testid="seller-outcome"]`).Attr("data-outcome")
			label := cell(row, "seller-outcome")
			if status != string(tt.wantStatus) || outcome != tt.wantOutcome ||
				label != tt.wantLabel {
				t.Errorf("status %q, outcome %q, label %q; want %q, %q, %q", status, outcome,
					label, tt.wantStatus, tt.wantOutcome, tt.wantLabel)
			}
		})
	}
}

// TestAddMemberWithUnknownRole checks that a role other than admin or support is refused with
// a message beside the field and in the summary, and that nobody is added.
func TestAddMemberWithUnknownRole(t *testing.T) {
	app := newApp(t)
	addMember(t, app, "asha@example.com", "Asha Admin", store.RoleAdmin)
	b := signedIn(t, app, "asha@example.com")

	for _, role := range []string{"owner", "", "ADMIN"} {
		t.Run("role "+role, func(t *testing.T) {
			res := b.post(staffPage, staffPage, url.Values{"email": {"neha@example.com"},
				"name": {"Neha"}, "role": {role}})
			if res.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", res.Status)
			}
			const want = "Choose admin or support."
			if got := res.text(`[data-testid="role-error"]`); got != want {
				t.Errorf("field message %q, want %q", got, want)
			}
			if got := res.text(`[data-testid="error-summary"] li a[href="#role"]`); got != want {
				t.Errorf("summary entry %q, want %q", got, want)
			}
			if got, _ := res.Doc.Find("select#role").Attr("aria-invalid"); got != "true" {
				t.Errorf("role select aria-invalid %q, want true", got)
			}
			if got := res.Doc.Find(`input#email`).AttrOr("value", ""); got != "neha@example.com" {
				t.Errorf("email kept as %q", got)
			}
		})
	}
	all, err := app.Store.ListStaff(t.Context())
	if err != nil || len(all) != 1 {
		t.Errorf("%d staff accounts after refused adds (%v), want 1", len(all), err)
	}
}
