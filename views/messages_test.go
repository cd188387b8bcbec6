package views

import (
	"reflect"
	"testing"
)

func TestOutcomeMessage(t *testing.T) {
	in := OutcomeInput{APIEmail: "asha+api@gmail.com", LoginEmail: "asha@gmail.com",
		Shiprocket: "Shiprocket's words", Denied: []string{"Wallet", "Channels"}}
	for _, lang := range Langs {
		o := TextsFor(lang).Outcomes
		tests := []struct {
			outcome, reason string
			want            Message
		}{
			{"verified", "", Message{Key: "verified", Tone: ToneOK, Title: o.Verified}},
			{"", "", Message{Key: "", Tone: ToneOK, Title: o.Verified}},
			{"wrong_credentials", "wrong_credentials", Message{Key: "wrong_credentials",
				Tone: ToneBad, Title: o.WrongTitle, Steps: []string{o.WrongCopy,
					o.WrongEmail("asha+api@gmail.com"), o.ChangePassword},
				Shiprocket: "Shiprocket's words"}},
			{"mfa_required", "mfa_required", Message{Key: "mfa_required", Tone: ToneBad,
				Title: o.MFATitle, Steps: []string{o.MFAEmail("asha@gmail.com"), o.MFASupport},
				Shiprocket: "Shiprocket's words"}},
			{"ip_not_allowed", "ip_not_allowed", Message{Key: "ip_not_allowed", Tone: ToneBad,
				Title: o.IPTitle, Steps: []string{o.OpenUpdateUser, o.IPEmpty, o.CheckAgain},
				Shiprocket: "Shiprocket's words"}},
			{"verified", "missing_modules", Message{Key: "missing_modules", Tone: ToneBad,
				Title: o.ModulesTitle, Steps: []string{o.OpenUpdateUser,
					o.ModulesTick("Wallet, Channels"), o.CheckAgain}}},
			{"verified", "buyer_masked", Message{Key: "buyer_masked", Tone: ToneBad,
				Title: o.BuyerTitle, Steps: []string{o.OpenUpdateUser, o.BuyerAllow,
					o.CheckAgain}}},
			{"validation_error", "validation_error", Message{Key: "validation_error",
				Tone: ToneBad, Title: o.ValidationTitle, Steps: []string{o.ValidationCheck},
				Shiprocket: "Shiprocket's words"}},
			{"rate_limited", "", Message{Key: "rate_limited", Tone: ToneWarn,
				Title: o.RateLimitedTitle, Steps: []string{o.RateLimitedWait},
				Shiprocket: "Shiprocket's words"}},
			{"unavailable", "", Message{Key: "unavailable", Tone: ToneWarn,
				Title: o.UnavailableTitle, Steps: []string{o.UnavailableWait, o.UnavailableAgain},
				Shiprocket: "Shiprocket's words"}},
			{"running", "", Message{Key: "running", Tone: ToneWarn, Title: o.RunningTitle,
				Steps: []string{o.RunningCheck}, Shiprocket: "Shiprocket's words"}},
			{"unexpected", "", Message{Key: "unexpected", Tone: ToneWarn,
				Title: o.UnexpectedTitle, Steps: []string{o.UnexpectedWait, o.UnexpectedAgain},
				Shiprocket: "Shiprocket's words"}},
		}
		for _, tt := range tests {
			in := in
			in.Outcome, in.Reason = tt.outcome, tt.reason
			got := OutcomeMessage(TextsFor(lang), in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s: OutcomeMessage(%q, %q) =\n%+v\nwant\n%+v", lang, tt.outcome,
					tt.reason, got, tt.want)
			}
		}
	}
}
