package verify

import (
	"testing"

	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/store"
)

func TestClassify(t *testing.T) {
	granted := func(areas ...string) []Module {
		var out []Module
		for _, a := range areas {
			out = append(out, Module{Area: a, Access: string(shiprocket.AccessGranted)})
		}
		return out
	}
	with := func(m []Module, area, access string) []Module {
		return append(m, Module{Area: area, Access: access})
	}

	tests := []struct {
		name       string
		report     Report
		wantStatus store.Status
		wantReason string
	}{
		{"verified, all granted", Report{Outcome: "verified", Modules: granted("orders", "wallet"),
			Buyer: "visible"}, store.StatusVerified, ""},
		{"verified, no orders yet", Report{Outcome: "verified", Modules: granted("orders"),
			Buyer: "unknown"}, store.StatusVerified, ""},
		{"verified, an unknown probe does not fail the seller",
			Report{Outcome: "verified", Modules: with(granted("orders"), "listings", "unknown")},
			store.StatusVerified, ""},
		{"verified, a module denied", Report{Outcome: "verified",
			Modules: with(granted("orders"), "wallet", "denied")},
			store.StatusNeedsAction, ReasonMissingModules},
		{"verified, probes blocked by IP wins over denied", Report{Outcome: "verified",
			Modules: with(with(granted("orders"), "wallet", "denied"), "ndr", "ip_blocked")},
			store.StatusNeedsAction, ReasonIPBlocked},
		{"verified, buyer details masked", Report{Outcome: "verified", Modules: granted("orders"),
			Buyer: "masked"}, store.StatusNeedsAction, ReasonBuyerMasked},
		{"wrong credentials", Report{Outcome: "wrong_credentials"}, store.StatusNeedsAction,
			"wrong_credentials"},
		{"mfa", Report{Outcome: "mfa_required"}, store.StatusNeedsAction, "mfa_required"},
		{"ip not allowed at login", Report{Outcome: "ip_not_allowed"}, store.StatusNeedsAction,
			"ip_not_allowed"},
		{"validation", Report{Outcome: "validation_error"}, store.StatusNeedsAction,
			"validation_error"},
		{"rate limited", Report{Outcome: "rate_limited"}, store.StatusCheckPending, "rate_limited"},
		{"unavailable", Report{Outcome: "unavailable"}, store.StatusCheckPending, "unavailable"},
		{"unexpected", Report{Outcome: "unexpected"}, store.StatusCheckPending, "unexpected"},
		{"empty", Report{}, store.StatusCheckPending, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, reason := Classify(tt.report)
			if status != tt.wantStatus || reason != tt.wantReason {
				t.Errorf("Classify = %s/%q, want %s/%q", status, reason, tt.wantStatus,
					tt.wantReason)
			}
		})
	}
}

func TestFromShiprocketAndBack(t *testing.T) {
	in := shiprocket.Report{
		Login: shiprocket.LoginResult{Outcome: shiprocket.OutcomeVerified, HTTPStatus: 200,
			Token: "eyJ.secret.token", Message: "", Attempts: 2},
		Probes: []shiprocket.Probe{
			{Area: shiprocket.AreaOrders, Access: shiprocket.AccessGranted, HTTPStatus: 200},
			{Area: shiprocket.AreaWallet, Access: shiprocket.AccessDenied, HTTPStatus: 403,
				Message: "Unauthorized! You do not have the required permissions."},
		},
		Buyer:       shiprocket.BuyerVisible,
		MainAccount: true,
	}
	got := FromShiprocket(in)

	if got.Outcome != "verified" || got.HTTPStatus != 200 || got.Attempts != 2 ||
		got.Buyer != "visible" || !got.MainAccount || len(got.Modules) != 2 {
		t.Fatalf("FromShiprocket = %+v", got)
	}
	wallet := got.Modules[1]
	if wallet.Area != "wallet" || wallet.Label != "Wallet" || wallet.Access != "denied" ||
		wallet.HTTPStatus != 403 || wallet.Message == "" {
		t.Errorf("wallet module = %+v", wallet)
	}
	if d := got.Denied(); len(d) != 1 || d[0].Area != "wallet" {
		t.Errorf("Denied = %+v", d)
	}
	if u := got.Unknown(); len(u) != 0 {
		t.Errorf("Unknown = %+v", u)
	}
}

func TestParseReport(t *testing.T) {
	if r := ParseReport(""); r.Outcome != "" || r.Modules != nil {
		t.Errorf("empty = %+v", r)
	}
	if r := ParseReport("{not json"); r.Outcome != "" {
		t.Errorf("garbage = %+v", r)
	}
	r := ParseReport(`{"outcome":"verified","modules":[{"area":"orders","label":"Orders",` +
		`"access":"granted"}],"buyer":"masked"}`)
	if r.Outcome != "verified" || len(r.Modules) != 1 || r.Modules[0].Label != "Orders" ||
		r.Buyer != "masked" {
		t.Errorf("parsed = %+v", r)
	}
}
