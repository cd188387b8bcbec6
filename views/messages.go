package views

import "strings"

// Tone colours a message: ok, warn (wait and retry) or bad (the seller must change something).
type Tone string

// The tones of a message.
const (
	ToneOK   Tone = "ok"
	ToneWarn Tone = "warn"
	ToneBad  Tone = "bad"
)

// Message is what a seller is told about a check: a headline, the steps to take, and
// Shiprocket's own words where they help.
type Message struct {
	Key        string
	Tone       Tone
	Title      string
	Steps      []string
	Shiprocket string
}

// OutcomeInput is what the outcome texts may refer to.
type OutcomeInput struct {
	Outcome    string
	Reason     string
	APIEmail   string
	LoginEmail string
	Shiprocket string
	Denied     []string
}

// OutcomeMessage returns the seller-facing text for a check's outcome in the catalog's language.
// Which outcome says what is decided here, in one place; the words live in the catalogs.
func OutcomeMessage(t *Texts, in OutcomeInput) Message {
	key := in.Reason
	if key == "" {
		key = in.Outcome
	}

	o := t.Outcomes
	m := Message{Key: key, Shiprocket: in.Shiprocket}
	switch key {
	case "", "verified":
		m.Tone, m.Title = ToneOK, o.Verified
		m.Shiprocket = ""
	case "wrong_credentials":
		m.Tone, m.Title = ToneBad, o.WrongTitle
		m.Steps = []string{o.WrongCopy, o.WrongEmail(in.APIEmail), o.ChangePassword}
	case "mfa_required":
		m.Tone, m.Title = ToneBad, o.MFATitle
		m.Steps = []string{o.MFAEmail(in.LoginEmail), o.MFASupport}
	case "ip_not_allowed":
		m.Tone, m.Title = ToneBad, o.IPTitle
		m.Steps = []string{o.OpenUpdateUser, o.IPEmpty, o.CheckAgain}
	case "missing_modules":
		m.Tone, m.Title = ToneBad, o.ModulesTitle
		m.Steps = []string{o.OpenUpdateUser, o.ModulesTick(strings.Join(in.Denied, ", ")),
			o.CheckAgain}
		m.Shiprocket = ""
	case "buyer_masked":
		m.Tone, m.Title = ToneBad, o.BuyerTitle
		m.Steps = []string{o.OpenUpdateUser, o.BuyerAllow, o.CheckAgain}
		m.Shiprocket = ""
	case "validation_error":
		m.Tone, m.Title = ToneBad, o.ValidationTitle
		m.Steps = []string{o.ValidationCheck}
	case "rate_limited":
		m.Tone, m.Title = ToneWarn, o.RateLimitedTitle
		m.Steps = []string{o.RateLimitedWait}
	case "unavailable":
		m.Tone, m.Title = ToneWarn, o.UnavailableTitle
		m.Steps = []string{o.UnavailableWait, o.UnavailableAgain}
	case "running":
		m.Tone, m.Title = ToneWarn, o.RunningTitle
		m.Steps = []string{o.RunningCheck}
	default:
		m.Tone, m.Title = ToneWarn, o.UnexpectedTitle
		m.Steps = []string{o.UnexpectedWait, o.UnexpectedAgain}
	}
	return m
}
