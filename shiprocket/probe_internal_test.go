package shiprocket

import (
	"testing"
)

func TestClassifyProbe(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   Probe
	}{
		{"200", 200, `{"data":[]}`, Probe{AreaOrders, AccessGranted, 200, ""}},
		{"204 empty", 204, ``, Probe{AreaOrders, AccessGranted, 204, ""}},
		{"200 html still granted", 200, `<html>`, Probe{AreaOrders, AccessGranted, 200, ""}},
		{"403 module", 403,
			`{"message":"Unauthorized! You do not have the required permissions.",` +
				`"status_code":403}`,
			Probe{AreaOrders, AccessDenied, 403,
				"Unauthorized! You do not have the required permissions."}},
		{"403 feature flag", 403, `{"message":"Channel Creation by API is not enabled"}`,
			Probe{AreaOrders, AccessDenied, 403, "Channel Creation by API is not enabled"}},
		{"403 ip", 403,
			`{"message":"Unauthorized! You do not have the required permissions[IP]"}`,
			Probe{AreaOrders, AccessIPBlocked, 403,
				"Unauthorized! You do not have the required permissions[IP]"}},
		{"403 html", 403, `<html>Forbidden</html>`, Probe{AreaOrders, AccessDenied, 403, ""}},
		{"401", 401, `{"message":"Unauthenticated."}`,
			Probe{AreaOrders, AccessUnknown, 401, "Unauthenticated."}},
		{"404", 404, `{"message":"404 Not Found","status_code":404}`,
			Probe{AreaOrders, AccessUnknown, 404, "404 Not Found"}},
		{"422", 422, `{"message":"Required field missing","errors":{"a":["b"]}}`,
			Probe{AreaOrders, AccessUnknown, 422, "Required field missing"}},
		{"429", 429, `{"message":"Too Many Attempts."}`,
			Probe{AreaOrders, AccessUnknown, 429, "Too Many Attempts."}},
		{"500", 500, `{"message":"Server Error"}`,
			Probe{AreaOrders, AccessUnknown, 500, "Server Error"}},
		{"no response", 0, ``, Probe{AreaOrders, AccessUnknown, 0, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classifyProbe(AreaOrders, tt.status, []byte(tt.body)); got != tt.want {
				t.Errorf("classifyProbe(%d, %s) = %+v, want %+v", tt.status, tt.body, got, tt.want)
			}
		})
	}
}

func TestBuyerAccess(t *testing.T) {
	order := func(name, email, phone string) string {
		return `{"data":[{"id":1,"customer_name":` + name + `,"customer_email":` + email +
			`,"customer_phone":` + phone + `}],"meta":{"pagination":{"total":1}}}`
	}
	tests := []struct {
		name string
		body string
		want BuyerAccess
	}{
		{"real details", order(`"Ravi Kumar"`, `"ravi@example.com"`, `"9876543210"`),
			BuyerVisible},
		{"phone as number", order(`"Ravi"`, `""`, `9876543210`), BuyerVisible},
		{"only a name", order(`"Ravi"`, `""`, `null`), BuyerVisible},
		{"stars", order(`"R*** K****"`, `"r***@e***.com"`, `"98******10"`), BuyerMasked},
		{"x run in phone only", order(`"Ravi"`, `"ravi@example.com"`, `"98XXXXXX10"`),
			BuyerMasked},
		{"lower-case x run", order(`"xxxx"`, `""`, `""`), BuyerMasked},
		{"bullets", order(`"R•••"`, `""`, `""`), BuyerMasked},
		{"all empty", order(`""`, `""`, `""`), BuyerMasked},
		{"all placeholders", order(`"NA"`, `"N/A"`, `"-"`), BuyerMasked},
		{"fields missing", `{"data":[{"id":1}]}`, BuyerMasked},
		{"two x is not a mask", order(`"Alexx Roy"`, `""`, `""`), BuyerVisible},
		{"no orders", `{"data":[],"meta":{}}`, BuyerUnknown},
		{"data null", `{"data":null}`, BuyerUnknown},
		{"data not a list", `{"data":{"id":1}}`, BuyerUnknown},
		{"first order null", `{"data":[null]}`, BuyerUnknown},
		{"not json", `<html>`, BuyerUnknown},
		{"empty body", ``, BuyerUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := buyerAccess([]byte(tt.body)); got != tt.want {
				t.Errorf("buyerAccess(%s) = %q, want %q", tt.body, got, tt.want)
			}
		})
	}
}

func TestLooksLikeMainAccount(t *testing.T) {
	tests := []struct {
		first, last string
		want        bool
	}{
		{"API", "USER", false},
		{"api", "user", false},
		{" Api ", "", false},
		{"", "USER", false},
		{"Asha", "Verma", true},
		{"", "", true},
		{"APIs", "Users", true},
	}
	for _, tt := range tests {
		if got := looksLikeMainAccount(tt.first, tt.last); got != tt.want {
			t.Errorf("looksLikeMainAccount(%q, %q) = %v, want %v", tt.first, tt.last, got, tt.want)
		}
	}
}

func TestAllGranted(t *testing.T) {
	granted := Probe{Area: AreaOrders, Access: AccessGranted, HTTPStatus: 200}
	tests := []struct {
		name   string
		probes []Probe
		want   bool
	}{
		{"no probes", nil, false},
		{"all granted", []Probe{granted, granted}, true},
		{"one denied", []Probe{granted, {Area: AreaWallet, Access: AccessDenied}}, false},
		{"one unknown", []Probe{{Area: AreaWallet, Access: AccessUnknown}, granted}, false},
		{"one ip blocked", []Probe{granted, {Area: AreaWallet, Access: AccessIPBlocked}}, false},
	}
	for _, tt := range tests {
		if got := (Report{Probes: tt.probes}).AllGranted(); got != tt.want {
			t.Errorf("%s: AllGranted() = %v, want %v", tt.name, got, tt.want)
		}
	}
}
