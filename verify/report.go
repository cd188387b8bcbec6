package verify

import (
	"encoding/json"

	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/store"
)

// Report is what a check found, in the form kept with the check and shown to sellers and staff.
// It never holds the password or the token.
type Report struct {
	Outcome     string              `json:"outcome"`
	HTTPStatus  int                 `json:"http_status,omitempty"`
	Message     string              `json:"message,omitempty"`
	FieldErrors map[string][]string `json:"field_errors,omitempty"`
	Attempts    int                 `json:"attempts,omitempty"`
	Modules     []Module            `json:"modules,omitempty"`
	Buyer       string              `json:"buyer,omitempty"`
	MainAccount bool                `json:"main_account,omitempty"`
}

// Module is the result of one permission probe.
type Module struct {
	Area       string `json:"area"`
	Label      string `json:"label"`
	Access     string `json:"access"`
	HTTPStatus int    `json:"http_status,omitempty"`
	Message    string `json:"message,omitempty"`
}

// FromShiprocket turns the client's report into the stored form.
func FromShiprocket(r shiprocket.Report) Report {
	out := Report{
		Outcome:     string(r.Login.Outcome),
		HTTPStatus:  r.Login.HTTPStatus,
		Message:     r.Login.Message,
		FieldErrors: r.Login.FieldErrors,
		Attempts:    r.Login.Attempts,
		Buyer:       string(r.Buyer),
		MainAccount: r.MainAccount,
	}

	labels := map[shiprocket.Area]string{}
	for _, a := range shiprocket.Areas() {
		labels[a.Area] = a.Label
	}
	for _, p := range r.Probes {
		out.Modules = append(out.Modules, Module{
			Area: string(p.Area), Label: labels[p.Area], Access: string(p.Access),
			HTTPStatus: p.HTTPStatus, Message: p.Message,
		})
	}
	return out
}

// ParseReport reads a stored report; an empty or unreadable one gives a zero Report.
func ParseReport(s string) Report {
	var r Report
	if s == "" {
		return r
	}
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return Report{}
	}
	return r
}

// Denied returns the modules Shiprocket refused.
func (r Report) Denied() []Module {
	return r.withAccess(string(shiprocket.AccessDenied))
}

// Unknown returns the modules whose answer did not say either way.
func (r Report) Unknown() []Module {
	return r.withAccess(string(shiprocket.AccessUnknown))
}

func (r Report) withAccess(access string) []Module {
	var out []Module
	for _, m := range r.Modules {
		if m.Access == access {
			out = append(out, m)
		}
	}
	return out
}

// Classify decides what a report means for the seller. A login that works but reaches too little
// is not verified: the seller must tick the missing modules or allow our address. Answers that say
// nothing about the credentials (Shiprocket down, rate limited, nonsense) leave the check pending,
// to be tried again without asking the seller for anything.
func Classify(r Report) (store.Status, string) {
	switch shiprocket.Outcome(r.Outcome) {
	case shiprocket.OutcomeVerified:
		for _, m := range r.Modules {
			if m.Access == string(shiprocket.AccessIPBlocked) {
				return store.StatusNeedsAction, ReasonIPBlocked
			}
		}
		if len(r.Denied()) > 0 {
			return store.StatusNeedsAction, ReasonMissingModules
		}
		if r.Buyer == string(shiprocket.BuyerMasked) {
			return store.StatusNeedsAction, ReasonBuyerMasked
		}
		return store.StatusVerified, ""
	case shiprocket.OutcomeWrongCredentials, shiprocket.OutcomeMFARequired,
		shiprocket.OutcomeIPNotAllowed, shiprocket.OutcomeValidation:
		return store.StatusNeedsAction, r.Outcome
	default:
		return store.StatusCheckPending, r.Outcome
	}
}
