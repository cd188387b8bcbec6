package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
	"github.com/aicofounder/shiprocket-portal/store"
)

// TestStaffSellerActions does every action of a seller's page once, in the order support staff
// would, and checks each one's effect, its timeline event and its audit entry.
func TestStaffSellerActions(t *testing.T) {
	app := newApp(t)
	ctx := context.Background()
	const rightPw = "Right-Api-Pw-3391"
	app.Fake.AddAccount(shiprockettest.Account{Email: "asha+api@gmail.com", Password: rightPw})

	// The seller starts in a browser and submits the right password.
	seller := app.browser(t)
	oldLink := seller.startSeller("Asha Sarees", "Asha", "asha@gmail.com")
	for n := 1; n <= 8; n++ {
		seller.get("/steps/" + strconv.Itoa(n))
	}
	res := seller.post("/credentials", "/credentials", url.Values{
		"api_email": {"asha+api@gmail.com"}, "password": {rightPw}})
	wantRedirect(t, "submit", res, "/done")
	s, err := app.Store.SellerByResumeToken(ctx, resumeHash(oldLink))
	if err != nil {
		t.Fatal(err)
	}

	admin := addMember(t, app, "asha.admin@example.com", "Asha Admin", store.RoleAdmin)
	ravi := addMember(t, app, "ravi@example.com", "Ravi Support", store.RoleSupport)
	b := signedIn(t, app, "ravi@example.com")
	path := fmt.Sprintf("/admin/sellers/%d", s.ID)
	me := "staff:" + strconv.FormatInt(ravi.ID, 10)
	lastAudit := func(action, detail string) {
		t.Helper()
		wantAudit(t, app, store.AuditQuery{SellerID: s.ID, Action: action}, store.AuditEntry{
			Actor:  me,
			Action: action, SellerID: s.ID, Detail: detail, Address: "127.0.0.1"})
	}
	// Each action happens a second after the one before, as it would by hand.
	act := func(to string, form url.Values) page {
		t.Helper()
		app.Clock.Advance(time.Second)
		return b.act(path, to, form)
	}
	newestEvent := func(kind string) {
		t.Helper()
		events, _ := app.Store.Events(ctx, s.ID)
		if events[0].Kind != kind || events[0].Actor != me {
			t.Fatalf("newest event %+v, want %s by %s", events[0], kind, me)
		}
	}

	// Viewing the page is audited, and shows the facts.
	p := b.get(path)
	if p.Status != http.StatusOK {
		t.Fatalf("seller page: status %d", p.Status)
	}
	lastAudit(store.AuditSellerViewed, "")
	facts := map[string]string{"assignee": "—", "password-age": "Set less than an hour ago",
		"first-verified-at": cell(p.Doc.Selection, "verified-at")}
	for id, want := range facts {
		if got := cell(p.Doc.Selection, id); got != want || want == "" {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	items := p.Doc.Find(`[data-testid="last-check"] [data-testid="checklist-item"]`)
	if got := items.Length(); got < 3 {
		t.Errorf("the latest check lists %d items", got)
	}

	// Check again now: a staff check of the stored password, waited for.
	p = act(path+"/check", url.Values{})
	if got := p.flashText(); got != "Check finished: Verified. The seller is now verified." {
		t.Errorf("check flash %q", got)
	}
	checks, _ := app.Store.Checks(ctx, s.ID)
	if len(checks) != 2 || checks[0].Trigger != "staff" || checks[0].Outcome != "verified" {
		t.Errorf("checks after check now: %+v", checks)
	}
	if kinds := eventKinds(t, app, s.ID); !slices.Equal(kinds[:2],
		[]string{store.EventChecked, store.EventCheckRequested}) {
		t.Errorf("timeline starts %v", kinds[:2])
	}
	lastAudit(store.AuditCheckRequested, "")

	// Assign to the admin.
	p = act(path+"/assign", url.Values{"assignee": {strconv.FormatInt(admin.ID, 10)}})
	if p.flashText() != "Assigned." || cell(p.Doc.Selection, "assignee") != "Asha Admin" {
		t.Errorf("assign: flash %q, assignee %q", p.flashText(), cell(p.Doc.Selection, "assignee"))
	}
	newestEvent(store.EventAssigned)
	lastAudit(store.AuditSellerAssigned, fmt.Sprintf("to staff:%d (Asha Admin)", admin.ID))

	// A note; an empty one is refused with the form shown again.
	refused := b.post(path, path+"/notes", url.Values{"note": {"   "}})
	if refused.Status != http.StatusUnprocessableEntity ||
		refused.text(`[data-testid="note-error"]`) != "Write the note first." {
		t.Errorf("empty note: status %d, message %q", refused.Status,
			refused.text(`[data-testid="note-error"]`))
	}
	long := strings.Repeat("n", 2001)
	if got := b.post(path, path+"/notes", url.Values{"note": {long}}); got.Status != 422 ||
		got.Doc.Find("#note").Text() != long {
		t.Errorf("long note: status %d, text kept %v", got.Status,
			got.Doc.Find("#note").Text() == long)
	}
	p = act(path+"/notes", url.Values{"note": {"Called her; she will redo step 6."}})
	first := p.Doc.Find(`[data-testid="event"]`).First()
	if first.AttrOr("data-kind", "") != "note" ||
		cell(first, "note-text") != "Called her; she will redo step 6." ||
		strings.TrimSpace(first.Find(".who").Text()) != "(Ravi Support)" {
		t.Errorf("newest timeline entry: %q", strings.TrimSpace(first.Text()))
	}
	notes, _ := app.Store.Notes(ctx, s.ID)
	lastAudit(store.AuditNoteAdded, fmt.Sprintf("note %d", notes[0].ID))

	// A new resume link: shown once, works; the old one stops working.
	p = act(path+"/link", url.Values{})
	newLink := p.text(`[data-testid="one-time-link"]`)
	if !strings.HasPrefix(newLink, app.URL+"/r/") || newLink == oldLink {
		t.Fatalf("new link %q (old %q)", newLink, oldLink)
	}
	newestEvent(store.EventLinkCreated)
	lastAudit(store.AuditResumeLinkCreated, "")
	if again := b.get(path); again.text(`[data-testid="one-time-link"]`) != "" {
		t.Error("the link is shown a second time")
	}
	if res := app.browser(t).get(strings.TrimPrefix(oldLink, app.URL)); res.Status != 404 {
		t.Errorf("old link: status %d, want 404", res.Status)
	}
	if res := app.browser(t).get(strings.TrimPrefix(newLink, app.URL)); res.Status != 303 ||
		res.Location != "/done" {
		t.Errorf("new link: status %d to %q, want 303 /done", res.Status, res.Location)
	}

	// Clear credentials: needs the tick, then the seller is back at the credentials form.
	p = act(path+"/clear", url.Values{})
	if !strings.Contains(p.flashText(), "Tick the box") {
		t.Errorf("clear without the tick: %q", p.flashText())
	}
	if _, err := app.Store.Secret(ctx, s.ID, store.PurposePassword); err != nil {
		t.Fatal("clearing without the tick deleted the password")
	}
	act(path+"/clear", url.Values{"confirm": {"yes"}})
	if _, err := app.Store.Secret(ctx, s.ID, store.PurposePassword); err != store.ErrNoSecret {
		t.Errorf("after clearing: secret err %v, want ErrNoSecret", err)
	}
	s2, _ := app.Store.Seller(ctx, s.ID)
	if s2.Status != store.StatusAwaitingPassword || s2.StatusReason != "" ||
		s2.APIEmail != "asha+api@gmail.com" {
		t.Errorf("after clearing: %+v", s2)
	}
	newestEvent(store.EventCredentialsCleared)
	lastAudit(store.AuditCredentialsCleared, "")
	resumed := app.browser(t)
	wantRedirect(t, "seller after clearing", resumed.get(strings.TrimPrefix(newLink, app.URL)),
		"/credentials")
	if got := b.get(path); got.Doc.Find(`[data-testid="check-now"]`).Length() != 0 {
		t.Error("check now is offered without a stored password")
	}

	// Archive: needs the tick; the seller's session and link stop working; restore.
	act(path+"/archive", url.Values{"confirm": {"yes"}})
	newestEvent(store.EventArchived)
	lastAudit(store.AuditSellerArchived, "")
	if got := resumed.get("/credentials"); got.Status != 303 || got.Location != "/" {
		t.Errorf("archived seller's session: status %d to %q", got.Status, got.Location)
	}
	if got := b.get("/admin?status=archived"); !slices.Equal(sellerIDs(t, got),
		[]int64{s.ID}) {
		t.Errorf("archived tab lists %v", sellerIDs(t, got))
	}
	act(path+"/restore", url.Values{})
	newestEvent(store.EventRestored)
	lastAudit(store.AuditSellerRestored, "")

	// Everything above is in the page's timeline, newest first, and in the audit log.
	var kinds []string
	b.get(path).Doc.Find(`[data-testid="event"]`).Each(func(i int, e *goquery.Selection) {
		if i < 8 {
			kinds = append(kinds, e.AttrOr("data-kind", ""))
		}
	})
	want := []string{"restored", "archived", "resumed", "credentials_cleared", "resumed",
		"link_created", "note", "assigned"}
	if !slices.Equal(kinds, want) {
		t.Errorf("timeline %v, want %v", kinds, want)
	}
	var gotAudit []string
	views := 0
	for _, a := range auditActionsOf(t, app, s.ID) {
		if a == store.AuditSellerViewed {
			views++
			continue
		}
		gotAudit = append(gotAudit, a)
	}
	wantAuditActions := []string{"seller_restored", "seller_archived", "credentials_cleared",
		"resume_link_created", "note_added", "seller_assigned", "check_requested"}
	if !slices.Equal(gotAudit, wantAuditActions) || views < 10 {
		t.Errorf("audit log %v and %d views,\nwant %v and a view per page", gotAudit, views,
			wantAuditActions)
	}

	// No password or token of the seller reached a staff page or the logs.
	for _, pg := range []page{b.get(path), b.get("/admin"), b.get("/admin/audit")} {
		if strings.Contains(pg.Body, rightPw) || strings.Contains(pg.Body, "eyJ") {
			t.Error("a staff page shows a secret")
		}
	}
	if logs := app.Logs.String(); strings.Contains(logs, rightPw) ||
		strings.Contains(logs, strings.TrimPrefix(newLink, app.URL+"/r/")) {
		t.Error("the logs hold the password or the resume token")
	}
}

func TestStaffSellerActionsOnUnknownSellers(t *testing.T) {
	app := newApp(t)
	b := signedInStaff(t, app)
	for _, action := range []string{"check", "assign", "notes", "link", "clear", "archive",
		"restore"} {
		res := b.post("/admin", "/admin/sellers/77/"+action, url.Values{"note": {"x"},
			"assignee": {"none"}, "confirm": {"yes"}})
		if res.Status != http.StatusNotFound {
			t.Errorf("%s on an unknown seller: status %d, want 404", action, res.Status)
		}
	}
	if got := auditLog(t, app, store.AuditQuery{SellerID: 77}); len(got) != 0 {
		t.Errorf("audit entries for an unknown seller: %+v", got)
	}
}

func TestInviteSeller(t *testing.T) {
	app := newApp(t)
	b := signedInStaff(t, app)

	refused := b.post("/admin/invite", "/admin/invite", url.Values{"store_name": {""},
		"contact_name": {"Meera"}, "login_email": {"not-an-email"}})
	if refused.Status != http.StatusUnprocessableEntity ||
		refused.text(`[data-testid="store_name-error"]`) == "" ||
		refused.text(`[data-testid="login_email-error"]`) == "" ||
		refused.Doc.Find("#contact_name").AttrOr("value", "") != "Meera" {
		t.Fatalf("invalid invite: status %d\n%s", refused.Status, refused.Body)
	}

	res := b.post("/admin/invite", "/admin/invite", url.Values{"store_name": {"Meera Crafts"},
		"contact_name": {"Meera"}, "login_email": {" Meera@Gmail.com "}})
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/admin/sellers/") {
		t.Fatalf("invite: status %d to %q", res.Status, res.Location)
	}
	p := b.get(res.Location)
	link := p.text(`[data-testid="one-time-link"]`)
	id, _ := strconv.ParseInt(strings.TrimPrefix(res.Location, "/admin/sellers/"), 10, 64)
	s, err := app.Store.Seller(context.Background(), id)
	if err != nil || s.StoreName != "Meera Crafts" || s.LoginEmail != "meera@gmail.com" ||
		s.Status != store.StatusNotStarted {
		t.Fatalf("invited seller %+v, %v", s, err)
	}
	if kinds := eventKinds(t, app, id); !slices.Equal(kinds, []string{store.EventInvited}) {
		t.Errorf("timeline %v", kinds)
	}
	if got := auditActionsOf(t, app, id); !slices.Equal(got, []string{"seller_viewed",
		"seller_invited"}) {
		t.Errorf("audit %v", got)
	}

	seller := app.browser(t)
	wantRedirect(t, "the seller opens the link", seller.get(strings.TrimPrefix(link, app.URL)),
		"/steps/1")
	if got := seller.get("/steps/1"); got.Status != http.StatusOK {
		t.Errorf("first step: status %d", got.Status)
	}
}

// resumeHash is the stored form of a resume link's token.
func resumeHash(link string) []byte {
	token := link[strings.LastIndex(link, "/r/")+3:]
	return hashOf(token)
}
