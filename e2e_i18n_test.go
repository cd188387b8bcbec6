package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aicofounder/shiprocket-portal/views"
)

// acceptLanguage is what a browser set to each language sends.
var acceptLanguage = map[views.Lang]string{
	views.English: "en-IN,en;q=0.9",
	views.Hindi:   "hi-IN,hi;q=0.9,en;q=0.8",
}

// otherLang returns the language that is not l.
func otherLang(l views.Lang) views.Lang {
	if l == views.Hindi {
		return views.English
	}
	return views.Hindi
}

// TestE2EI18nWholeFlow takes a seller through the whole wizard in each language, on a phone and
// on a laptop: the browser's Accept-Language picks the language, every page is in it (texts from
// the catalog, <html lang>), validation and Shiprocket's outcome too, and the switcher's choice
// is remembered from page to page until it is changed back.
func TestE2EI18nWholeFlow(t *testing.T) {
	for _, lang := range views.Langs {
		for _, width := range []int64{360, 1280} {
			t.Run(fmt.Sprintf("%s at %d px", lang, width), func(t *testing.T) {
				e := newE2E(t)
				n := len(lang) + int(width)
				s := e2eSeller{Store: "Bhasha Stores", Contact: "Lata Menon",
					Login:    fmt.Sprintf("lata%d@example.com", n),
					APIEmail: fmt.Sprintf("lata%d+api@example.com", n)}
				e.addAPIUser(s.APIEmail, e2ePassword)

				tb := e.tab(fmt.Sprintf("seller (%s, %d px)", lang, width))
				// One run saves the Hindi pages for the README; the screenshot helper takes
				// each page at every width and then goes back to the browser's own 1280 px.
				tb.screenshots = lang == views.Hindi && width == 1280
				tb.setAcceptLanguage(acceptLanguage[lang])
				tb.width(width)
				languageFlow(e, tb, s, lang)
			})
		}
	}
}

// expectLang checks that the page is in lang: <html lang> and the heading.
func expectLang(tb *tab, lang views.Lang, what, heading string) {
	tb.t.Helper()
	tb.expect(what+"'s <html lang>", tb.attr(chromedp.CSS("html"), "lang"), string(lang))
	tb.expect(what+"'s heading", tb.text(chromedp.CSS("h1")), heading)
}

// languageFlow is one seller's whole wizard in lang, checking every text against the catalog.
func languageFlow(e *e2e, tb *tab, s e2eSeller, lang views.Lang) {
	tb.t.Helper()
	base := e.portal.URL
	tx := views.TextsFor(lang)

	tb.open(base+"/", testID("start"))
	brand := tb.text(chromedp.CSS(".brand"))
	expectLang(tb, lang, "the start page", tx.Start.Heading(brand))
	tb.screenshot("seller-" + string(lang) + "-start")

	tb.click(testID("start"), testID("error-summary"))
	tb.expect("the error summary's heading", tb.text(chromedp.CSS(".error-summary h2")),
		tx.Layout.ErrorSummary)
	tb.expect("the store name's message", tb.text(testID("store_name-error")),
		tx.Start.StoreNameMissing)
	tb.expect("the login email's message", tb.text(testID("login_email-error")),
		tx.Start.LoginEmailInvalid)

	tb.typeInto("store_name", s.Store)
	tb.typeInto("contact_name", s.Contact)
	tb.typeInto("login_email", s.Login)
	tb.click(testID("start"), testID("resume-link"))
	expectLang(tb, lang, "the welcome page", tx.Welcome.Heading(s.Contact))

	tb.click(testID("next"), testID("step-1"))
	expectStep(tb, lang, 1)
	tb.click(testID("next"), testID("step-2"))
	expectStep(tb, lang, 2)
	tb.screenshot("seller-" + string(lang) + "-step-2")

	// The switcher reloads the same page in the other language, and the choice holds on the
	// next page although the browser still asks for lang; switching back restores lang.
	other := otherLang(lang)
	tb.click(testID("lang-"+string(other)), chromedp.CSS(`html[lang="`+string(other)+`"]`))
	if !strings.HasSuffix(tb.location(), "/steps/2") {
		tb.t.Errorf("%s: the switcher left step 2 for %s", tb.name, tb.location())
	}
	expectStep(tb, other, 2)
	tb.click(testID("next"), testID("step-3"))
	expectStep(tb, other, 3)
	tb.click(testID("lang-"+string(lang)), chromedp.CSS(`html[lang="`+string(lang)+`"]`))
	expectStep(tb, lang, 3)

	// Back to the first step through the list of steps, then forward to the end.
	tb.click(testID("jump-1"), testID("step-1"))
	expectStep(tb, lang, 1)
	for n := 2; n <= views.TotalSteps; n++ {
		tb.click(testID("next"), testID(fmt.Sprintf("step-%d", n)))
		expectStep(tb, lang, n)
		if n == 4 {
			tb.expect("the API email on step 4", tb.text(testID("alias")), s.APIEmail)
			tb.screenshot("seller-" + string(lang) + "-step-4")
		}
	}
	tb.click(testID("next"), testID("check"))
	expectLang(tb, lang, "the credentials form", tx.Credentials.Heading)

	submitCredentials(tb, "Pw-WRONG-i18n-5Tg", testID("outcome"))
	tb.expect("the outcome's title", tb.text(chromedp.CSS(`[data-testid="outcome"] h2`)),
		tx.Outcomes.WrongTitle)
	tb.expect("the outcome's first step", tb.text(chromedp.CSS(`[data-testid="outcome"] li`)),
		tx.Outcomes.WrongCopy)
	tb.screenshot("seller-" + string(lang) + "-credentials-wrong-password")

	// While the check runs, the page says so: pressing Check shows the status message at once,
	// before the browser leaves the page. The message is read in the same script as the press,
	// because the page is gone once the answer comes.
	tb.typeInto("password", e2ePassword)
	busy := get(tb, "press Check and read the page at once", chromedp.Evaluate[string](
		`(() => {
			document.querySelector('[data-testid="check"]').click();
			const m = document.querySelector('[data-testid="busy"]');
			return m.checkVisibility() ? m.getAttribute("role") + ": " + m.textContent.trim() : "";
		})()`))
	tb.expect("the message while checking", busy, "status: "+tx.Credentials.Checking)
	tb.doWithin(checkTimeout, "wait for the result", chromedp.WaitVisible(testID("done")))

	expectLang(tb, lang, "the done page", tx.Done.Heading)
	tb.expect("the done page's text", tb.text(chromedp.CSS(`[data-testid="done"] .notice p`)),
		tx.Done.Connected(s.Store, brand))
	checked := tb.text(testID("checked-at"))
	month := tx.Time.Months[time.Now().In(time.FixedZone("IST", 19800)).Month()-1]
	if !strings.Contains(checked, month) {
		tb.t.Errorf("%s: the check time %q does not name the month %q", tb.name, checked, month)
	}
	tb.screenshot("seller-" + string(lang) + "-done")
}

// expectStep checks that the page is guided step n in lang.
func expectStep(tb *tab, lang views.Lang, n int) {
	tb.t.Helper()
	tx := views.TextsFor(lang)
	what := fmt.Sprintf("step %d", n)
	expectLang(tb, lang, what, tx.Steps[n-1].Title)
	tb.expect(what+"'s indicator", tb.text(testID("step-count")),
		tx.Progress.StepOf(n, views.TotalSteps))
	tb.expect(what+"'s drawing's text", tb.attr(testID("illustration"), "alt"),
		tx.Steps[n-1].Illustration)
}
