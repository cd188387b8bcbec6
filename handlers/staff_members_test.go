package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/aicofounder/shiprocket-portal/handlers"
	"github.com/aicofounder/shiprocket-portal/store"
)

// memberRow returns the staff page's row of the member with the given email.
func memberRow(t *testing.T, p page, email string) *goquery.Selection {
	t.Helper()
	row := p.Doc.Find(`[data-testid="member"]`).FilterFunction(func(_ int,
		s *goquery.Selection) bool {
		return cell(s, "member-email") == email
	})
	if row.Length() != 1 {
		t.Fatalf("the staff page has %d rows for %s", row.Length(), email)
	}
	return row
}

func TestSupportCannotReachStaffManagement(t *testing.T) {
	app := newApp(t)
	addMember(t, app, "asha@example.com", "Asha Admin", store.RoleAdmin)
	ravi := addMember(t, app, "ravi@example.com", "Ravi Support", store.RoleSupport)
	support := signedIn(t, app, "ravi@example.com")
	admin := signedIn(t, app, "asha@example.com")

	home := support.get("/admin")
	if home.Doc.Find(`[data-testid="menu-staff"]`).Length() != 0 {
		t.Error("support sees the staff menu entry")
	}
	if admin.get("/admin").Doc.Find(`[data-testid="menu-staff"]`).Length() != 1 {
		t.Error("an admin does not see the staff menu entry")
	}

	gets := []string{"/admin/staff", "/admin/audit.csv", "/admin/audit.csv?action=signed_in"}
	for _, path := range gets {
		if got := support.get(path); got.Status != http.StatusForbidden ||
			strings.Contains(got.Body, "asha@example.com") {
			t.Errorf("support GET %s: status %d, want 403", path, got.Status)
		}
		if got := admin.get(path); got.Status != http.StatusOK {
			t.Errorf("admin GET %s: status %d, want 200", path, got.Status)
		}
	}
	posts := map[string]url.Values{
		"/admin/staff": {"email": {"mallory@example.com"}, "name": {"Mallory"},
			"role": {"admin"}},
		"/admin/staff/" + strconv.FormatInt(ravi.ID, 10) + "/role":    {"role": {"admin"}},
		"/admin/staff/1/disable":                                      {},
		"/admin/staff/1/reset":                                        {},
		"/admin/staff/" + strconv.FormatInt(ravi.ID, 10) + "/enable":  {},
		"/admin/staff/" + strconv.FormatInt(ravi.ID, 10) + "/disable": {},
	}
	for path, form := range posts {
		if got := support.post("/admin", path, form); got.Status != http.StatusForbidden {
			t.Errorf("support POST %s: status %d, want 403", path, got.Status)
		}
	}
	all, _ := app.Store.ListStaff(context.Background())
	if len(all) != 2 || all[0].Role != store.RoleAdmin || all[1].Role != store.RoleSupport ||
		!all[0].Active() || !all[0].HasPassword() {
		t.Errorf("support changed the staff: %+v", all)
	}

	// Support can read the audit log, without the export link.
	audit := support.get("/admin/audit")
	exportLinks := audit.Doc.Find(`[data-testid="audit-export"]`).Length()
	if audit.Status != http.StatusOK || exportLinks != 0 {
		t.Errorf("support audit page: status %d, export link shown %v", audit.Status,
			exportLinks != 0)
	}
}

// TestStaffMemberLifecycle adds a member, who sets a password through the one-time link and
// signs in; then changes the role, resets the password and disables the account.
func TestStaffMemberLifecycle(t *testing.T) {
	app := newApp(t)
	admin := addMember(t, app, "asha@example.com", "Asha Admin", store.RoleAdmin)
	b := signedIn(t, app, "asha@example.com")
	me := "staff:" + strconv.FormatInt(admin.ID, 10)

	p := b.act(staffPage, staffPage, url.Values{"email": {" Neha@Example.com "},
		"name": {"Neha Support"}, "role": {"support"}})
	link := p.text(`[data-testid="one-time-link"]`)
	if !strings.HasPrefix(link, app.URL+"/admin/password/") {
		t.Fatalf("set-password link %q\n%s", link, p.flashText())
	}
	neha, err := app.Store.StaffByEmail(context.Background(), "neha@example.com")
	if err != nil || neha.Role != store.RoleSupport || neha.HasPassword() {
		t.Fatalf("new member %+v, %v", neha, err)
	}
	row := memberRow(t, p, "neha@example.com")
	if cell(row, "member-state") != "Waiting to set a password" {
		t.Errorf("state %q", cell(row, "member-state"))
	}
	wantAudit(t, app, store.AuditQuery{Action: store.AuditStaffAdded}, store.AuditEntry{
		Actor: me, Action: store.AuditStaffAdded, Address: "127.0.0.1",
		Detail: fmt.Sprintf("staff:%d as support", neha.ID)})

	// A second add with the same email is refused, with the form kept.
	dup := b.post(staffPage, staffPage, url.Values{"email": {"NEHA@example.com"},
		"name": {"Other"}, "role": {"admin"}})
	if dup.Status != http.StatusUnprocessableEntity ||
		dup.text(`[data-testid="email-error"]`) !=
			"A staff account with this email already exists." {
		t.Errorf("duplicate: status %d", dup.Status)
	}

	// Before the link is used, no password signs in.
	if got := app.browser(t).signIn("/admin/login", "neha@example.com", ""); got.Status != 401 {
		t.Errorf("sign-in before setting a password: status %d", got.Status)
	}
	nb := app.browser(t)
	path := strings.TrimPrefix(link, app.URL)
	form := nb.get(path)
	if form.Status != http.StatusOK || !strings.Contains(form.text("[data-testid=set-password]"),
		"Neha Support") {
		t.Fatalf("set-password page: status %d", form.Status)
	}
	short := nb.post(path, path, url.Values{"password": {"short"}, "confirm": {"short"}})
	if short.Status != http.StatusUnprocessableEntity ||
		short.text(`[data-testid="password-error"]`) != "Use at least 12 characters." {
		t.Errorf("short password: status %d, %q", short.Status,
			short.text(`[data-testid="password-error"]`))
	}
	const nehaPw = "Neha-Own-Pass 2026"
	wantRedirect(t, "set password", nb.post(path, path, url.Values{"password": {nehaPw},
		"confirm": {nehaPw}}), "/admin/login?done=password")
	if again := nb.get(path); again.Status != http.StatusNotFound ||
		again.Doc.Find(`[data-testid="link-problem"]`).Length() != 1 {
		t.Errorf("the used link: status %d", again.Status)
	}
	wantRedirect(t, "neha signs in", nb.signIn("/admin/login", "neha@example.com", nehaPw),
		"/admin")

	// Make her an admin: her session continues with the new role.
	nid := strconv.FormatInt(neha.ID, 10)
	b.act(staffPage, staffPage+"/"+nid+"/role", url.Values{"role": {"admin"}})
	if got := nb.get(staffPage); got.Status != http.StatusOK {
		t.Errorf("promoted member on the staff page: status %d", got.Status)
	}
	wantAudit(t, app, store.AuditQuery{Action: store.AuditStaffRoleChanged}, store.AuditEntry{
		Actor: me, Action: store.AuditStaffRoleChanged, Address: "127.0.0.1",
		Detail: "staff:" + nid + " from support to admin"})

	// Reset: her password stops working at once and her session ends; the new link works.
	p = b.act(staffPage, staffPage+"/"+nid+"/reset", url.Values{})
	resetLink := p.text(`[data-testid="one-time-link"]`)
	if resetLink == "" || resetLink == link {
		t.Fatalf("reset link %q", resetLink)
	}
	wantRedirect(t, "neha after the reset", nb.get("/admin"), "/admin/login")
	if got := app.browser(t).signIn("/admin/login", "neha@example.com", nehaPw); got.Status != 401 {
		t.Errorf("old password after reset: status %d", got.Status)
	}
	reset := strings.TrimPrefix(resetLink, app.URL)
	wantRedirect(t, "set after reset", nb.post(reset, reset, url.Values{
		"password": {nehaPw + "!"}, "confirm": {nehaPw + "!"}}), "/admin/login?done=password")
	wantRedirect(t, "sign in again", nb.signIn("/admin/login", "neha@example.com", nehaPw+"!"),
		"/admin")

	// Disable: her session ends at once; enabling lets her sign in again.
	b.act(staffPage, staffPage+"/"+nid+"/disable", url.Values{})
	wantRedirect(t, "neha after disabling", nb.get("/admin"), "/admin/login")
	if got := nb.signIn("/admin/login", "neha@example.com", nehaPw+"!"); got.Status != 401 {
		t.Errorf("disabled sign-in: status %d", got.Status)
	}
	b.act(staffPage, staffPage+"/"+nid+"/enable", url.Values{})
	wantRedirect(t, "enabled", nb.signIn("/admin/login", "neha@example.com", nehaPw+"!"),
		"/admin")

	// An admin's own row offers no reset: that is the account page.
	own := memberRow(t, b.get(staffPage), "asha@example.com")
	if own.Find(`[data-testid="reset"]`).Length() != 0 {
		t.Error("an admin is offered to reset their own password")
	}
	var actions []string
	for _, e := range auditLog(t, app, store.AuditQuery{}) {
		actions = append(actions, e.Action)
	}
	want := "signed_in staff_enabled staff_disabled signed_in staff_password_set " +
		"staff_password_reset staff_role_changed signed_in staff_password_set staff_added " +
		"signed_in"
	if got := strings.Join(actions, " "); got != want {
		t.Errorf("audit log\n%s\nwant\n%s", got, want)
	}
	if logs := app.Logs.String(); strings.Contains(logs, nehaPw) ||
		strings.Contains(logs, link[strings.LastIndex(link, "/")+1:]) {
		t.Error("the logs hold a password or a set-password token")
	}
}

// staffPage is the staff management page.
const staffPage = "/admin/staff"

func TestLastAdminStaysAdmin(t *testing.T) {
	app := newApp(t)
	asha := addMember(t, app, "asha@example.com", "Asha", store.RoleAdmin)
	b := signedIn(t, app, "asha@example.com")
	aid := strconv.FormatInt(asha.ID, 10)

	for _, action := range []string{"role", "disable"} {
		p := b.act(staffPage, staffPage+"/"+aid+"/"+action, url.Values{"role": {"support"}})
		if !strings.Contains(p.flashText(), "last active admin") {
			t.Errorf("%s of the last admin: flash %q", action, p.flashText())
		}
	}
	got, _ := app.Store.StaffByID(context.Background(), asha.ID)
	if got.Role != store.RoleAdmin || !got.Active() {
		t.Fatalf("the last admin is now %+v", got)
	}

	// With a second admin, one of them may step down, but then the other may not.
	ravi := addMember(t, app, "ravi@example.com", "Ravi", store.RoleAdmin)
	rid := strconv.FormatInt(ravi.ID, 10)
	b.act(staffPage, staffPage+"/"+rid+"/role", url.Values{"role": {"support"}})
	p := b.act(staffPage, staffPage+"/"+aid+"/disable", url.Values{})
	if !strings.Contains(p.flashText(), "last active admin") {
		t.Errorf("disabling the remaining admin: flash %q", p.flashText())
	}
	// A disabled admin does not count: disable Ravi after making him admin again.
	b.act(staffPage, staffPage+"/"+rid+"/role", url.Values{"role": {"admin"}})
	b.act(staffPage, staffPage+"/"+rid+"/disable", url.Values{})
	p = b.act(staffPage, staffPage+"/"+aid+"/role", url.Values{"role": {"support"}})
	if !strings.Contains(p.flashText(), "last active admin") {
		t.Errorf("demoting the only active admin: flash %q", p.flashText())
	}
}

func TestChangeOwnPassword(t *testing.T) {
	app := newApp(t)
	addMember(t, app, "asha@example.com", "Asha", store.RoleSupport)
	addMember(t, app, "root@example.com", "Root", store.RoleAdmin)
	b := signedIn(t, app, "asha@example.com")
	phone := signedIn(t, app, "asha@example.com")

	wrong := b.post("/admin/account", "/admin/account", url.Values{"current": {"nope"},
		"password": {"A-New-Pass-2026"}, "confirm": {"A-New-Pass-2026x"}})
	if wrong.Status != http.StatusUnprocessableEntity ||
		wrong.text(`[data-testid="current-error"]`) == "" ||
		wrong.text(`[data-testid="confirm-error"]`) == "" {
		t.Fatalf("wrong current password: status %d", wrong.Status)
	}

	const newPw = "A-New-Pass-2026"
	res := b.post("/admin/account", "/admin/account", url.Values{"current": {memberPassword},
		"password": {newPw}, "confirm": {newPw}})
	wantRedirect(t, "change", res, "/admin/login?done=password")
	if b.staffSessionCookie() != "" {
		t.Error("the session cookie survived the change")
	}
	wantRedirect(t, "the other device", phone.get("/admin"), "/admin/login")
	if got := app.browser(t).signIn("/admin/login", "asha@example.com",
		memberPassword); got.Status != 401 {
		t.Errorf("old password: status %d", got.Status)
	}
	wantRedirect(t, "new password", b.signIn("/admin/login", "asha@example.com", newPw),
		"/admin")
	entries := auditLog(t, app, store.AuditQuery{Action: store.AuditStaffPasswordSet})
	if len(entries) != 1 {
		t.Errorf("%d password-set audit entries, want 1", len(entries))
	}
}

func TestFirstAdminSetupLink(t *testing.T) {
	app := newApp(t)
	ctx := context.Background()
	base, _ := url.Parse(app.URL)

	link, err := handlers.FirstAdminLink(ctx, app.Store, base)
	if err != nil || !strings.HasPrefix(link, app.URL+"/admin/setup/") {
		t.Fatalf("first link %q, %v", link, err)
	}
	older := strings.TrimPrefix(link, app.URL)
	link, _ = handlers.FirstAdminLink(ctx, app.Store, base)
	path := strings.TrimPrefix(link, app.URL)
	b := app.browser(t)
	if got := b.get(older); got.Status != http.StatusNotFound {
		t.Errorf("a replaced set-up link: status %d, want 404", got.Status)
	}
	if got := b.get(path); got.Status != http.StatusOK {
		t.Fatalf("set-up page: status %d", got.Status)
	}

	bad := b.post(path, path, url.Values{"email": {"x"}, "name": {""}, "password": {"short"},
		"confirm": {"short"}})
	if bad.Status != http.StatusUnprocessableEntity ||
		bad.Doc.Find(`.field-error`).Length() != 3 {
		t.Errorf("invalid set-up: status %d, %d messages", bad.Status,
			bad.Doc.Find(`.field-error`).Length())
	}
	const pw = "First-Admin-Pass 1"
	wantRedirect(t, "set-up", b.post(path, path, url.Values{"email": {"Boss@Example.com"},
		"name": {"The Boss"}, "password": {pw}, "confirm": {pw}}), "/admin/login?done=setup")
	boss, err := app.Store.StaffByEmail(ctx, "boss@example.com")
	if err != nil || boss.Role != store.RoleAdmin || boss.Name != "The Boss" {
		t.Fatalf("first admin %+v, %v", boss, err)
	}
	wantRedirect(t, "sign in", b.signIn("/admin/login?done=setup", "boss@example.com", pw),
		"/admin")

	// Used, and staff exist now: the link and any new one are refused.
	if got := app.browser(t).get(path); got.Status != http.StatusNotFound {
		t.Errorf("used set-up link: status %d", got.Status)
	}
	if again, err := handlers.FirstAdminLink(ctx, app.Store, base); again != "" || err != nil {
		t.Errorf("a link once staff exist: %q, %v", again, err)
	}
	wantAudit(t, app, store.AuditQuery{Action: store.AuditFirstAdminCreated},
		store.AuditEntry{Actor: "staff:" + strconv.FormatInt(boss.ID, 10),
			Action: store.AuditFirstAdminCreated, Address: "127.0.0.1",
			Detail: "staff:" + strconv.FormatInt(boss.ID, 10)})
}

func TestFirstAdminSetupLinkExpires(t *testing.T) {
	app := newApp(t)
	base, _ := url.Parse(app.URL)
	link, _ := handlers.FirstAdminLink(context.Background(), app.Store, base)
	path := strings.TrimPrefix(link, app.URL)
	b := app.browser(t)
	token := b.get(path).Doc.Find(`input[name="_csrf"]`).AttrOr("value", "")

	app.Clock.Advance(61 * time.Minute)
	res := b.postRaw(path, url.Values{"_csrf": {token}, "email": {"boss@example.com"},
		"name": {"Boss"}, "password": {"First-Admin-Pass 1"}, "confirm": {"First-Admin-Pass 1"}},
		nil)
	if res.Status != http.StatusNotFound || !strings.Contains(res.Body, "expired") {
		t.Errorf("expired set-up link: status %d", res.Status)
	}
	if ok, _ := app.Store.HasStaff(context.Background()); ok {
		t.Error("an expired link created an account")
	}
}
