package views

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
)

// catalogText is one text of a catalog: where it is, and its value with sample arguments.
type catalogText struct {
	path  string
	value string
	// args are the sample arguments a function text was called with.
	args []string
}

// sampleString is the argument function texts get; each call's arguments differ, so a
// translation that swaps or drops one is caught.
func sampleString(i int) string { return "ARG" + strconv.Itoa(i) + "-VALUE" }

// catalogTexts walks a catalog and returns every text in it, calling each function with sample
// arguments. A nil function or an unexpected field type is returned as a text with an empty
// value, so that the completeness test reports it.
func catalogTexts(t *testing.T, v reflect.Value, path string) []catalogText {
	t.Helper()
	switch v.Kind() {
	case reflect.Struct:
		var out []catalogText
		for i := range v.NumField() {
			out = append(out, catalogTexts(t, v.Field(i), path+"."+v.Type().Field(i).Name)...)
		}
		return out
	case reflect.Array:
		var out []catalogText
		for i := range v.Len() {
			out = append(out, catalogTexts(t, v.Index(i), fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	case reflect.String:
		return []catalogText{{path: path, value: v.String()}}
	case reflect.Func:
		if v.IsNil() {
			return []catalogText{{path: path + " (nil function)"}}
		}
		var in []reflect.Value
		var args []string
		for i := range v.Type().NumIn() {
			switch v.Type().In(i).Kind() {
			case reflect.String:
				in = append(in, reflect.ValueOf(sampleString(i)))
				args = append(args, sampleString(i))
			case reflect.Int:
				n := 400 + i
				in = append(in, reflect.ValueOf(n))
				args = append(args, strconv.Itoa(n))
			default:
				t.Fatalf("%s: the test cannot call a function taking %s", path, v.Type().In(i))
			}
		}
		out := v.Call(in)
		if len(out) != 1 || out[0].Kind() != reflect.String {
			t.Fatalf("%s: a text function must return one string type, it returns %s", path,
				v.Type())
		}
		return []catalogText{{path: path, value: out[0].String(), args: args}}
	}
	t.Fatalf("%s: the catalog holds a %s, which the test does not know", path, v.Kind())
	return nil
}

// TestCatalogsComplete fails when a text is missing in either language: every field of every
// catalog must be filled, every function must use each of its arguments, and bold markers must
// come in pairs.
func TestCatalogsComplete(t *testing.T) {
	for _, lang := range Langs {
		texts := catalogTexts(t, reflect.ValueOf(*TextsFor(lang)), string(lang))
		for _, status := range []int{403, 404, 405, 413, 429, 500, 503} {
			if TextsFor(lang).Errors.Title(status) == "" {
				t.Errorf("%s has no title for an error page with status %d", lang, status)
			}
		}
		if len(texts) < 150 {
			t.Fatalf("%s: only %d texts found; is the walk missing part of the catalog?", lang,
				len(texts))
		}
		for _, tx := range texts {
			if strings.TrimSpace(tx.value) == "" {
				t.Errorf("%s is missing", tx.path)
				continue
			}
			if strings.HasSuffix(tx.path, ".Errors.Title") {
				continue // names the status; does not show its number
			}
			for _, a := range tx.args {
				if !strings.Contains(tx.value, a) {
					t.Errorf("%s drops its argument %q: %q", tx.path, a, tx.value)
				}
			}
			if strings.Count(tx.value, "**")%2 != 0 {
				t.Errorf("%s has an unpaired ** marker: %q", tx.path, tx.value)
			}
		}
	}
}

// TestHindiIsWrittenInDevanagari catches English left untranslated in the Hindi catalog: every
// Hindi text has Devanagari in it, and none is the same as its English text. Texts that are
// pure punctuation in both languages are the only exception.
func TestHindiIsWrittenInDevanagari(t *testing.T) {
	en := catalogTexts(t, reflect.ValueOf(english), "")
	hi := catalogTexts(t, reflect.ValueOf(hindi), "")
	if len(en) != len(hi) {
		t.Fatalf("the catalogs hold %d and %d texts", len(en), len(hi))
	}
	for i := range hi {
		if strings.TrimSpace(en[i].value) == ":" || en[i].path == ".Resume.StartAgainFirst" &&
			hi[i].value == "या " {
			continue
		}
		if !strings.ContainsFunc(hi[i].value, isDevanagari) {
			t.Errorf("hi%s has no Devanagari: %q", hi[i].path, hi[i].value)
		}
		if hi[i].value == en[i].value {
			t.Errorf("hi%s is the same as the English: %q", hi[i].path, hi[i].value)
		}
	}
}

func isDevanagari(r rune) bool { return unicode.Is(unicode.Devanagari, r) }

// TestProductNamesStayEnglish checks that the Hindi guide keeps the names the seller sees in the
// English dashboard, so they can find what to click.
func TestProductNamesStayEnglish(t *testing.T) {
	guide := strings.Join(func() []string {
		var out []string
		for _, tx := range catalogTexts(t, reflect.ValueOf(hindi), "") {
			out = append(out, tx.value)
		}
		return out
	}(), "\n")
	for _, name := range []string{"Shiprocket", "API", "Settings", "Additional Settings",
		"API Users", "+ Add New API User", "Add New User", "Email", "Buyer Detail Access",
		"Allowed", "Modules to Access", "Create user", "ACTIVE", "Allowed IP", "Update User",
		"Change Password", "Save", "Spam"} {
		if !strings.Contains(guide, name) {
			t.Errorf("the Hindi texts never name %q as the dashboard shows it", name)
		}
	}
}

func TestMatchAcceptLanguage(t *testing.T) {
	tests := []struct {
		header string
		want   Lang
	}{
		{"", English},
		{"hi", Hindi},
		{"hi-IN", Hindi},
		{"hi-IN,hi;q=0.9,en-US;q=0.8,en;q=0.7", Hindi},
		{"en-IN,en;q=0.9,hi;q=0.8", English},
		{"en-GB", English},
		{"fr-FR,fr;q=0.9", English},
		{"fr-FR,fr;q=0.9,hi;q=0.5", Hindi},
		{"*", English},
		{"hi;q=0", English},
		{"not a header;;;q=x", English},
	}
	for _, tt := range tests {
		if got := MatchAcceptLanguage(tt.header); got != tt.want {
			t.Errorf("MatchAcceptLanguage(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}

func TestParseLang(t *testing.T) {
	tests := []struct {
		in     string
		want   Lang
		wantOK bool
	}{
		{"en", English, true},
		{"hi", Hindi, true},
		{"HI", English, false},
		{"hi-IN", English, false},
		{"", English, false},
		{"de", English, false},
	}
	for _, tt := range tests {
		got, ok := ParseLang(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("ParseLang(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestLocaleFrom(t *testing.T) {
	tests := []struct {
		name string
		ctx  context.Context
		want Locale
	}{
		{"none set", context.Background(), Locale{Lang: English}},
		{"Hindi with a switcher", WithLocale(context.Background(),
			Locale{Lang: Hindi, SwitchPath: "/steps/2"}), Locale{Lang: Hindi, SwitchPath: "/steps/2"}},
		{"unknown language", WithLocale(context.Background(), Locale{Lang: "de", SwitchPath: "/"}),
			Locale{Lang: English, SwitchPath: "/"}},
	}
	for _, tt := range tests {
		if got := LocaleFrom(tt.ctx); got != tt.want {
			t.Errorf("%s: LocaleFrom = %+v, want %+v", tt.name, got, tt.want)
		}
		if got, want := T(tt.ctx), TextsFor(tt.want.Lang); got != want {
			t.Errorf("%s: T returns the %s catalog", tt.name, got.Start.Submit)
		}
	}
}

func TestRichRender(t *testing.T) {
	tests := []struct {
		in        Rich
		wantHTML  string
		wantPlain string
	}{
		{"plain", "plain", "plain"},
		{"Click **Settings** now.", "Click <strong>Settings</strong> now.", "Click Settings now."},
		{"**a** and **b**", "<strong>a</strong> and <strong>b</strong>", "a and b"},
		{"<script>**x&y**", "&lt;script&gt;<strong>x&amp;y</strong>", "<script>x&y"},
		{"odd ** marker", "odd ** marker", "odd  marker"},
		{"", "", ""},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		if err := tt.in.Render(context.Background(), &buf); err != nil {
			t.Fatal(err)
		}
		if buf.String() != tt.wantHTML {
			t.Errorf("Rich(%q) renders %q, want %q", tt.in, buf.String(), tt.wantHTML)
		}
		if got := tt.in.Plain(); got != tt.wantPlain {
			t.Errorf("Rich(%q).Plain() = %q, want %q", tt.in, got, tt.wantPlain)
		}
	}
}

func TestDateTime(t *testing.T) {
	at := time.Date(2026, time.March, 5, 9, 45, 0, 0, time.UTC) // 15:15 in India
	tests := []struct {
		lang      Lang
		t         time.Time
		wantDate  string
		wantClock string
	}{
		{English, at, "5 Mar 2026, 3:15 pm IST", "3:15 pm IST"},
		{Hindi, at, "5 मार्च 2026, 3:15 pm IST", "3:15 pm IST"},
		{English, time.Time{}, "never", "5:30 am IST"},
		{Hindi, time.Time{}, "कभी नहीं", "5:30 am IST"},
	}
	for _, tt := range tests {
		tx := TextsFor(tt.lang)
		if got := tx.DateTime(tt.t); got != tt.wantDate {
			t.Errorf("%s DateTime(%v) = %q, want %q", tt.lang, tt.t, got, tt.wantDate)
		}
		if got := tx.Clock(tt.t); got != tt.wantClock {
			t.Errorf("%s Clock(%v) = %q, want %q", tt.lang, tt.t, got, tt.wantClock)
		}
	}
}

func TestStepsFollowTheEnglishCatalog(t *testing.T) {
	if len(Steps) != TotalSteps {
		t.Fatalf("%d steps, want %d", len(Steps), TotalSteps)
	}
	for i, s := range Steps {
		if s.N != i+1 || s.Title != english.Steps[i].Title {
			t.Errorf("Steps[%d] = %+v, want {%d %q}", i, s, i+1, english.Steps[i].Title)
		}
	}
	if got := StepLabel(2); got != "Step 2 of 8: Open API Users" {
		t.Errorf("StepLabel(2) = %q", got)
	}
}
