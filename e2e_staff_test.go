package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aicofounder/shiprocket-portal/store"
)

// TestE2EStaffUnblocksAStuckSeller is issue 5's browser scenario: a seller stops at step 3 and
// goes quiet for four days; a staff member finds them in the Stuck tab, assigns them, adds a note
// and makes a new resume link; the seller opens that link on another device and finishes.
func TestE2EStaffUnblocksAStuckSeller(t *testing.T) {
	e := newE2E(t)
	base := e.portal.URL
	s := e2eSeller{Store: "Quiet Quilts", Contact: "Kiran Rao", Login: "kiran.quilts@example.com",
		APIEmail: "kiran.quilts+api@example.com"}
	e.addAPIUser(s.APIEmail, e2ePassword)
	const staffPassword = "staff-Pw-e2e-9Vb#long"
	addStaff(t, e.portal.Env, "ops@example.com", "Asha Ops", staffPassword)

	// The seller starts, reads three steps, and stops.
	seller := e.tab("seller")
	oldToken := startWizard(seller, base, s)
	seller.click(testID("next"), testID("step-1"))
	seller.click(testID("next"), testID("step-2"))
	seller.click(testID("next"), testID("step-3"))
	ageSeller(t, e.portal.Env["PORTAL_DB"], oldToken, 4*24*time.Hour)

	// Staff find the seller in the Stuck tab.
	staff := e.newProfileTab("staff")
	staff.screenshots = true
	staff.open(base+"/admin/login", testID("sign-in"))
	staff.typeInto("email", "ops@example.com")
	staff.typeInto("password", staffPassword)
	staff.click(testID("sign-in"), testID("queue"))
	staff.expect("the Stuck tab's count", staff.text(chromedp.CSS(
		`[data-testid="tab-stuck"] [data-testid="tab-count"]`)), "1")
	staff.click(testID("tab-stuck"), chromedp.CSS(`[data-testid="tab-stuck"][aria-current]`))
	staff.screenshot("staff-queue-stuck")
	if n := staff.count(`[data-testid="seller-row"]`); n != 1 {
		t.Fatalf("staff: the Stuck tab lists %d sellers, want 1\n%s", n, staff.describe())
	}
	staff.expect("the stuck row's store", staff.text(testID("seller-store")), s.Store)
	staff.expect("the stuck row's step", staff.text(testID("seller-step")),
		"Step 3 of 8: Add a new API user")
	staff.expect("how long it is stuck", staff.text(testID("seller-stuck")), "idle 4 days")
	staff.click(testID("seller-link"), testID("seller"))

	// Assign to themselves, add a note, make a new resume link.
	staff.do("choose the assignee", chromedp.Evaluate[chromedp.Void](
		`(() => { const s = document.getElementById("assign-to");
			s.value = [...s.options].find(o => o.text.trim() === "Asha Ops").value; })()`))
	staff.click(testID("assign"), testID("flash"))
	staff.expect("the assignee", staff.text(testID("assignee")), "Asha Ops")

	const note = "Phoned Kiran: she lost the link. Sending a new one by WhatsApp."
	staff.typeInto("note", note)
	staff.click(testID("add-note"), testID("flash"))
	staff.expect("the newest timeline entry", staff.text(testID("note-text")), note)

	staff.click(testID("new-link"), testID("one-time-link"))
	staff.screenshot("staff-seller-new-link")
	link := staff.text(testID("one-time-link"))
	m := resumeTokenPattern.FindStringSubmatch(link)
	if m == nil || !strings.HasPrefix(link, base+"/r/") || m[1] == oldToken {
		t.Fatalf("staff: new resume link %q", link)
	}
	newToken := m[1]

	// The old link no longer opens the portal; the new one does, where the seller stopped.
	old := e.newProfileTab("old link")
	old.open(base+"/r/"+oldToken, chromedp.CSS("main"))
	if old.count(`[data-testid="step-3"]`) != 0 || !strings.Contains(old.location(), "/r/") {
		t.Errorf("the old link still works: %s", old.location())
	}

	phone := e.newProfileTab("seller's phone")
	phone.open(link, testID("step-3"))
	for n := 4; n <= 8; n++ {
		phone.click(testID("next"), testID(fmt.Sprintf("step-%d", n)))
	}
	phone.click(testID("next"), testID("check"))
	phone.expect("the prefilled API email", phone.value("api_email"), s.APIEmail)
	submitCredentials(phone, e2ePassword, testID("done"))
	expectDone(phone, s, s.APIEmail)

	// Back on the staff side: verified, no longer stuck, and the whole story in the timeline.
	staff.open(staff.location(), testID("seller"))
	staff.expect("the seller's status", staff.attr(chromedp.CSS(`[data-testid="seller"] `+
		`[data-testid="seller-status"]`), "data-status"), "verified")
	kinds := get(staff, "read the timeline", chromedp.Evaluate[string](
		`[...document.querySelectorAll('[data-testid="event"]')].map(e => e.dataset.kind).join(" ")`))
	for _, want := range []string{"checked submitted", "resumed link_created note assigned",
		"step_reached created"} {
		if !strings.Contains(kinds, want) {
			t.Errorf("staff: the timeline %q lacks %q", kinds, want)
		}
	}
	staff.open(base+"/admin?status=stuck", testID("queue"))
	if n := staff.count(`[data-testid="seller-row"]`); n != 0 {
		t.Errorf("staff: the Stuck tab still lists %d sellers", n)
	}
	expectNoPasswordInPage(staff, e2ePassword)

	secrets := map[string]string{"API password": e2ePassword, "old resume token": oldToken,
		"new resume token": newToken, "staff password": staffPassword}
	tabs := []*tab{seller, staff, phone, old}
	for _, tb := range tabs {
		for i, c := range tb.cookieValues(base) {
			secrets[fmt.Sprintf("%s cookie %d", tb.name, i)] = c
		}
	}
	expectCleanLogs(t, e.portal, secrets)
}

// ageSeller moves the last activity of the seller behind a resume token back by ago, through
// the store as the portal itself writes it: a store on the same file, whose clock is set back.
func ageSeller(t *testing.T, dbPath, token string, ago time.Duration) {
	t.Helper()
	ctx := context.Background()
	then := func() time.Time { return time.Now().Add(-ago) }
	st, err := store.Open(ctx, dbPath, store.WithClock(then))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	sum := sha256.Sum256([]byte(token))
	s, err := st.SellerByResumeToken(ctx, sum[:])
	if err != nil {
		t.Fatalf("find the seller to age: %v", err)
	}
	if err := st.Touch(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
}
