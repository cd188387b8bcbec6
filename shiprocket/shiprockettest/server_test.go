package shiprockettest_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
)

const (
	email    = "shop+api@example.com"
	password = "shop-pass-1"
)

// answer is a raw HTTP answer.
type answer struct {
	status      int
	contentType string
	retryAfter  string
	body        string
}

// newServer starts a fake with one account.
func newServer(t *testing.T, a shiprockettest.Account) *shiprockettest.Server {
	t.Helper()
	s := shiprockettest.NewServer()
	t.Cleanup(s.Close)
	s.AddAccount(a)
	return s
}

// do sends a request and returns the answer.
func do(t *testing.T, method, url, token, body string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header.Get("Content-Type"),
		resp.Header.Get("Retry-After"), string(b)}
}

// loginBody is a JSON login request.
func loginBody(email, password string) string {
	b, _ := json.Marshal(map[string]string{"email": email, "password": password})
	return string(b)
}

// login logs in and returns the token.
func login(t *testing.T, s *shiprockettest.Server) string {
	t.Helper()
	a := do(t, "POST", s.URL()+shiprocket.LoginPath, "", loginBody(email, password))
	var body struct{ Token string }
	if err := json.Unmarshal([]byte(a.body), &body); err != nil || body.Token == "" {
		t.Fatalf("login answer %d %s", a.status, a.body)
	}
	return body.Token
}

func TestLoginSuccessShape(t *testing.T) {
	s := newServer(t, shiprockettest.Account{Email: email, Password: password, CompanyID: 321})
	before := time.Now().Unix()

	a := do(t, "POST", s.URL()+shiprocket.LoginPath, "", loginBody(email, password))

	if a.status != 200 || a.contentType != "application/json" {
		t.Fatalf("answer %d %q", a.status, a.contentType)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(a.body), &body); err != nil {
		t.Fatal(err)
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range body {
			if !yield(k) {
				return
			}
		}
	})
	wantKeys := []string{"company_id", "created_at", "email", "first_name", "id", "last_name",
		"token"}
	if !slices.Equal(keys, wantKeys) {
		t.Errorf("keys = %v, want %v", keys, wantKeys)
	}
	if body["first_name"] != "API" || body["last_name"] != "USER" || body["email"] != email ||
		body["company_id"] != float64(321) {
		t.Errorf("body = %v", body)
	}
	if ok, _ := regexp.MatchString(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$`,
		body["created_at"].(string)); !ok {
		t.Errorf("created_at = %q", body["created_at"])
	}

	parts := strings.Split(body["token"].(string), ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	header, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if string(header) != `{"typ":"JWT","alg":"HS256"}` {
		t.Errorf("JWT header = %s", header)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 32 {
		t.Errorf("signature is not 32 bytes of base64url: %v", err)
	}
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims struct {
		Sub, Iat, Nbf, Exp, Cid int64
		Iss, Jti                string
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatalf("payload %s: %v", payload, err)
	}
	if claims.Sub != int64(body["id"].(float64)) || claims.Cid != 321 ||
		claims.Iss != s.URL()+shiprocket.LoginPath || claims.Nbf != claims.Iat ||
		claims.Exp-claims.Iat != 864000 || claims.Iat < before || len(claims.Jti) != 32 {
		t.Errorf("claims = %+v", claims)
	}
	exp, ok := shiprocket.Token(body["token"].(string)).Expiry()
	if !ok || exp.Unix() != claims.Exp {
		t.Errorf("Expiry() = %v, %v; want %d", exp, ok, claims.Exp)
	}
	if s.ActiveTokens() != 1 {
		t.Errorf("ActiveTokens = %d", s.ActiveTokens())
	}
}

func TestLoginErrorShapes(t *testing.T) {
	tests := []struct {
		name  string
		setup func(s *shiprockettest.Server)
		meth  string
		body  string
		want  answer
	}{
		{"wrong password", nil, "POST", loginBody(email, "nope"), answer{403, "application/json",
			"", `{"message":"Invalid email and password combination.","status_code":403}`}},
		{"unknown email", nil, "POST", loginBody("x@example.com", password),
			answer{403, "application/json", "",
				`{"message":"Invalid email and password combination.","status_code":403}`}},
		{"wrong password as 401", func(s *shiprockettest.Server) {
			s.SetWrongCredentialsStatus(401)
		}, "POST", loginBody(email, "nope"), answer{401, "application/json", "",
			`{"message":"Invalid email and password combination.","status_code":401}`}},
		{"missing email", nil, "POST", loginBody("", password), answer{422, "application/json",
			"", `{"message":"Required field missing","errors":{"email":["The email field is ` +
				`required."]},"status_code":422}`}},
		{"not json", nil, "POST", "email=a", answer{422, "application/json", "",
			`{"message":"Required field missing","errors":{"email":["The email field is ` +
				`required."],"password":["The password field is required."]},"status_code":422}`}},
		{"get", nil, "GET", "", answer{405, "application/json", "",
			`{"message":"405 Method Not Allowed","status_code":405}`}},
		{"changed password: old one fails", func(s *shiprockettest.Server) {
			s.SetPassword(email, "new-pass-2")
		}, "POST", loginBody(email, password), answer{403, "application/json", "",
			`{"message":"Invalid email and password combination.","status_code":403}`}},
		{"ip restricted", func(s *shiprockettest.Server) {
			s.AddAccount(shiprockettest.Account{Email: email, Password: password,
				AllowedIPs: []string{"203.0.113.10"}})
		}, "POST", loginBody(email, password), answer{403, "application/json", "",
			`{"message":"Unauthorized! You do not have the required permissions[IP]",` +
				`"status_code":403}`}},
		{"mfa", func(s *shiprockettest.Server) {
			s.AddAccount(shiprockettest.Account{Email: email, Password: password, MFA: true})
		}, "POST", loginBody(email, password), answer{200, "application/json", "",
			`{"data":"OTP has been sent to your registered email and mobile number.",` +
				`"is_mfa_enabled":true,"is_subuser":true,"user_id":5002}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, shiprockettest.Account{Email: email, Password: password})
			if tt.setup != nil {
				tt.setup(s)
			}
			if got := do(t, tt.meth, s.URL()+shiprocket.LoginPath, "", tt.body); got != tt.want {
				t.Errorf("answer\n got %+v\nwant %+v", got, tt.want)
			}
			if s.ActiveTokens() != 0 {
				t.Errorf("a token was issued")
			}
		})
	}
}

func TestProbeAnswers(t *testing.T) {
	s := newServer(t, shiprockettest.Account{Email: email, Password: password,
		Denied: []shiprocket.Area{shiprocket.AreaWallet}})
	tok := login(t, s)
	unauth := answer{401, "application/json", "", `{"message":"Unauthenticated."}`}

	tests := []struct {
		name, method, path, token string
		want                      answer
	}{
		{"no token", "GET", "/v1/external/channels", "", unauth},
		{"forged token", "GET", "/v1/external/channels", tok + "x", unauth},
		{"denied module", "GET", "/v1/external/account/details/wallet-balance", tok,
			answer{403, "application/json", "", `{"message":"Unauthorized! You do not have ` +
				`the required permissions.","status_code":403}`}},
		{"granted module", "GET", "/v1/external/channels", tok, answer{200, "application/json",
			"", `{"data":[{"id":1,"name":"CUSTOM","status":"Active"}]}`}},
		{"unknown path", "GET", "/v1/external/nope", tok, answer{404, "application/json", "",
			`{"message":"404 Not Found","status_code":404}`}},
		{"post to a probe", "POST", "/v1/external/channels", tok, answer{405,
			"application/json", "", `{"message":"405 Method Not Allowed","status_code":405}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := do(t, tt.method, s.URL()+tt.path, tt.token, ""); got != tt.want {
				t.Errorf("answer\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}

	for _, info := range shiprocket.Areas() {
		a := do(t, "GET", s.URL()+info.Path, tok, "")
		wantStatus := 200
		if info.Area == shiprocket.AreaWallet {
			wantStatus = 403
		}
		if a.status != wantStatus || !json.Valid([]byte(a.body)) {
			t.Errorf("%s: %d %s", info.Area, a.status, a.body)
		}
	}
	s.SetDenied(email)
	if a := do(t, "GET", s.URL()+"/v1/external/account/details/wallet-balance", tok, ""); a.body !=
		`{"data":{"balance_amount":"1250.00"}}` {
		t.Errorf("wallet after SetDenied() = %d %s", a.status, a.body)
	}
}

func TestProbeIPRestriction(t *testing.T) {
	s := newServer(t, shiprockettest.Account{Email: email, Password: password,
		AllowedIPs: []string{"203.0.113.10"}, LoginIgnoresIP: true})
	tok := login(t, s)

	a := do(t, "GET", s.URL()+"/v1/external/channels", tok, "")
	want := answer{403, "application/json", "", `{"message":"Unauthorized! You do not have ` +
		`the required permissions[IP]","status_code":403}`}
	if a != want {
		t.Errorf("answer\n got %+v\nwant %+v", a, want)
	}

	s.AddAccount(shiprockettest.Account{Email: email, Password: password,
		AllowedIPs: []string{"203.0.113.10", "127.0.0.1"}})
	if a := do(t, "GET", s.URL()+"/v1/external/channels", tok, ""); a.status != 200 {
		t.Errorf("allowed IP got %d", a.status)
	}
}

func TestOrders(t *testing.T) {
	type order struct {
		ID                                         int
		CustomerName, CustomerEmail, CustomerPhone string
	}
	tests := []struct {
		name      string
		account   shiprockettest.Account
		query     string
		wantCount int
		wantTotal int
		wantOrder order
	}{
		{"default one order", shiprockettest.Account{}, "?per_page=1", 1, 1,
			order{700000, shiprockettest.BuyerName, shiprockettest.BuyerEmail,
				shiprockettest.BuyerPhone}},
		{"per_page limits the page", shiprockettest.Account{Orders: 5}, "?per_page=2", 2, 5,
			order{700000, shiprockettest.BuyerName, shiprockettest.BuyerEmail,
				shiprockettest.BuyerPhone}},
		{"default page size", shiprockettest.Account{Orders: 20}, "", 15, 20,
			order{700000, shiprockettest.BuyerName, shiprockettest.BuyerEmail,
				shiprockettest.BuyerPhone}},
		{"masked", shiprockettest.Account{BuyerMasked: true}, "?per_page=1", 1, 1,
			order{700000, shiprockettest.MaskedBuyerName, shiprockettest.MaskedBuyerEmail,
				shiprockettest.MaskedBuyerPhone}},
		{"none", shiprockettest.Account{NoOrders: true, Orders: 3}, "?per_page=1", 0, 0,
			order{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.account.Email, tt.account.Password = email, password
			s := newServer(t, tt.account)
			a := do(t, "GET", s.URL()+"/v1/external/orders"+tt.query, login(t, s), "")

			var body struct {
				Data []struct {
					ID            int    `json:"id"`
					CustomerName  string `json:"customer_name"`
					CustomerEmail string `json:"customer_email"`
					CustomerPhone string `json:"customer_phone"`
				} `json:"data"`
				Meta struct {
					Pagination struct {
						Total, Count int
					} `json:"pagination"`
				} `json:"meta"`
			}
			if err := json.Unmarshal([]byte(a.body), &body); err != nil || a.status != 200 {
				t.Fatalf("orders answer %d %s (%v)", a.status, a.body, err)
			}
			if body.Data == nil {
				t.Errorf("data is null, want a list: %s", a.body)
			}
			if len(body.Data) != tt.wantCount || body.Meta.Pagination.Count != tt.wantCount ||
				body.Meta.Pagination.Total != tt.wantTotal {
				t.Errorf("count %d/%d total %d, want %d and %d", len(body.Data),
					body.Meta.Pagination.Count, body.Meta.Pagination.Total, tt.wantCount,
					tt.wantTotal)
			}
			var first order
			if len(body.Data) > 0 {
				d := body.Data[0]
				first = order{d.ID, d.CustomerName, d.CustomerEmail, d.CustomerPhone}
			}
			if first != tt.wantOrder {
				t.Errorf("first order = %+v, want %+v", first, tt.wantOrder)
			}
		})
	}
}

func TestLogoutInvalidatesToken(t *testing.T) {
	s := newServer(t, shiprockettest.Account{Email: email, Password: password})
	tok := login(t, s)
	other := login(t, s)

	want := answer{200, "application/json", "", `{"message":"Successfully logged out"}`}
	if a := do(t, "POST", s.URL()+shiprocket.LogoutPath, tok, ""); a != want {
		t.Errorf("logout = %+v, want %+v", a, want)
	}
	if a := do(t, "GET", s.URL()+"/v1/external/channels", tok, ""); a.status != 401 {
		t.Errorf("probe after logout = %d, want 401", a.status)
	}
	if a := do(t, "POST", s.URL()+shiprocket.LogoutPath, tok, ""); a.status != 401 {
		t.Errorf("second logout = %d, want 401", a.status)
	}
	if a := do(t, "GET", s.URL()+"/v1/external/channels", other, ""); a.status != 200 {
		t.Errorf("the other token stopped working: %d", a.status)
	}
	if a := do(t, "GET", s.URL()+shiprocket.LogoutPath, other, ""); a.status != 405 {
		t.Errorf("GET logout = %d, want 405", a.status)
	}
	if n := s.ActiveTokens(); n != 1 {
		t.Errorf("ActiveTokens = %d, want 1", n)
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name  string
		fault shiprockettest.Fault
		want  answer
	}{
		{"status default", shiprockettest.Fault{Kind: shiprockettest.FaultStatus},
			answer{500, "application/json", "",
				`{"message":"Internal Server Error","status_code":500}`}},
		{"status 503 with message", shiprockettest.Fault{Kind: shiprockettest.FaultStatus,
			Status: 503, Message: "Down for maintenance"}, answer{503, "application/json", "",
			`{"message":"Down for maintenance","status_code":503}`}},
		{"rate limit", shiprockettest.Fault{Kind: shiprockettest.FaultRateLimit,
			RetryAfter: "30"}, answer{429, "application/json", "30",
			`{"message":"Too Many Attempts.","status_code":429}`}},
		{"rate limit without Retry-After", shiprockettest.Fault{
			Kind: shiprockettest.FaultRateLimit}, answer{429, "application/json", "",
			`{"message":"Too Many Attempts.","status_code":429}`}},
		{"html", shiprockettest.Fault{Kind: shiprockettest.FaultHTML}, answer{502,
			"text/html; charset=utf-8", "", "<!DOCTYPE html>\n<html><head><title>502 Bad " +
				"Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr>" +
				"<center>nginx</center></body></html>\n"}},
		{"truncated json", shiprockettest.Fault{Kind: shiprockettest.FaultTruncatedJSON},
			answer{200, "application/json", "", `{"id":1,"first_name":"API","last_name":` +
				`"USER","email":"a@example.com","company_`}},
		{"malformed json", shiprockettest.Fault{Kind: shiprockettest.FaultMalformedJSON},
			answer{200, "application/json", "",
				`{"id":1,"first_name":"API" "token":"eyJ.e30.sig",}`}},
		{"message 200", shiprockettest.Fault{Kind: shiprockettest.FaultMessage200},
			answer{200, "application/json", "",
				`{"message":"Something went wrong. Please try again."}`}},
		{"unknown kind", shiprockettest.Fault{Kind: "bogus"}, answer{500, "application/json", "",
			`{"message":"shiprockettest: unknown fault kind \"bogus\"","status_code":500}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, shiprockettest.Account{Email: email, Password: password})
			tt.fault.Times = 2
			s.SetFault(tt.fault)
			for i := range 2 {
				got := do(t, "POST", s.URL()+shiprocket.LoginPath, "", loginBody(email, password))
				if got != tt.want {
					t.Errorf("attempt %d\n got %+v\nwant %+v", i+1, got, tt.want)
				}
			}
			if a := do(t, "POST", s.URL()+shiprocket.LoginPath, "",
				loginBody(email, password)); a.status != 200 {
				t.Errorf("after Times ran out: %d %s", a.status, a.body)
			}
			if n := s.LoginCalls(email); n != 3 {
				t.Errorf("LoginCalls = %d, want 3", n)
			}
		})
	}
}

func TestFaultUntilCleared(t *testing.T) {
	s := newServer(t, shiprockettest.Account{Email: email, Password: password})
	s.SetFault(shiprockettest.Fault{Kind: shiprockettest.FaultStatus, Status: 502})
	for i := range 4 {
		if a := do(t, "POST", s.URL()+shiprocket.LoginPath, "", loginBody(email, password)); a.
			status != 502 {
			t.Errorf("login %d = %d, want 502", i+1, a.status)
		}
	}
	s.ClearFaults()
	if a := do(t, "POST", s.URL()+shiprocket.LoginPath, "", loginBody(email, password)); a.
		status != 200 {
		t.Errorf("after ClearFaults = %d", a.status)
	}
	// Faults touch only the login endpoint.
	tok := login(t, s)
	s.SetFault(shiprockettest.Fault{Kind: shiprockettest.FaultStatus, Status: 502})
	if a := do(t, "GET", s.URL()+"/v1/external/channels", tok, ""); a.status != 200 {
		t.Errorf("probe under a login fault = %d", a.status)
	}
}

func TestFaultReset(t *testing.T) {
	s := newServer(t, shiprockettest.Account{Email: email, Password: password})
	s.SetFault(shiprockettest.Fault{Kind: shiprockettest.FaultReset, Times: 1})

	resp, err := http.Post(s.URL()+shiprocket.LoginPath, "application/json",
		strings.NewReader(loginBody(email, password)))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("reset fault answered %d", resp.StatusCode)
	}
	if n := s.LoginCalls(email); n != 1 {
		t.Errorf("LoginCalls = %d, want 1 (the body is read before the reset)", n)
	}
}

func TestFaultDelay(t *testing.T) {
	s := newServer(t, shiprockettest.Account{Email: email, Password: password})
	s.SetFault(shiprockettest.Fault{Kind: shiprockettest.FaultDelay, Delay: 150 * time.Millisecond})

	start := time.Now()
	a := do(t, "POST", s.URL()+shiprocket.LoginPath, "", loginBody(email, password))
	if elapsed := time.Since(start); a.status != 200 || elapsed < 150*time.Millisecond {
		t.Errorf("delayed login = %d after %v", a.status, elapsed)
	}

	// A client that gives up frees the handler; Close does not wait for the full delay.
	s.SetFault(shiprockettest.Fault{Kind: shiprockettest.FaultDelay, Delay: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", s.URL()+shiprocket.LoginPath,
		strings.NewReader(loginBody(email, password)))
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("a one-minute delay answered within 100ms")
	}
	start = time.Now()
	s.Close()
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("Close took %v", elapsed)
	}
}

func TestCounters(t *testing.T) {
	s := newServer(t, shiprockettest.Account{Email: email, Password: password})
	for _, e := range []string{email, strings.ToUpper(email), " " + email, "x@example.com"} {
		do(t, "POST", s.URL()+shiprocket.LoginPath, "", loginBody(e, "nope"))
	}
	do(t, "GET", s.URL()+"/v1/external/orders?per_page=1", "", "")
	do(t, "GET", s.URL()+"/v1/external/orders", "", "")

	if n := s.LoginCalls(strings.ToUpper(email)); n != 3 {
		t.Errorf("LoginCalls(%s) = %d, want 3", email, n)
	}
	if n := s.LoginCalls("x@example.com"); n != 1 {
		t.Errorf("LoginCalls(x) = %d, want 1", n)
	}
	if n := s.Requests(shiprocket.LoginPath); n != 4 {
		t.Errorf("Requests(login) = %d, want 4", n)
	}
	if n := s.Requests("/v1/external/orders?per_page=1"); n != 2 {
		t.Errorf("Requests(orders) = %d, want 2", n)
	}
	if n := s.Requests("/v1/external/shipments"); n != 0 {
		t.Errorf("Requests(shipments) = %d, want 0", n)
	}
}

func TestURLIsLoopback(t *testing.T) {
	s := shiprockettest.NewServer()
	defer s.Close()
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+$`).MatchString(s.URL()) {
		t.Errorf("URL() = %q, want http://127.0.0.1:<port>", s.URL())
	}
}

// TestDemoAccounts logs in to every demo account through the real client, checking the outcomes
// the package documentation promises.
func TestDemoAccounts(t *testing.T) {
	s := shiprockettest.NewDemoServer()
	defer s.Close()
	c, err := shiprocket.New(shiprocket.Config{BaseURL: s.URL(),
		BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}

	all := shiprocket.AccessGranted
	tests := []struct {
		email       string
		password    string
		outcome     shiprocket.Outcome
		buyer       shiprocket.BuyerAccess
		mainAccount bool
		denied      []shiprocket.Area
		every       shiprocket.Access // when set, every probe has this access
	}{
		{shiprockettest.DemoEmail, shiprockettest.DemoPassword, shiprocket.OutcomeVerified,
			shiprocket.BuyerVisible, false, nil, all},
		{shiprockettest.DemoMainEmail, shiprockettest.DemoPassword,
			shiprocket.OutcomeVerified, shiprocket.BuyerVisible, true, nil, all},
		{shiprockettest.DemoWrongPasswordEmail, shiprockettest.DemoPassword,
			shiprocket.OutcomeWrongCredentials, shiprocket.BuyerUnknown, false, nil, ""},
		{shiprockettest.DemoPartialEmail, shiprockettest.DemoPassword,
			shiprocket.OutcomeVerified, shiprocket.BuyerVisible, false,
			shiprockettest.DemoPartialDenied(), ""},
		{shiprockettest.DemoMaskedEmail, shiprockettest.DemoPassword,
			shiprocket.OutcomeVerified, shiprocket.BuyerMasked, false, nil, all},
		{shiprockettest.DemoNoOrdersEmail, shiprockettest.DemoPassword,
			shiprocket.OutcomeVerified, shiprocket.BuyerUnknown, false, nil, all},
		{shiprockettest.DemoIPRestrictedEmail, shiprockettest.DemoPassword,
			shiprocket.OutcomeIPNotAllowed, shiprocket.BuyerUnknown, false, nil, ""},
		{shiprockettest.DemoIPProbesEmail, shiprockettest.DemoPassword,
			shiprocket.OutcomeVerified, shiprocket.BuyerUnknown, false, nil,
			shiprocket.AccessIPBlocked},
		{shiprockettest.DemoMFAEmail, shiprockettest.DemoPassword,
			shiprocket.OutcomeMFARequired, shiprocket.BuyerUnknown, false, nil, ""},
		{shiprockettest.DemoRateLimitedEmail, "whatever", shiprocket.OutcomeRateLimited,
			shiprocket.BuyerUnknown, false, nil, ""},
		{shiprockettest.DemoDownEmail, "whatever", shiprocket.OutcomeUnavailable,
			shiprocket.BuyerUnknown, false, nil, ""},
		{"stranger@example.com", shiprockettest.DemoPassword,
			shiprocket.OutcomeWrongCredentials, shiprocket.BuyerUnknown, false, nil, ""},
		{shiprockettest.DemoEmail, "", shiprocket.OutcomeValidation, shiprocket.BuyerUnknown,
			false, nil, ""},
	}
	seen := make(map[string]bool)
	for _, a := range shiprockettest.DemoAccounts() {
		seen[a.Email] = true
	}
	if len(seen) != len(shiprockettest.DemoAccounts()) || len(seen) != 11 {
		t.Errorf("demo accounts: %d unique of %d, want 11", len(seen),
			len(shiprockettest.DemoAccounts()))
	}

	for _, tt := range tests {
		t.Run(tt.email+"/"+tt.password, func(t *testing.T) {
			rep := c.Verify(context.Background(), tt.email, tt.password)
			if rep.Login.Outcome != tt.outcome || rep.Buyer != tt.buyer ||
				rep.MainAccount != tt.mainAccount {
				t.Errorf("outcome %q buyer %q main %v; want %q %q %v", rep.Login.Outcome,
					rep.Buyer, rep.MainAccount, tt.outcome, tt.buyer, tt.mainAccount)
			}
			if tt.outcome != shiprocket.OutcomeVerified {
				if len(rep.Probes) != 0 {
					t.Errorf("%d probes after a failed login", len(rep.Probes))
				}
				return
			}
			for _, p := range rep.Probes {
				want := tt.every
				if want == "" {
					want = shiprocket.AccessGranted
					if slices.Contains(tt.denied, p.Area) {
						want = shiprocket.AccessDenied
					}
				}
				if p.Access != want {
					t.Errorf("%s: %q, want %q", p.Area, p.Access, want)
				}
			}
		})
	}
	if n := s.LoginCalls(shiprockettest.DemoDownEmail); n != 3 {
		t.Errorf("down account saw %d logins, want 3", n)
	}
}

// TestNoTestingImport keeps the package usable from the portal binary's demo mode.
func TestNoTestingImport(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range parsed.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if path == "testing" || strings.HasPrefix(path, "testing/") {
				t.Errorf("%s imports %s", f, path)
			}
		}
		checked++
	}
	if checked == 0 {
		t.Errorf("no source files found")
	}
}

// TestAccountIsCopied checks that AddAccount does not keep the caller's slices.
func TestAccountIsCopied(t *testing.T) {
	denied := []shiprocket.Area{shiprocket.AreaWallet}
	s := newServer(t, shiprockettest.Account{Email: email, Password: password, Denied: denied})
	denied[0] = shiprocket.AreaOrders
	tok := login(t, s)

	got := []int{
		do(t, "GET", s.URL()+"/v1/external/orders", tok, "").status,
		do(t, "GET", s.URL()+"/v1/external/account/details/wallet-balance", tok, "").status,
	}
	if !reflect.DeepEqual(got, []int{200, 403}) {
		t.Errorf("statuses = %v, want [200 403]", got)
	}
}
