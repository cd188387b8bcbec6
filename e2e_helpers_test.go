package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
)

// chromiumPath is where Debian's chromium package installs the browser.
const chromiumPath = "/usr/bin/chromium"

// Timeouts of the browser tests. Every wait has one, so a broken page fails the test instead of
// hanging it.
const (
	// actionTimeout bounds one step: a navigation, a click and the wait for the next page.
	actionTimeout = 15 * time.Second
	// checkTimeout bounds a step that makes the portal check credentials with the fake
	// Shiprocket, retries and their backoff included.
	checkTimeout = 40 * time.Second
	// browserStartTimeout bounds Chromium's start-up, or opening a tab.
	browserStartTimeout = 30 * time.Second
)

// Screenshot widths: a small phone and a laptop.
var screenshotWidths = []int64{360, 1280}

// e2e is one end-to-end fixture: a fake Shiprocket, the real portal talking to it, and a headless
// Chromium with its own profile.
type e2e struct {
	t       *testing.T
	fake    *shiprockettest.Server
	portal  *portal
	browser context.Context
}

// newE2E starts a fake Shiprocket, the portal (through run, as main does) and a browser. It skips
// the test when Chromium is missing outside CI, and fails it in CI. Everything stops when the test
// ends.
func newE2E(t *testing.T) *e2e {
	t.Helper()
	requireChromium(t)

	fake := shiprockettest.NewServer()
	t.Cleanup(fake.Close)

	// Port 0: the portal builds resume links from the address it actually listens on.
	env := testEnv(t.TempDir(), fake.URL())

	p := startPortal(t, env)
	return &e2e{t: t, fake: fake, portal: p, browser: newBrowser(t)}
}

// requireChromium skips the test when Chromium is not installed, or fails it under CI, where a
// skipped browser test would hide a broken setup.
func requireChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("browser tests need Chromium at %s, and CI is set: install it with "+
			"`apt-get install -y chromium` (.ci/run does)", chromiumPath)
	}
	t.Skipf("browser tests need Chromium at %s; install it with "+
		"`sudo apt-get update && sudo apt-get install -y chromium`", chromiumPath)
}

// newBrowser starts a headless Chromium with a fresh profile and returns the context of its first
// tab. The browser stops when the test ends.
func newBrowser(t *testing.T) context.Context {
	t.Helper()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests run as root, where Chromium's sandbox cannot start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		// Chromium must reach nothing but the portal on loopback: the network is closed here,
		// and a test must never contact a real service.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})

	attach(t, ctx, cancelCtx, "start Chromium")
	return ctx
}

// attach runs the first, empty action on a chromedp context, which starts the browser or opens
// the tab. chromedp binds the browser or tab to the context of that first action, so it must run
// on ctx itself: a watchdog bounds it instead of a deadline that would end the tab with it.
func attach(t *testing.T, ctx context.Context, cancel context.CancelFunc, what string) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(ctx) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	case <-time.After(browserStartTimeout):
		cancel()
		t.Fatalf("%s: no answer within %v", what, browserStartTimeout)
	}
}

// tab is one browser tab driven by a test. Its methods fail the test on any error, with the
// page's address and text to show what the browser saw.
type tab struct {
	t    *testing.T
	ctx  context.Context
	name string
	// screenshots makes screenshot save pages. One scenario saves the wizard's pages, so that
	// the others do not overwrite them with other sellers' data.
	screenshots bool
}

// tab returns the browser's first tab.
func (e *e2e) tab(name string) *tab {
	return &tab{t: e.t, ctx: e.browser, name: name}
}

// newProfileTab opens a tab in a new browser context: no cookies shared with the other tabs, like
// another device.
func (e *e2e) newProfileTab(name string) *tab {
	e.t.Helper()
	ctx, cancel := chromedp.NewContext(e.browser, chromedp.WithNewBrowserContext())
	e.t.Cleanup(cancel)
	attach(e.t, ctx, cancel, name+": open a tab in a new browser context")
	return &tab{t: e.t, ctx: ctx, name: name}
}

// within returns a context for one step of the tab, bounded by d.
func (tb *tab) within(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(tb.ctx, d)
}

// do runs actions as one step, bounded by actionTimeout.
func (tb *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	tb.doWithin(actionTimeout, what, actions...)
}

// doWithin runs actions as one step, bounded by d.
func (tb *tab) doWithin(d time.Duration, what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := tb.within(d)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("%s: %s: %v\n%s", tb.name, what, err, tb.describe())
	}
}

// get runs one action that returns a value, bounded by actionTimeout. A read that lands while
// the browser swaps one page for the next ("No node with given id") is tried again: the element
// waited for can match on the old page an instant before the new one replaces it.
func get[T any](tb *tab, what string, a chromedp.Action[T]) T {
	tb.t.Helper()
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		ctx, cancel := tb.within(actionTimeout)
		var v T
		v, err = chromedp.Run(ctx, a)
		cancel()
		if err == nil {
			return v
		}
		if !strings.Contains(err.Error(), "No node with given id") &&
			!strings.Contains(err.Error(), "Could not find node") {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	tb.t.Fatalf("%s: %s: %v\n%s", tb.name, what, err, tb.describe())
	var zero T
	return zero
}

// describe returns the tab's address and visible text, for failure messages. It never fails.
func (tb *tab) describe() string {
	ctx, cancel := context.WithTimeout(tb.ctx, 3*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(the page could not be read: " + err.Error() + ")"
	}
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	if err != nil {
		body = "(no body: " + err.Error() + ")"
	}
	return "page " + loc + ":\n" + strings.Join(strings.Fields(body), " ")
}

// open navigates to url and waits for the element sel.
func (tb *tab) open(url string, sel chromedp.CSS) {
	tb.t.Helper()
	tb.do("open "+url, chromedp.Navigate(url), chromedp.WaitVisible(sel))
}

// click clicks the element sel and waits for the element next, normally on the page the click
// leads to.
func (tb *tab) click(sel, next chromedp.CSS) {
	tb.t.Helper()
	tb.do("click "+string(sel)+", wait for "+string(next), chromedp.Click(sel),
		chromedp.WaitVisible(next))
}

// clickForCheck is click for a button that makes the portal check credentials with Shiprocket,
// which may take longer.
func (tb *tab) clickForCheck(sel, next chromedp.CSS) {
	tb.t.Helper()
	tb.doWithin(checkTimeout, "click "+string(sel)+", wait for "+string(next), chromedp.Click(sel),
		chromedp.WaitVisible(next))
}

// typeInto types text into the input with the given id, as a person would, key by key.
func (tb *tab) typeInto(id, text string) {
	tb.t.Helper()
	tb.do("type into #"+id, chromedp.WaitVisible(chromedp.ID(id)),
		chromedp.SendKeys(chromedp.ID(id), text))
}

// replaceInto empties the input with the given id, then types text into it.
func (tb *tab) replaceInto(id, text string) {
	tb.t.Helper()
	tb.do("empty #"+id, chromedp.WaitVisible(chromedp.ID(id)), chromedp.Clear(chromedp.ID(id)))
	if v := tb.value(id); v != "" {
		tb.t.Fatalf("%s: #%s still holds %q after emptying it", tb.name, id, v)
	}
	tb.do("type into #"+id, chromedp.SendKeys(chromedp.ID(id), text))
}

// text returns the visible text of the element sel, spaces collapsed.
func (tb *tab) text(sel chromedp.CSS) string {
	tb.t.Helper()
	return strings.Join(strings.Fields(get(tb, "read "+string(sel), chromedp.Text(sel))), " ")
}

// value returns the current value of the input with the given id.
func (tb *tab) value(id string) string {
	tb.t.Helper()
	return get(tb, "read the value of #"+id, chromedp.Value(chromedp.ID(id)))
}

// attr returns an attribute of the element sel.
func (tb *tab) attr(sel chromedp.CSS, name string) string {
	tb.t.Helper()
	res := get(tb, "read "+name+" of "+string(sel), chromedp.AttributeValue(sel, name))
	if !res.Exists {
		tb.t.Fatalf("%s: %s has no attribute %s\n%s", tb.name, sel, name, tb.describe())
	}
	return res.Value
}

// count returns how many elements match the CSS selector, without waiting for any.
func (tb *tab) count(sel string) int {
	tb.t.Helper()
	nodes := get(tb, "count "+sel, chromedp.Nodes(chromedp.CSSAll(sel), chromedp.AtLeast(0)))
	return len(nodes)
}

// pageText returns the visible text of the whole page, spaces collapsed.
func (tb *tab) pageText() string {
	tb.t.Helper()
	return strings.Join(strings.Fields(get(tb, "read the page", chromedp.Text(chromedp.CSS("body")))),
		" ")
}

// location returns the tab's current address.
func (tb *tab) location() string {
	tb.t.Helper()
	return get(tb, "read the address", chromedp.Location())
}

// html returns the page's whole HTML.
func (tb *tab) html() string {
	tb.t.Helper()
	return get(tb, "read the HTML", chromedp.OuterHTML(chromedp.CSS("html")))
}

// cookieValues returns the values of the cookies the browser holds for url.
func (tb *tab) cookieValues(url string) []string {
	tb.t.Helper()
	ctx, cancel := tb.within(actionTimeout)
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{url}})
	if err != nil {
		tb.t.Fatalf("%s: read cookies: %v", tb.name, err)
	}
	var out []string
	for _, c := range res.Cookies {
		out = append(out, c.Value)
	}
	return out
}

// disableJavaScript turns off page scripts in this tab, for this page and the ones after it.
func (tb *tab) disableJavaScript() {
	tb.t.Helper()
	ctx, cancel := tb.within(actionTimeout)
	defer cancel()
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled,
		emulation.SetScriptExecutionDisabledParams{Value: true})
	if err != nil {
		tb.t.Fatalf("%s: turn off JavaScript: %v", tb.name, err)
	}
}

// expect fails the test when got differs from want.
func (tb *tab) expect(what, got, want string) {
	tb.t.Helper()
	if got != want {
		tb.t.Errorf("%s: %s = %q, want %q", tb.name, what, got, want)
	}
}

// expectContains fails the test when text lacks part.
func (tb *tab) expectContains(what, text, part string) {
	tb.t.Helper()
	if !strings.Contains(text, part) {
		tb.t.Errorf("%s: %s does not say %q; it says:\n%s", tb.name, what, part, text)
	}
}

// screenshot saves the current page at every screenshot width to docs/screenshots/NAME-WIDTH.png,
// only when UPDATE_SCREENSHOTS=1, so that a normal test run writes nothing into the repository,
// and only for a tab with screenshots set.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	if os.Getenv("UPDATE_SCREENSHOTS") != "1" || !tb.screenshots {
		return
	}

	dir := filepath.Join("docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Fatalf("screenshots: %v", err)
	}
	for _, w := range screenshotWidths {
		tb.do("resize to "+strconv.FormatInt(w, 10)+" px", chromedp.EmulateViewport(w, 800))
		png := get(tb, "screenshot "+name, chromedp.FullScreenshot(100))
		file := filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, w))
		if err := os.WriteFile(file, png, 0o644); err != nil {
			tb.t.Fatalf("screenshots: %v", err)
		}
	}
	tb.do("restore the window size", chromedp.ResetViewport())
}

// testID selects the element marked with data-testid id.
func testID(id string) chromedp.CSS {
	return chromedp.CSS(`[data-testid="` + id + `"]`)
}

// resumeTokenPattern matches a resume link and captures its token: at least 128 bits in
// unpadded base64url.
var resumeTokenPattern = regexp.MustCompile(`/r/([A-Za-z0-9_-]{22,})$`)

// jwtPattern matches a JSON Web Token, such as the token Shiprocket's login returns.
var jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+`)

// expectCleanLogs fails the test when a secret, a cookie value or anything shaped like a
// Shiprocket token appears in the portal's logs. It also fails when the logs miss a flow's
// lifecycle line, so that an empty capture cannot pass for a clean one.
func expectCleanLogs(t *testing.T, p *portal, secrets map[string]string) {
	t.Helper()
	logs := p.Logs.String()
	if !strings.Contains(logs, `"msg":"seller started"`) {
		t.Fatalf("the captured logs lack the seller's start; was anything captured?\n%s", logs)
	}
	for what, secret := range secrets {
		if secret == "" {
			t.Fatalf("expectCleanLogs: the %s to look for is empty", what)
		}
		if strings.Contains(logs, secret) {
			t.Errorf("the portal's logs contain the %s", what)
		}
	}
	if m := jwtPattern.FindString(logs); m != "" {
		t.Errorf("the portal's logs contain a token-shaped string (%d characters)", len(m))
	}
}
