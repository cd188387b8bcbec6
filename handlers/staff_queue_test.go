package handlers_test

import (
	"context"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
	"github.com/aicofounder/shiprocket-portal/store"
)

// queueSellers are the sellers of queueFixture, by name.
type queueSellers map[string]store.Seller

// queueFixture makes one seller in every state the queue knows, through the same store and
// check service the wizard uses, and signs in an admin (Asha) and a support member (Ravi). Two
// sellers stop moving 4 days before the sign-in, so they are stuck; the archived one is old too.
//
//	fresh     not started                        assigned to Ravi
//	steps     in progress, step 3                idle 4 days: stuck
//	form      waiting for password (credentials form)
//	pending   check pending (Shiprocket down)
//	wrong     needs action: wrong password       assigned to Ravi
//	modules   needs action: modules missing
//	verified  verified                            idle 4 days, but verified: not stuck
//	gone      archived (was in progress)
func queueFixture(t *testing.T, app *testApp) (queueSellers, *browser, store.Staff) {
	t.Helper()
	ctx := context.Background()
	k := newSellerKit(t, app)
	const pw = "Right-Api-Pw-8812"
	app.Fake.AddAccount(shiprockettest.Account{Email: "vera+api@gmail.com", Password: pw})
	app.Fake.AddAccount(shiprockettest.Account{Email: "mona+api@gmail.com", Password: pw,
		Denied: []shiprocket.Area{shiprocket.AreaWallet}})

	asha := addMember(t, app, "asha@example.com", "Asha Admin", store.RoleAdmin)
	ravi := addMember(t, app, "ravi@example.com", "Ravi Support", store.RoleSupport)

	s := queueSellers{}
	s["steps"] = k.create("Saree Steps", "Sita Iyer", "sita@gmail.com", 3)
	s["verified"] = k.create("Vera Verified", "Vera", "vera@gmail.com", 9)
	k.submit(s["verified"].ID, "vera+api@gmail.com", pw)
	s["gone"] = k.create("Gone Goods", "Gopal", "gopal@gmail.com", 2)
	app.Clock.Advance(4 * 24 * time.Hour)

	s["fresh"] = k.create("Fresh Farm", "Farah", "farah@yahoo.com", 0)
	s["form"] = k.create("Form Fabrics", "Fatima", "fatima@gmail.com", 9)
	s["pending"] = k.create("Pending Pots", "Pia", "pia@gmail.com", 9)
	app.Fake.SetFault(shiprockettest.Fault{Kind: shiprockettest.FaultStatus, Status: 503})
	k.submit(s["pending"].ID, "pia+api@gmail.com", "Some-Api-Pw-1")
	app.Fake.ClearFaults()
	s["wrong"] = k.create("Wrong Wares", "Wasim", "wasim@gmail.com", 9)
	k.submit(s["wrong"].ID, "wasim+api@gmail.com", "Not-The-Pw-1")
	s["modules"] = k.create("Mona Modules", "Mona", "mona@gmail.com", 9)
	k.submit(s["modules"].ID, "mona+api@gmail.com", pw)

	by := store.Actor{StaffID: asha.ID, Address: "127.0.0.1"}
	if _, err := app.Store.AssignSellers(ctx, []int64{s["fresh"].ID, s["wrong"].ID}, ravi.ID,
		by); err != nil {
		t.Fatal(err)
	}
	if err := app.Store.ArchiveSeller(ctx, s["gone"].ID, by); err != nil {
		t.Fatal(err)
	}
	for name, seller := range s {
		s[name] = k.reload(seller.ID)
	}

	want := map[string]store.Status{"fresh": store.StatusNotStarted,
		"steps": store.StatusInProgress, "form": store.StatusAwaitingPassword,
		"pending": store.StatusCheckPending, "wrong": store.StatusNeedsAction,
		"modules": store.StatusNeedsAction, "verified": store.StatusVerified,
		"gone": store.StatusInProgress}
	for name, st := range want {
		if s[name].Status != st {
			t.Fatalf("setup: %s has status %s, want %s", name, s[name].Status, st)
		}
	}
	return s, signedIn(t, app, "asha@example.com"), ravi
}

// ids returns the ids of the named sellers, in the order given.
func (s queueSellers) ids(names ...string) []int64 {
	var out []int64
	for _, n := range names {
		out = append(out, s[n].ID)
	}
	return out
}

// tabCounts reads the count of every tab on a queue page.
func tabCounts(t *testing.T, p page) map[string]int {
	t.Helper()
	counts := map[string]int{}
	p.Doc.Find(`nav.tabs a`).Each(func(_ int, a *goquery.Selection) {
		key := strings.TrimPrefix(a.AttrOr("data-testid", ""), "tab-")
		n, err := strconv.Atoi(cell(a, "tab-count"))
		if err != nil {
			t.Fatalf("tab %s has no count: %v", key, err)
		}
		counts[key] = n
	})
	return counts
}

func sorted(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

func TestQueueTabsCountTheirRows(t *testing.T) {
	app := newApp(t)
	s, b, ravi := queueFixture(t, app)

	tabs := []struct {
		key  string
		want []int64
	}{
		{"all", s.ids("fresh", "steps", "form", "pending", "wrong", "modules", "verified")},
		{"not_started", s.ids("fresh")},
		{"in_progress", s.ids("steps")},
		{"awaiting_password", s.ids("form")},
		{"needs_action", s.ids("wrong", "modules")},
		{"check_pending", s.ids("pending")},
		{"verified", s.ids("verified")},
		{"stuck", s.ids("steps")},
		{"archived", s.ids("gone")},
	}
	// The same tabs under a filter: assigned to Ravi, and a search.
	filters := []struct {
		query string
		keep  func(store.Seller) bool
	}{
		{"", func(store.Seller) bool { return true }},
		{"assignee=" + strconv.FormatInt(ravi.ID, 10), func(x store.Seller) bool {
			return x.ID == s["fresh"].ID || x.ID == s["wrong"].ID
		}},
		{"q=GMAIL.com", func(x store.Seller) bool {
			return strings.HasSuffix(x.LoginEmail, "@gmail.com")
		}},
		{"assignee=none&q=go", func(x store.Seller) bool { return x.ID == s["gone"].ID }},
	}

	for _, f := range filters {
		first := b.get("/admin?" + f.query)
		counts := tabCounts(t, first)
		for _, tab := range tabs {
			var want []int64
			for _, id := range tab.want {
				for _, x := range s {
					if x.ID == id && f.keep(x) {
						want = append(want, id)
					}
				}
			}
			path := "/admin?" + f.query
			if tab.key != "all" {
				path += "&status=" + tab.key
			}
			got := sellerIDs(t, b.get(path))
			if !slices.Equal(sorted(got), sorted(want)) || counts[tab.key] != len(got) {
				t.Errorf("?%s tab %s: count %d, rows %v, want %d rows %v", f.query, tab.key,
					counts[tab.key], got, len(want), want)
			}
		}
	}
	if got := len(tabCounts(t, b.get("/admin"))); got != len(tabs) {
		t.Errorf("%d tabs, want %d", got, len(tabs))
	}

	// Whatever the view, each tab's link lists as many rows as the tab's count says.
	for _, query := range []string{"status=needs_action&reason=missing_modules",
		"status=stuck&q=saree", "assignee=" + strconv.FormatInt(ravi.ID, 10) + "&step=9"} {
		p := b.get("/admin?" + query)
		p.Doc.Find(`nav.tabs a`).Each(func(_ int, a *goquery.Selection) {
			n, _ := strconv.Atoi(cell(a, "tab-count"))
			href := a.AttrOr("href", "")
			if got := len(sellerIDs(t, b.get(href))); got != n {
				t.Errorf("on ?%s the tab %s says %d, its link lists %d", query, href, n, got)
			}
		})
	}
}

func TestQueueStuckRowsAndSummary(t *testing.T) {
	app := newApp(t)
	s, b, _ := queueFixture(t, app)
	page := b.get("/admin")

	var stuck []int64
	page.Doc.Find(`[data-testid="seller-row"]`).Each(func(_ int, r *goquery.Selection) {
		if cell(r, "seller-stuck") != "" {
			id, _ := strconv.ParseInt(r.AttrOr("data-seller-id", ""), 10, 64)
			stuck = append(stuck, id)
			if got := cell(r, "seller-stuck"); got != "idle 4 days" {
				t.Errorf("stuck row %d says %q, want idle 4 days", id, got)
			}
		}
	})
	if !slices.Equal(stuck, s.ids("steps")) {
		t.Errorf("rows marked stuck %v, want %v", stuck, s.ids("steps"))
	}

	// Funnel over the 7 live sellers: steps reached 3 (steps), 9 (5 at the form or after), 0.
	stages := map[string]string{}
	page.Doc.Find(`[data-testid="funnel-stage"]`).Each(func(_ int, li *goquery.Selection) {
		stages[li.AttrOr("data-stage", "")] = strings.TrimSpace(li.Find("strong").Text())
	})
	want := map[string]string{"started": "7", "1": "6", "2": "6", "3": "6", "4": "5", "5": "5",
		"6": "5", "7": "5", "8": "5", "9": "5", "verified": "1"}
	if !mapsEqual(stages, want) {
		t.Errorf("funnel %v, want %v", stages, want)
	}

	// Vera was verified in the same instant she was created (the test clock stands still).
	if got := page.text(`[data-testid="median"]`); got != "0 h 0 min" {
		t.Errorf("median %q, want 0 h 0 min", got)
	}
	var reasons []string
	page.Doc.Find(`[data-testid="reason"]`).Each(func(_ int, li *goquery.Selection) {
		reasons = append(reasons, li.AttrOr("data-reason", "")+" "+li.Find("strong").Text())
	})
	if !slices.Equal(reasons, []string{"missing_modules 1", "wrong_credentials 1"}) {
		t.Errorf("reasons %v", reasons)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestQueueSearchFiltersAndSort(t *testing.T) {
	app := newApp(t)
	s, b, ravi := queueFixture(t, app)
	all := s.ids("fresh", "steps", "form", "pending", "wrong", "modules", "verified")
	rid := strconv.FormatInt(ravi.ID, 10)

	tests := []struct {
		query string
		want  []int64
	}{
		// Search: store, contact, login email and API email, any case, any part.
		{"q=saree", s.ids("steps")},
		{"q=FATIMA", s.ids("form")},
		{"q=yahoo", s.ids("fresh")},
		{"q=mona%2Bapi", s.ids("modules")},
		{"q=%2Bapi%40gmail", s.ids("pending", "wrong", "modules", "verified")},
		{"q=Wa", s.ids("wrong")}, // two letters: matched without the index
		{"q=%25", nil},
		{"q=%22", nil},
		// Filters combine with each other and with the tab.
		{"assignee=" + rid, s.ids("fresh", "wrong")},
		{"assignee=none", s.ids("steps", "form", "pending", "modules", "verified")},
		{"assignee=" + rid + "&status=needs_action", s.ids("wrong")},
		{"step=9", s.ids("form", "pending", "wrong", "modules", "verified")},
		{"step=9&q=wa", s.ids("wrong")},
		{"step=3&status=stuck", s.ids("steps")},
		{"status=needs_action&reason=missing_modules", s.ids("modules")},
		{"status=needs_action&reason=wrong_credentials&q=mona", nil},
		// Values that do not parse are ignored.
		{"status=bogus&assignee=x&step=99&reason=missing_modules&sort=up", all},
	}
	for _, tt := range tests {
		got := sellerIDs(t, b.get("/admin?"+tt.query))
		if !slices.Equal(sorted(got), sorted(tt.want)) {
			t.Errorf("?%s lists %v, want %v", tt.query, got, tt.want)
		}
	}

	// Orders: last activity first, newest seller first, longest idle first.
	live := []store.Seller{}
	for _, x := range s {
		if x.ArchivedAt.IsZero() {
			live = append(live, x)
		}
	}
	orders := map[string]func(a, b store.Seller) int{
		"": func(a, b store.Seller) int {
			return cmpThen(b.LastActivityAt.Compare(a.LastActivityAt), b.ID, a.ID)
		},
		"sort=created": func(a, b store.Seller) int {
			return cmpThen(b.CreatedAt.Compare(a.CreatedAt), b.ID, a.ID)
		},
		"sort=idle": func(a, b store.Seller) int {
			return cmpThen(a.LastActivityAt.Compare(b.LastActivityAt), a.ID, b.ID)
		},
	}
	for query, cmp := range orders {
		slices.SortFunc(live, cmp)
		var want []int64
		for _, x := range live {
			want = append(want, x.ID)
		}
		if got := sellerIDs(t, b.get("/admin?"+query)); !slices.Equal(got, want) {
			t.Errorf("?%s order %v, want %v", query, got, want)
		}
	}

	// Every link keeps the filter: a tab, an order, the export.
	p := b.get("/admin?q=gmail&assignee=none&sort=idle")
	for _, sel := range []string{`[data-testid="tab-stuck"]`, `[data-testid="sort-created"]`,
		`[data-testid="export"]`} {
		href, _ := p.Doc.Find(sel).Attr("href")
		u, _ := url.Parse(href)
		if u.Query().Get("q") != "gmail" || u.Query().Get("assignee") != "none" {
			t.Errorf("%s links to %q, losing the filter", sel, href)
		}
	}
}

func cmpThen(c int, a, b int64) int {
	if c != 0 {
		return c
	}
	return int(a - b)
}

// TestQueuePagesHaveNoGapsOrRepeats walks every order page by page while new sellers arrive and
// old ones keep moving, and checks that every seller present from the start is listed exactly
// once.
func TestQueuePagesHaveNoGapsOrRepeats(t *testing.T) {
	for _, order := range []string{"", "created", "idle"} {
		t.Run("sort="+order, func(t *testing.T) {
			app := newApp(t)
			k := newSellerKit(t, app)
			var original []int64
			for i := range 130 {
				original = append(original, k.create(fmt.Sprintf("Store %03d", i), "C",
					"c@example.com", i%4).ID)
				if i%3 == 0 {
					app.Clock.Advance(time.Second) // ties on time are broken by id
				}
			}
			b := signedInStaff(t, app)

			path := "/admin"
			if order != "" {
				path += "?sort=" + order
			}
			seen := map[int64]int{}
			for pages := 0; path != ""; pages++ {
				if pages > 5 {
					t.Fatal("more pages than sellers")
				}
				p := b.get(path)
				for _, id := range sellerIDs(t, p) {
					seen[id]++
				}
				path = p.Doc.Find(`[data-testid="older"]`).AttrOr("href", "")

				// Between pages: new sellers arrive.
				for i := range 7 {
					k.create(fmt.Sprintf("New %d-%d", pages, i), "N", "n@example.com", 1)
				}
			}
			for _, id := range original {
				if seen[id] != 1 {
					t.Errorf("seller %d listed %d times", id, seen[id])
				}
			}
			for id, n := range seen {
				if n > 1 {
					t.Errorf("seller %d listed %d times", id, n)
				}
			}
		})
	}
}

func TestQueueBulkAssign(t *testing.T) {
	app := newApp(t)
	s, b, ravi := queueFixture(t, app)
	back := "/admin?status=needs_action&q=gmail"
	picked := s.ids("modules", "wrong", "steps")

	form := url.Values{"action": {"assign"}, "assignee": {strconv.FormatInt(ravi.ID, 10)},
		"return": {back}}
	for _, id := range picked {
		form.Add("id", strconv.FormatInt(id, 10))
	}
	res := b.post(back, "/admin/bulk", form)
	wantRedirect(t, "bulk assign", res, back)
	// wrong was already Ravi's: two sellers changed.
	if got := b.get(back).flashText(); got != "Assigned 2 sellers." {
		t.Errorf("flash %q", got)
	}
	for _, id := range picked {
		c, err := app.Store.Case(context.Background(), id)
		if err != nil || c.AssigneeID != ravi.ID || c.AssigneeName != "Ravi Support" {
			t.Errorf("seller %d: case %+v, %v", id, c, err)
		}
	}
	for _, name := range []string{"modules", "steps"} {
		if kinds := eventKinds(t, app, s[name].ID); kinds[0] != store.EventAssigned {
			t.Errorf("%s timeline starts %v", name, kinds[:2])
		}
		wantAudit(t, app, store.AuditQuery{SellerID: s[name].ID}, store.AuditEntry{
			Actor: "staff:1", Action: store.AuditSellerAssigned, SellerID: s[name].ID,
			Detail:  "to staff:" + strconv.FormatInt(ravi.ID, 10) + " (Ravi Support)",
			Address: "127.0.0.1"})
	}

	// Unassign through the same form; a foreign return address stays home; nothing ticked.
	form.Set("assignee", "none")
	form.Set("return", "//evil.example/admin")
	wantRedirect(t, "bulk unassign", b.post("/admin", "/admin/bulk", form), "/admin")
	if c, _ := app.Store.Case(context.Background(), s["wrong"].ID); c.AssigneeID != 0 {
		t.Errorf("unassign left %+v", c)
	}
	empty := b.act("/admin", "/admin/bulk", url.Values{"action": {"assign"},
		"assignee": {"none"}})
	if got := empty.flashText(); got != "Tick at least one seller first." {
		t.Errorf("nothing ticked: flash %q", got)
	}
	gone := addMember(t, app, "gone@example.com", "Gone", store.RoleSupport)
	if err := app.Store.DisableStaff(context.Background(), gone.ID,
		store.Actor{StaffID: 1}); err != nil {
		t.Fatal(err)
	}
	form.Set("assignee", strconv.FormatInt(gone.ID, 10))
	form.Set("return", "/admin")
	if got := b.act("/admin", "/admin/bulk", form).flashText(); !strings.Contains(got,
		"cannot take sellers") {
		t.Errorf("assign to a disabled member: flash %q", got)
	}
}

func TestQueueBulkCheck(t *testing.T) {
	app := newApp(t)
	s, b, _ := queueFixture(t, app)
	ctx := context.Background()

	// Wrong Wares' password was refused by Shiprocket: it is never sent again.
	before := map[string]int{}
	for name, x := range s {
		checks, _ := app.Store.Checks(ctx, x.ID)
		before[name] = len(checks)
	}

	form := url.Values{"action": {"check"}, "return": {"/admin"}}
	for _, id := range s.ids("verified", "modules", "wrong", "form", "gone") {
		form.Add("id", strconv.FormatInt(id, 10))
	}
	page := b.act("/admin", "/admin/bulk", form)
	msg := page.flashText()
	if !hasAll(msg, "Checking 2 sellers again", "Skipped 3",
		"Wrong Wares (Shiprocket refused the stored password; the seller must enter a new one)",
		"Form Fabrics (no stored password)", "Gone Goods (archived)") {
		t.Errorf("flash %q", msg)
	}

	for _, name := range []string{"verified", "modules"} {
		checks := waitForChecks(t, app, s[name].ID, before[name]+1)
		if len(checks) != before[name]+1 || checks[0].Trigger != "staff" {
			t.Errorf("%s: %d checks, newest by %q", name, len(checks), checks[0].Trigger)
		}
		if kinds := eventKinds(t, app, s[name].ID); !slices.Equal(kinds[:2],
			[]string{store.EventChecked, store.EventCheckRequested}) {
			t.Errorf("%s timeline starts %v", name, kinds[:2])
		}
		if got := auditActionsOf(t, app, s[name].ID); got[0] != store.AuditCheckRequested {
			t.Errorf("%s audit starts %v", name, got)
		}
	}
	for _, name := range []string{"wrong", "form", "gone"} {
		checks, _ := app.Store.Checks(ctx, s[name].ID)
		if len(checks) != before[name] {
			t.Errorf("skipped %s was checked: %d checks, had %d", name, len(checks),
				before[name])
		}
		if got := auditActionsOf(t, app, s[name].ID); got[0] != store.AuditCheckSkipped {
			t.Errorf("%s audit starts %v", name, got)
		}
	}
	if got := app.Fake.LoginCalls("wasim+api@gmail.com"); got != 1 {
		t.Errorf("the fake saw %d logins for the refused seller, want only the first", got)
	}
}

func TestQueueExportCSV(t *testing.T) {
	app := newApp(t)
	k := newSellerKit(t, app)
	ctx := context.Background()
	const sellers = 10_000

	// A few sellers with stored passwords and a resume link each; names that a spreadsheet
	// would run as formulas.
	app.Fake.AddAccount(shiprockettest.Account{Email: "p0+api@gmail.com",
		Password: "Secret-Api-Pw-0"})
	var secrets []string
	for i := range 3 {
		x := k.create(fmt.Sprintf("Secret Store %d", i), "S", fmt.Sprintf("p%d@gmail.com", i), 9)
		pw := "Secret-Api-Pw-" + strconv.Itoa(i)
		k.submit(x.ID, fmt.Sprintf("p%d+api@gmail.com", i), pw)
		sealed, err := app.Store.Secret(ctx, x.ID, store.PurposePassword)
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, pw, base64.StdEncoding.EncodeToString(sealed.Sealed),
			fmt.Sprintf("%x", sealed.Sealed[:16]))
	}
	formulas := []string{"=HYPERLINK(\"http://evil.example\")", "+1+2", "-3", "@SUM(A1)"}
	for _, f := range formulas {
		k.create(f, "\tTabbed", "f@example.com", 0)
	}
	for i := len(formulas) + 3; i < sellers; i++ {
		k.create(fmt.Sprintf("Bulk Store %05d", i), "Bulk", "bulk@example.com", 0)
	}
	b := signedInStaff(t, app)

	resp, err := b.http.Get(app.URL + "/admin/export.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK ||
		resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"),
			`attachment; filename="sellers-`) ||
		resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("export answer: %d %v", resp.StatusCode, resp.Header)
	}
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	body := string(raw)
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}

	if got := strings.Join(records[0], ","); got != "seller_id,store_name,contact_name,"+
		"login_email,api_email,status,status_reason,step,assignee,last_check_outcome,"+
		"created_at,last_activity_at,submitted_at,verified_at,last_checked_at,archived_at" {
		t.Errorf("header %q", got)
	}
	if len(records) != sellers+1 {
		t.Fatalf("%d records, want %d sellers and the header", len(records), sellers)
	}
	ids := map[string]bool{}
	for _, r := range records[1:] {
		ids[r[0]] = true
	}
	for i := 1; i <= sellers; i++ {
		if !ids[strconv.Itoa(i)] {
			t.Fatalf("seller %d is missing from the export", i)
		}
	}
	for _, secret := range secrets {
		if strings.Contains(body, secret) {
			t.Errorf("the export contains a secret (%d characters)", len(secret))
		}
	}
	if strings.Contains(body, "/r/") {
		t.Error("the export contains a resume link")
	}
	names := map[string]bool{}
	for _, r := range records[1:] {
		names[r[1]] = true
		if r[2] == "\tTabbed" {
			t.Errorf("a tab-led cell was not defused: %q", r[2])
		}
	}
	for _, f := range formulas {
		if !names["'"+f] || names[f] {
			t.Errorf("formula %q not defused", f)
		}
	}

	// The export follows the filter, and is in the audit log with it.
	filtered := b.get("/admin/export.csv?status=verified&q=p0")
	rows, _ := csv.NewReader(strings.NewReader(filtered.Body)).ReadAll()
	if len(rows) != 2 || rows[1][1] != "Secret Store 0" || rows[1][5] != "verified" {
		t.Errorf("filtered export: %v", rows)
	}
	wantAudit(t, app, store.AuditQuery{Action: store.AuditQueueExported}, store.AuditEntry{
		Actor: "staff:1", Action: store.AuditQueueExported, Detail: "q=p0&status=verified",
		Address: "127.0.0.1"})
}
