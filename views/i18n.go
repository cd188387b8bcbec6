package views

import (
	"context"
	"html"
	"io"
	"strings"
	"time"

	"github.com/a-h/templ"
	"golang.org/x/text/language"
)

// Lang is a language the seller pages are written in, as a BCP 47 tag.
type Lang string

// The languages of the seller pages. Staff pages are always English.
const (
	English Lang = "en"
	Hindi   Lang = "hi"
)

// Langs lists the supported languages, the default first.
var Langs = []Lang{English, Hindi}

// Name returns the language's name written in that language, as a switcher shows it.
func (l Lang) Name() string {
	if l == Hindi {
		return "हिन्दी"
	}
	return "English"
}

// ParseLang returns the supported language named by s ("en", "hi"), or false.
func ParseLang(s string) (Lang, bool) {
	for _, l := range Langs {
		if s == string(l) {
			return l, true
		}
	}
	return English, false
}

// matcher picks a supported language from a browser's preferences; English comes first, so it
// is also the answer when nothing matches.
var matcher = language.NewMatcher([]language.Tag{language.English, language.Hindi})

// MatchAcceptLanguage picks the language for an Accept-Language header. English is the answer
// for an empty or malformed header and for one that asks for neither language.
func MatchAcceptLanguage(header string) Lang {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return English
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return English
	}
	return Langs[i]
}

// Locale is what a request's pages need to know about its language: which one, and where the
// language switcher's links point. An empty SwitchPath hides the switcher (staff pages).
type Locale struct {
	Lang       Lang
	SwitchPath string
}

type localeKey struct{}

// WithLocale returns a context whose pages render in the locale's language.
func WithLocale(ctx context.Context, l Locale) context.Context {
	return context.WithValue(ctx, localeKey{}, l)
}

// LocaleFrom returns the context's locale: English without a switcher when none was set.
func LocaleFrom(ctx context.Context) Locale {
	l, _ := ctx.Value(localeKey{}).(Locale)
	if _, ok := ParseLang(string(l.Lang)); !ok {
		l.Lang = English
	}
	return l
}

// T returns the texts in the context's language.
func T(ctx context.Context) *Texts {
	return TextsFor(LocaleFrom(ctx).Lang)
}

// TextsFor returns the catalog of one language; an unknown language gets English.
func TextsFor(l Lang) *Texts {
	if l == Hindi {
		return &hindi
	}
	return &english
}

// switchHref is the switcher's link to lang, on the same page.
func switchHref(path string, lang Lang) templ.SafeURL {
	return templ.SafeURL(path + "?lang=" + string(lang))
}

// Rich is catalog text with light markup: **words** between double asterisks are shown in bold,
// for the names of things to click. Everything else is plain text and is escaped.
type Rich string

// Render writes the text as HTML: escaped, with each **pair** as <strong>.
func (r Rich) Render(ctx context.Context, w io.Writer) error {
	parts := strings.Split(string(r), "**")
	var b strings.Builder
	for i, part := range parts {
		// Odd parts sit between a pair of markers; an unpaired last marker is shown as text.
		bold := i%2 == 1 && i < len(parts)-1
		if i%2 == 1 && !bold {
			b.WriteString("**")
		}
		if bold {
			b.WriteString("<strong>" + html.EscapeString(part) + "</strong>")
			continue
		}
		b.WriteString(html.EscapeString(part))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Plain returns the text without its markup, for places that cannot show bold.
func (r Rich) Plain() string {
	return strings.ReplaceAll(string(r), "**", "")
}

// ist is India Standard Time, the zone most sellers read times in.
var ist = time.FixedZone("IST", 5*60*60+30*60)

// DateTime formats a time for sellers, in India Standard Time: "2 Jan 2006, 3:04 pm IST", with
// the month's name in the catalog's language.
func (t *Texts) DateTime(tm time.Time) string {
	if tm.IsZero() {
		return t.Time.Never
	}
	tm = tm.In(ist)
	return tm.Format("2 ") + t.Time.Months[tm.Month()-1] + tm.Format(" 2006, ") + t.Clock(tm)
}

// Clock formats a time of day for sellers, in India Standard Time: "3:04 pm IST".
func (t *Texts) Clock(tm time.Time) string {
	return tm.In(ist).Format("3:04 pm") + " IST"
}
