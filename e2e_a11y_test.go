package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
	"github.com/aicofounder/shiprocket-portal/views"
)

// The accessibility tests run axe-core (vendored in testdata/axe-core, from npm) on every seller
// page and every staff page, in light and dark, and fail on any violation of WCAG 2.0, 2.1 or 2.2
// at levels A and AA. On seller pages they also run axe's best-practice rules and check the
// layout at phone widths: no sideways scrolling at 320 and 360 px, and every control a finger
// taps at least 44 px each way. A last test completes the whole wizard with the keyboard alone.

// wcagTags are the axe rule sets every page must pass.
var wcagTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// phoneWidths are the narrow widths every seller page must fit without scrolling sideways.
var phoneWidths = []int64{320, 360}

// minTapTarget is the smallest width and height, in CSS pixels, of a control a finger taps.
const minTapTarget = 44

// axeSource returns axe-core's script, read once.
var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(filepath.Join("testdata", "axe-core", "axe.min.js"))
	return string(b), err
})

// axeViolation is one failed axe rule with the elements that fail it.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeCheck runs axe-core on the tab's page with the given rule tags and fails the test for each
// violation, naming the rule, the page and the failing elements.
func (tb *tab) axeCheck(what string, tags []string) {
	tb.t.Helper()
	for _, v := range tb.axeViolations(what, tags) {
		tb.t.Errorf("%s: %s: axe rule %q (%s): %s\n  %s", tb.name, what, v.ID, v.Impact, v.Help,
			strings.Join(v.Nodes, "\n  "))
	}
}

// axeViolations runs axe-core on the tab's page with the given rule tags and returns what fails.
func (tb *tab) axeViolations(what string, tags []string) []axeViolation {
	tb.t.Helper()
	src, err := axeSource()
	if err != nil {
		tb.t.Fatalf("read axe-core: %v", err)
	}
	loaded := get(tb, "look for axe", chromedp.Evaluate[bool](`typeof axe !== "undefined"`))
	if !loaded {
		get(tb, "load axe-core", chromedp.Evaluate[bool](src+"\n;true"))
	}

	tagsJSON, _ := json.Marshal(tags)
	script := `axe.run(document, {runOnly: {type: "tag", values: ` + string(tagsJSON) + `},
		resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.map(v => ({
			id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.map(n => n.target.join(" ") + ": " +
				(n.failureSummary || "").replace(/\s+/g, " "))}))))`
	ctx, cancel := tb.within(checkTimeout)
	defer cancel()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](script, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("%s: run axe on %s: %v", tb.name, what, err)
	}

	var violations []axeViolation
	if err := json.Unmarshal([]byte(out), &violations); err != nil {
		tb.t.Fatalf("%s: axe's answer on %s: %v", tb.name, what, err)
	}
	return violations
}

// colorScheme makes the tab's pages follow a light or dark system setting.
func (tb *tab) colorScheme(scheme string) {
	tb.t.Helper()
	ctx, cancel := tb.within(actionTimeout)
	defer cancel()
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
	if err != nil {
		tb.t.Fatalf("%s: emulate prefers-color-scheme: %s: %v", tb.name, scheme, err)
	}
	got := get(tb, "read the color scheme", chromedp.Evaluate[bool](
		`matchMedia("(prefers-color-scheme: `+scheme+`)").matches`))
	if !got {
		tb.t.Fatalf("%s: the page does not see prefers-color-scheme: %s", tb.name, scheme)
	}
}

// width shows the tab's pages in a window of the given width.
func (tb *tab) width(w int64) {
	tb.t.Helper()
	tb.do("resize to "+strconv.FormatInt(w, 10)+" px", chromedp.EmulateViewport(w, 800))
}

// layoutProblemsJS lists what a phone user would trip over on the current page: a page wider
// than the window, and controls smaller than minTapTarget. Links inside running text are exempt,
// as WCAG 2.5.8 exempts them.
const layoutProblemsJS = `(() => {
	const out = [];
	const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
		(el.dataset.testid ? "[data-testid=" + el.dataset.testid + "]" : "") +
		" \"" + (el.textContent || el.value || "").trim().slice(0, 40) + "\"";
	const se = document.scrollingElement;
	if (se.scrollWidth > window.innerWidth) {
		const wide = Array.from(document.querySelectorAll("body *"))
			.filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
			.slice(-3).map(name);
		out.push("the page is " + se.scrollWidth + " px wide in a " + window.innerWidth +
			" px window, so it scrolls sideways; too wide: " + wide.join(", "));
	}
	const controls = "a[href], button, input:not([type=hidden]), select, textarea, summary";
	for (const el of document.querySelectorAll(controls)) {
		if (!el.checkVisibility() || getComputedStyle(el).display === "inline") continue;
		const r = el.getBoundingClientRect();
		if (r.width < %[1]d - 0.5 || r.height < %[1]d - 0.5) {
			out.push("tap target " + name(el) + " is " + Math.round(r.width) + "×" +
				Math.round(r.height) + " px");
		}
	}
	return out;
})()`

// checkPhoneLayout checks the current page at every phone width, then returns to width.
func (tb *tab) checkPhoneLayout(what string, width int64) {
	tb.t.Helper()
	for _, w := range phoneWidths {
		tb.width(w)
		for _, p := range tb.layoutProblems() {
			tb.t.Errorf("%s: %s at %d px: %s", tb.name, what, w, p)
		}
	}
	tb.width(width)
}

// layoutProblems returns what layoutProblemsJS finds on the current page at the current width.
func (tb *tab) layoutProblems() []string {
	tb.t.Helper()
	return get(tb, "measure the layout", chromedp.Evaluate[[]string](
		fmt.Sprintf(layoutProblemsJS, minTapTarget)))
}

// TestE2EChecksFindProblems shows that the page checks can fail: on a page made to break the
// rules, axe finds a missing text alternative, low contrast and small targets in light and in
// dark, and the layout check finds sideways scrolling and a small button.
func TestE2EChecksFindProblems(t *testing.T) {
	e := newE2E(t)
	tb := e.tab("broken page")
	page := `<!DOCTYPE html><html lang="en"><head><title>Broken</title>` +
		`<meta name="viewport" content="width=device-width"><style>` +
		`p { color: #ddd; }` +
		`@media (prefers-color-scheme: dark) { body { background: #000; } p { color: #111; } }` +
		`</style></head><body><main><h1>Broken</h1><p>Faint text</p>` +
		`<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">` +
		`<button style="width:20px;height:20px;padding:0;font-size:8px">x</button>` +
		`<button style="width:20px;height:20px;padding:0;font-size:8px">y</button>` +
		`<div style="width:500px">wide</div></main></body></html>`
	tb.open("data:text/html;base64,"+base64.StdEncoding.EncodeToString([]byte(page)),
		chromedp.CSS("main"))

	for _, scheme := range []string{"light", "dark"} {
		tb.colorScheme(scheme)
		found := map[string]bool{}
		for _, v := range tb.axeViolations("the broken page", wcagTags) {
			found[v.ID] = true
		}
		for _, rule := range []string{"image-alt", "color-contrast", "target-size"} {
			if !found[rule] {
				t.Errorf("%s: axe did not report %q on the broken page; it found %v", scheme,
					rule, found)
			}
		}
	}

	tb.width(320)
	problems := strings.Join(tb.layoutProblems(), "\n")
	for _, want := range []string{"scrolls sideways", `tap target button "x" is 20×20 px`} {
		if !strings.Contains(problems, want) {
			t.Errorf("the layout check missed %q; it found:\n%s", want, problems)
		}
	}
}

// sellerPageCheck runs every check a seller page must pass: axe with the WCAG and best-practice
// rules in light and in dark, and the phone layout checks. width is the tab's usual width.
func sellerPageCheck(tb *tab, what string, width int64) {
	tb.t.Helper()
	tags := append(append([]string{}, wcagTags...), "best-practice")
	for _, scheme := range []string{"light", "dark"} {
		tb.colorScheme(scheme)
		tb.axeCheck(what+" ("+scheme+")", tags)
	}
	tb.colorScheme("light")
	tb.checkPhoneLayout(what, width)
}

// setAcceptLanguage makes the tab's requests ask for the given languages.
func (tb *tab) setAcceptLanguage(value string) {
	tb.t.Helper()
	ctx, cancel := tb.within(actionTimeout)
	defer cancel()
	_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
		Headers: network.Headers{"Accept-Language": value}})
	if err != nil {
		tb.t.Fatalf("%s: set Accept-Language: %v", tb.name, err)
	}
}

// TestE2EA11ySellerPages visits every seller page, in English on a laptop and in Hindi on a
// phone, and runs every accessibility and layout check on each.
func TestE2EA11ySellerPages(t *testing.T) {
	for _, tt := range []struct {
		lang  views.Lang
		width int64
	}{
		{views.English, 1280},
		{views.Hindi, 360},
	} {
		t.Run(fmt.Sprintf("%s at %d px", tt.lang, tt.width), func(t *testing.T) {
			e := newE2E(t)
			s := e2eSeller{Store: "Meera Handlooms", Contact: "Meera Iyer",
				Login: "meera.handlooms@example.com", APIEmail: "meera.handlooms+api@example.com"}
			e.addAPIUser(s.APIEmail, e2ePassword)

			seller := e.tab("seller (" + string(tt.lang) + ")")
			seller.setAcceptLanguage(string(tt.lang))
			seller.width(tt.width)
			walkSellerPages(e, seller, s, tt.width, tt.lang)
		})
	}
}

// walkSellerPages takes one seller through every page a seller can see, checking each one.
func walkSellerPages(e *e2e, tb *tab, s e2eSeller, width int64, lang views.Lang) {
	tb.t.Helper()
	base := e.portal.URL
	tx := views.TextsFor(lang)
	check := func(what string) { sellerPageCheck(tb, what, width) }

	tb.open(base+"/", testID("start"))
	tb.expect("the page's language", tb.attr(chromedp.CSS("html"), "lang"), string(lang))
	check("the start page")

	tb.click(testID("start"), testID("error-summary"))
	expectFieldErrors(tb, []string{"store_name", "contact_name", "login_email"})
	check("the start page with errors")

	tb.typeInto("store_name", s.Store)
	tb.typeInto("contact_name", s.Contact)
	tb.typeInto("login_email", s.Login)
	tb.click(testID("start"), testID("resume-link"))
	check("the welcome page")

	tb.click(testID("next"), testID("step-1"))
	for n := 1; n <= views.TotalSteps; n++ {
		img := chromedp.CSS(`[data-testid="illustration"]`)
		tb.expect(fmt.Sprintf("step %d's drawing's text", n), tb.attr(img, "alt"),
			tx.Steps[n-1].Illustration)
		loaded := get(tb, "wait for the drawing", chromedp.Evaluate[bool](
			`new Promise(done => {
				const i = document.querySelector('[data-testid="illustration"]');
				if (i.complete) return done(i.naturalWidth > 0);
				i.addEventListener("load", () => done(i.naturalWidth > 0));
				i.addEventListener("error", () => done(false));
			})`, chromedp.EvalAwaitPromise))
		if !loaded {
			tb.t.Errorf("%s: step %d's drawing did not load", tb.name, n)
		}
		check(fmt.Sprintf("step %d", n))
		next := testID(fmt.Sprintf("step-%d", n+1))
		if n == views.TotalSteps {
			next = testID("check")
		}
		tb.click(testID("next"), next)
	}
	check("the credentials form")

	// An empty password: the summary and the field both say so.
	tb.click(testID("check"), testID("error-summary"))
	expectFieldErrors(tb, []string{"password"})
	check("the credentials form with errors")

	tb.typeInto("password", "Pw-WRONG-a11y-1")
	tb.clickForCheck(testID("check"), testID("outcome"))
	tb.expect("the outcome", tb.attr(testID("outcome"), "data-outcome"), "wrong_credentials")
	check("the credentials form after a wrong password")

	e.fake.SetFault(shiprockettest.Fault{Kind: shiprockettest.FaultStatus, Status: 503})
	submitCredentials(tb, e2ePassword, testID("recheck"))
	check("the status page while Shiprocket is down")

	e.fake.ClearFaults()
	e.fake.SetDenied(s.APIEmail, shiprocket.AreaWallet)
	tb.clickForCheck(testID("recheck"),
		`[data-testid="outcome"][data-outcome="missing_modules"]`)
	check("the status page with a module missing")

	e.fake.SetDenied(s.APIEmail)
	tb.clickForCheck(testID("recheck"), testID("done"))
	check("the done page")

	tb.open(base+"/password", testID("check"))
	check("the new password form")
	tb.open(base+"/welcome", testID("new-link"))
	check("the welcome page without the link")
	tb.open(base+"/", testID("continue"))
	check("the start page of a seller who has started")
	tb.open(base+"/r/not-a-real-token", testID("start-again"))
	check("a resume link that does not work")
	tb.open(base+"/no-such-page", testID("error-message"))
	check("the page for an unknown address")
}

// expectFieldErrors checks a form shown with errors: each field is named in the summary with a
// link to it, is marked invalid, and is described by its message.
func expectFieldErrors(tb *tab, fields []string) {
	tb.t.Helper()
	for _, f := range fields {
		link := chromedp.CSS(`[data-testid="error-summary"] a[href="#` + f + `"]`)
		if n := tb.count(string(link)); n != 1 {
			tb.t.Errorf("%s: the error summary has %d links to #%s, want 1", tb.name, n, f)
		}
		tb.expect("#"+f+"'s aria-invalid", tb.attr(chromedp.CSS("#"+f), "aria-invalid"), "true")
		described := strings.Fields(tb.attr(chromedp.CSS("#"+f), "aria-describedby"))
		found := false
		for _, id := range described {
			found = found || id == f+"-error"
		}
		if !found {
			tb.t.Errorf("%s: #%s is described by %v, which lacks its error message %s-error",
				tb.name, f, described, f)
		}
		if tb.text(testID(f+"-error")) == "" {
			tb.t.Errorf("%s: #%s has no message beside it", tb.name, f)
		}
	}
}

// TestE2EA11yStaffPages signs a staff member in and runs axe, in light and dark, on the sign-in
// page, the sellers list, a seller's page and every other staff page linked from them.
func TestE2EA11yStaffPages(t *testing.T) {
	e := newE2E(t)
	base := e.portal.URL
	s := e2eSeller{Store: "Anil Pottery", Contact: "Anil Shah", Login: "anil@example.com",
		APIEmail: "anil+api@example.com"}
	e.addAPIUser(s.APIEmail, e2ePassword)
	const staffPassword = "staff-Pw-a11y-9Qe#long"
	addStaff(t, e.portal.Env, "ops@example.com", "Asha Ops", staffPassword)

	// A seller with a check in their history, so the staff pages have something to show.
	seller := e.tab("seller")
	startWizard(seller, base, s)
	walkSteps(seller, s, true)
	submitCredentials(seller, "Pw-WRONG-staff-a11y", testID("outcome"))

	staff := e.newProfileTab("staff")
	check := func(what string) {
		for _, scheme := range []string{"light", "dark"} {
			staff.colorScheme(scheme)
			staff.axeCheck(what+" ("+scheme+")", wcagTags)
		}
		staff.colorScheme("light")
	}

	staff.open(base+"/admin/login", testID("sign-in"))
	check("the staff sign-in page")
	staff.typeInto("email", "ops@example.com")
	staff.typeInto("password", staffPassword)
	staff.click(testID("sign-in"), testID("seller-row"))

	// Visit every kind of staff page the list links to, breadth first: one address per page
	// kind (the same path with other filters, or another seller's id, is the same template).
	seen := map[string]bool{}
	kinds := map[string]bool{}
	queue := []string{"/admin"}
	for len(queue) > 0 && len(seen) < maxStaffPages {
		path := queue[0]
		queue = queue[1:]
		if seen[path] || kinds[pageKind(path)] || !staff.isPage(path) {
			continue
		}
		seen[path], kinds[pageKind(path)] = true, true
		staff.open(base+path, chromedp.CSS("main"))
		check("staff page " + path)
		queue = append(queue, staffLinks(staff, base)...)
	}
	if !seen["/admin"] {
		t.Errorf("the staff pages checked, %v, lack /admin", seen)
	}
	sellerPages := 0
	for p := range seen {
		if strings.HasPrefix(p, "/admin/sellers/") {
			sellerPages++
		}
	}
	if sellerPages == 0 {
		t.Errorf("no seller's staff page was checked; the pages checked: %v", seen)
	}
	t.Logf("staff pages checked: %v", slices.Sorted(maps.Keys(seen)))
}

// maxStaffPages bounds how many staff pages the test visits.
const maxStaffPages = 15

// pageKind names the template behind a staff address: its path, with numbers replaced by ":id"
// and without the query.
func pageKind(path string) string {
	path, _, _ = strings.Cut(path, "?")
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if _, err := strconv.ParseInt(p, 10, 64); err == nil {
			parts[i] = ":id"
		}
	}
	return strings.Join(parts, "/")
}

// isPage reports whether the address answers with an HTML page, not a download such as a CSV
// export. It asks from inside the page, with the staff member's cookies.
func (tb *tab) isPage(path string) bool {
	tb.t.Helper()
	ctype := get(tb, "look up "+path, chromedp.Evaluate[string](
		`fetch(`+strconv.Quote(path)+`, {redirect: "manual"})
			.then(r => (r.headers.get("content-type") || "") + " " + r.status)`,
		chromedp.EvalAwaitPromise))
	return strings.HasPrefix(ctype, "text/html") && strings.HasSuffix(ctype, " 200")
}

// staffLinks returns the staff pages the current page links to, as paths with their query.
func staffLinks(tb *tab, base string) []string {
	tb.t.Helper()
	hrefs := get(tb, "list the links", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("a[href]")).map(a => a.href)`))
	var out []string
	for _, h := range hrefs {
		u, err := url.Parse(h)
		if err != nil || "http://"+u.Host != base {
			continue
		}
		if u.Path != "/admin" && !strings.HasPrefix(u.Path, "/admin/") {
			continue
		}
		p := u.Path
		if u.RawQuery != "" {
			p += "?" + u.RawQuery
		}
		out = append(out, p)
	}
	return out
}

// TestE2EKeyboardOnly completes the whole wizard with the keyboard alone: Tab to move, Enter and
// Space to press, and typing into fields. It also uses the skip link, the error summary, the copy
// button and the list of steps to go back.
func TestE2EKeyboardOnly(t *testing.T) {
	e := newE2E(t)
	base := e.portal.URL
	s := e2eSeller{Store: "Keys and Co", Contact: "Kiran Rao", Login: "kiran@example.com",
		APIEmail: "kiran+api@example.com"}
	e.addAPIUser(s.APIEmail, e2ePassword)
	tx := views.TextsFor(views.English)

	kbd := e.tab("keyboard")
	// The copy button writes to the clipboard, which a browser allows a focused page.
	ctx, cancel := kbd.within(actionTimeout)
	_, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "clipboard-write"},
		Setting:    browser.PermissionSettingGranted, Origin: base})
	if err == nil {
		_, err = chromedp.Call(ctx, emulation.SetFocusEmulationEnabled,
			emulation.SetFocusEmulationEnabledParams{Enabled: true})
	}
	cancel()
	if err != nil {
		t.Fatalf("allow the clipboard: %v", err)
	}

	kbd.open(base+"/", testID("start"))
	kbd.press(kb.Tab)
	kbd.expectFocus(`[data-testid="skip-link"]`)
	kbd.press(kb.Enter)
	kbd.expectFocus(`main`)

	// An empty form first: the summary takes the focus, and its link leads into the field.
	kbd.tabTo(`[data-testid="start"]`)
	kbd.pressAndWait(kb.Enter, testID("error-summary"))
	kbd.expectFocus(`[data-testid="error-summary"]`)
	kbd.tabTo(`[data-testid="error-summary"] a[href="#store_name"]`)
	kbd.press(kb.Enter)
	kbd.expectFocus(`#store_name`)
	kbd.press(s.Store)
	kbd.tabTo(`#contact_name`)
	kbd.press(s.Contact)
	kbd.tabTo(`#login_email`)
	kbd.press(s.Login)
	kbd.press(kb.Enter)
	kbd.do("wait for the welcome page", chromedp.WaitVisible(testID("resume-link")))

	kbd.tabTo(`[data-testid="next"]`)
	kbd.pressAndWait(kb.Enter, testID("step-1"))
	for n := 1; n < views.TotalSteps; n++ {
		if n == 4 {
			kbd.tabTo(`[data-testid="alias-copy"]`)
			kbd.press(" ")
			kbd.do("wait for the copy to be announced", chromedp.WaitVisible(
				`[data-testid="alias-copied"]:not(:empty)`))
			kbd.expect("the copy button's announcement", kbd.text(testID("alias-copied")),
				tx.Copy.Copied)
		}
		if n == 3 {
			// Back to step 1 through the list of steps, then forward again with Next.
			kbd.tabTo(`[data-testid="jump-1"]`)
			kbd.pressAndWait(kb.Enter, testID("step-1"))
			for m := 1; m < 3; m++ {
				kbd.tabTo(`[data-testid="next"]`)
				kbd.pressAndWait(kb.Enter, testID(fmt.Sprintf("step-%d", m+1)))
			}
		}
		kbd.tabTo(`[data-testid="next"]`)
		kbd.pressAndWait(kb.Enter, testID(fmt.Sprintf("step-%d", n+1)))
	}
	kbd.tabTo(`[data-testid="next"]`)
	kbd.pressAndWait(kb.Enter, testID("check"))

	kbd.expect("the prefilled API email", kbd.value("api_email"), s.APIEmail)
	kbd.tabTo(`#password`)
	kbd.press(e2ePassword)
	kbd.tabTo(`[data-testid="check"]`)
	kbd.doWithin(checkTimeout, "press the check button with Space and wait for the result",
		chromedp.KeyEvent(" "), chromedp.WaitVisible(testID("done")))
	expectDone(kbd, s, s.APIEmail)
}

// press sends keys to the focused element, as typed on a keyboard.
func (tb *tab) press(keys string) {
	tb.t.Helper()
	tb.do("press "+strconv.Quote(keys), chromedp.KeyEvent(keys))
}

// pressAndWait sends keys, then waits for the element next.
func (tb *tab) pressAndWait(keys string, next chromedp.CSS) {
	tb.t.Helper()
	tb.do("press "+strconv.Quote(keys)+", wait for "+string(next), chromedp.KeyEvent(keys),
		chromedp.WaitVisible(next))
}

// maxTabs bounds how many times tabTo presses Tab looking for an element.
const maxTabs = 60

// tabTo presses Tab until the element matching sel has the focus, and fails the test when it
// never gets it: the element cannot be reached with the keyboard.
func (tb *tab) tabTo(sel string) {
	tb.t.Helper()
	for range maxTabs {
		if tb.focused(sel) {
			return
		}
		tb.press(kb.Tab)
	}
	if !tb.focused(sel) {
		tb.t.Fatalf("%s: %d presses of Tab never reached %s\n%s", tb.name, maxTabs, sel,
			tb.describe())
	}
}

// focused reports whether the element with the focus matches sel.
func (tb *tab) focused(sel string) bool {
	tb.t.Helper()
	return get(tb, "read the focus", chromedp.Evaluate[bool](
		`(el => !!el && el.matches(`+strconv.Quote(sel)+`))(document.activeElement)`))
}

// expectFocus fails the test unless the element matching sel has the focus.
func (tb *tab) expectFocus(sel string) {
	tb.t.Helper()
	if !tb.focused(sel) {
		who := get(tb, "describe the focus", chromedp.Evaluate[string](
			`(el => el ? el.outerHTML.slice(0, 120) : "nothing")(document.activeElement)`))
		tb.t.Errorf("%s: the focus is on %s, want %s", tb.name, who, sel)
	}
}
