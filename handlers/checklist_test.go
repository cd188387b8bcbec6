package handlers_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
	"github.com/aicofounder/shiprocket-portal/store"
)

func TestChecklist(t *testing.T) {
	tests := []struct {
		name       string
		account    shiprockettest.Account
		wantPath   string
		wantStatus store.Status
		wantReason string
		// wantStates maps checklist labels to their state; labels not listed must be "ok".
		wantStates map[string]string
		wantFixes  []string
		wantMain   bool
	}{
		{"all granted", shiprockettest.Account{}, "/done", store.StatusVerified, "",
			map[string]string{}, nil, false},
		{"two modules missing",
			shiprockettest.Account{Denied: []shiprocket.Area{shiprocket.AreaWallet,
				shiprocket.AreaChannels}},
			"/status", store.StatusNeedsAction, "missing_modules",
			map[string]string{"Wallet": "bad", "Channels": "bad"},
			[]string{"tick “Wallet” → Save", "tick “Channels” → Save"}, false},
		{"buyer details masked", shiprockettest.Account{BuyerMasked: true}, "/status",
			store.StatusNeedsAction, "buyer_masked",
			map[string]string{"Buyer details (customer name, phone, email)": "bad"},
			[]string{"Buyer Detail Access: Allowed"}, false},
		{"no orders yet", shiprockettest.Account{NoOrders: true}, "/done", store.StatusVerified, "",
			map[string]string{"Buyer details (customer name, phone, email)": "unknown"}, nil, false},
		{"main account login", shiprockettest.Account{FirstName: "Asha", LastName: "Verma"},
			"/done", store.StatusVerified, "", map[string]string{}, nil, true},
		{"probes blocked by IP",
			shiprockettest.Account{AllowedIPs: []string{"203.0.113.10"}, LoginIgnoresIP: true},
			"/status", store.StatusNeedsAction, "ip_not_allowed",
			map[string]string{"Orders": "bad", "Shipments": "bad", "Returns": "bad", "NDR": "bad",
				"Pickup addresses (Settings)": "bad", "Channels": "bad", "Products": "bad",
				"Listings": "bad", "Inventory": "bad", "Couriers": "bad", "Wallet": "bad",
				"Account statement": "bad", "Billing discrepancy": "bad", "IP restriction": "bad",
				"Buyer details (customer name, phone, email)": "unknown"},
			[]string{"empty the Allowed IP field"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newApp(t)
			acct := tt.account
			acct.Email, acct.Password = "asha+api@gmail.com", goodPassword
			app.Fake.AddAccount(acct)
			b := app.browser(t)
			b.startSeller("Asha Sarees", "Asha", "asha@gmail.com")

			res := b.post("/credentials", "/credentials", url.Values{
				"api_email": {"asha+api@gmail.com"}, "password": {goodPassword},
			})
			if res.Location != tt.wantPath {
				t.Fatalf("redirected to %q, want %q", res.Location, tt.wantPath)
			}
			s := onlySeller(t, app)
			if s.Status != tt.wantStatus || s.StatusReason != tt.wantReason {
				t.Errorf("seller = %s/%q, want %s/%q", s.Status, s.StatusReason, tt.wantStatus,
					tt.wantReason)
			}

			page := b.get(tt.wantPath)
			items := page.Doc.Find(`[data-testid="checklist-item"]`)
			// Login, 13 modules, buyer details, IP restriction.
			if items.Length() != 16 {
				t.Errorf("checklist has %d items, want 16", items.Length())
			}
			items.Each(func(_ int, item *goquery.Selection) {
				label := strings.TrimSpace(item.Find("strong").Text())
				want, ok := tt.wantStates[label]
				if !ok {
					want = "ok"
				}
				if got := item.AttrOr("data-state", ""); got != want {
					t.Errorf("%s: state %q, want %q", label, got, want)
				}
			})
			fixes := page.Doc.Find(`[data-testid="fix"]`).Text()
			for _, f := range tt.wantFixes {
				if !strings.Contains(fixes, f) {
					t.Errorf("fixes lack %q: %s", f, fixes)
				}
			}
			if got := page.Doc.Find(`[data-testid="main-account-warning"]`).Length() == 1; got != tt.wantMain {
				t.Errorf("main account warning shown = %v, want %v", got, tt.wantMain)
			}
		})
	}
}

func TestMissingModuleFixedThenCheckAgain(t *testing.T) {
	app := newApp(t)
	app.Fake.AddAccount(shiprockettest.Account{Email: "asha+api@gmail.com", Password: goodPassword,
		Denied: []shiprocket.Area{shiprocket.AreaOrders}})
	b := app.browser(t)
	b.startSeller("Asha Sarees", "Asha", "asha@gmail.com")
	b.post("/credentials", "/credentials", url.Values{
		"api_email": {"asha+api@gmail.com"}, "password": {goodPassword},
	})
	if got := b.get("/status").Doc.Find(`[data-outcome]`).AttrOr("data-outcome", ""); got != "missing_modules" {
		t.Fatalf("outcome = %q, want missing_modules", got)
	}

	app.Fake.SetDenied("asha+api@gmail.com")
	res := b.post("/status", "/check", url.Values{})
	if res.Location != "/done" {
		t.Fatalf("check again after the fix: redirected to %q, want /done", res.Location)
	}
	if n := app.Fake.LoginCalls("asha+api@gmail.com"); n != 2 {
		t.Errorf("logins = %d, want 2 (one per check)", n)
	}
}
