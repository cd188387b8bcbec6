package shiprocket

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fixedNow is the clock of the parser tests.
var fixedNow = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// makeJWT builds a JWT-shaped token around a payload; the signature is not real.
func makeJWT(payload string) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"typ":"JWT","alg":"HS256"}`)) + "." +
		enc.EncodeToString([]byte(payload)) + ".c2lnbmF0dXJl"
}

func TestParseLogin(t *testing.T) {
	goodJWT := makeJWT(`{"sub":42,"iat":1766361600,"exp":1767225600,"jti":"abc"}`)
	goodExp := time.Unix(1767225600, 0).UTC()
	success := `{"id":42,"first_name":"API","last_name":"USER","email":"a+api@example.com",` +
		`"company_id":7,"created_at":"2024-05-01 10:00:00","token":"` + goodJWT + `"}`
	long := strings.Repeat("a", 1000)

	tests := []struct {
		name     string
		status   int
		body     string
		password string
		want     LoginResult
	}{
		{"verified", 200, success, "pw-123456", LoginResult{
			Outcome: OutcomeVerified, Token: Token(goodJWT), UserID: 42, CompanyID: 7,
			FirstName: "API", LastName: "USER", Email: "a+api@example.com",
			ExpiresAt: goodExp, HTTPStatus: 200}},
		{"verified with 201", 201, success, "", LoginResult{
			Outcome: OutcomeVerified, Token: Token(goodJWT), UserID: 42, CompanyID: 7,
			FirstName: "API", LastName: "USER", Email: "a+api@example.com",
			ExpiresAt: goodExp, HTTPStatus: 201}},
		{"verified, garbage token falls back to 240h", 200,
			`{"id":"42","company_id":"7","first_name":"Asha","token":"opaque-token"}`, "",
			LoginResult{Outcome: OutcomeVerified, Token: "opaque-token", UserID: 42,
				CompanyID: 7, FirstName: "Asha", ExpiresAt: fixedNow.Add(240 * time.Hour),
				HTTPStatus: 200}},
		{"empty token is not verified", 200, `{"token":"","message":"Try again"}`, "",
			LoginResult{Outcome: OutcomeUnexpected, HTTPStatus: 200, Message: "Try again"}},
		{"token with a space is not verified", 200, `{"token":"a b"}`, "",
			LoginResult{Outcome: OutcomeUnexpected, HTTPStatus: 200}},
		{"token null", 200, `{"token":null}`, "",
			LoginResult{Outcome: OutcomeUnexpected, HTTPStatus: 200}},
		{"token as number", 200, `{"token":12345}`, "",
			LoginResult{Outcome: OutcomeVerified, Token: "12345",
				ExpiresAt: fixedNow.Add(240 * time.Hour), HTTPStatus: 200}},
		{"200 with only a message", 200, `{"message":"Something went wrong"}`, "",
			LoginResult{Outcome: OutcomeUnexpected, HTTPStatus: 200,
				Message: "Something went wrong"}},
		{"200 combination message", 200,
			`{"message":"Invalid email and password combination."}`, "",
			LoginResult{Outcome: OutcomeWrongCredentials, HTTPStatus: 200,
				Message: "Invalid email and password combination."}},
		{"403 combination message", 403,
			`{"message":"Invalid email and password combination.","status_code":403}`, "",
			LoginResult{Outcome: OutcomeWrongCredentials, HTTPStatus: 403,
				Message: "Invalid email and password combination."}},
		{"401 unauthenticated", 401, `{"message":"Unauthenticated."}`, "",
			LoginResult{Outcome: OutcomeWrongCredentials, HTTPStatus: 401,
				Message: "Unauthenticated."}},
		{"400 empty object", 400, `{}`, "",
			LoginResult{Outcome: OutcomeWrongCredentials, HTTPStatus: 400}},
		{"404 json", 404, `{"message":"404 Not Found","status_code":404}`, "",
			LoginResult{Outcome: OutcomeUnexpected, HTTPStatus: 404,
				Message: "404 Not Found"}},
		{"405 json", 405, `{"message":"Method Not Allowed","status_code":405}`, "",
			LoginResult{Outcome: OutcomeUnexpected, HTTPStatus: 405,
				Message: "Method Not Allowed"}},
		{"404 with the combination message", 404,
			`{"message":"Invalid email and password combination.","status_code":404}`, "",
			LoginResult{Outcome: OutcomeWrongCredentials, HTTPStatus: 404,
				Message: "Invalid email and password combination."}},
		{"4xx carrying a token", 403, `{"token":"abc"}`, "",
			LoginResult{Outcome: OutcomeUnexpected, HTTPStatus: 403}},
		{"403 IP restriction", 403,
			`{"message":"Unauthorized! You do not have the required permissions[IP]"}`, "",
			LoginResult{Outcome: OutcomeIPNotAllowed, HTTPStatus: 403,
				Message: "Unauthorized! You do not have the required permissions[IP]"}},
		{"403 IP restriction with full stop", 403, `{"message":"No access [ip]. "}`, "",
			LoginResult{Outcome: OutcomeIPNotAllowed, HTTPStatus: 403,
				Message: "No access [ip]."}},
		{"401 with [IP] is still wrong credentials", 401, `{"message":"x[IP]"}`, "",
			LoginResult{Outcome: OutcomeWrongCredentials, HTTPStatus: 401, Message: "x[IP]"}},
		{"422 string message and errors", 422,
			`{"message":"Required field missing","errors":{"email":["The email field is ` +
				`required."]},"status_code":422}`, "",
			LoginResult{Outcome: OutcomeValidation, HTTPStatus: 422,
				Message:     "Required field missing",
				FieldErrors: map[string][]string{"email": {"The email field is required."}}}},
		{"422 message is a field map", 422,
			`{"message":{"password":["The password field is required."],` +
				`"email":["The email must be a valid email address."]}}`, "",
			LoginResult{Outcome: OutcomeValidation, HTTPStatus: 422,
				Message: "The email must be a valid email address. " +
					"The password field is required.",
				FieldErrors: map[string][]string{
					"email":    {"The email must be a valid email address."},
					"password": {"The password field is required."}}}},
		{"422 map message merged with errors", 422,
			`{"message":{"email":["Bad email."]},"errors":{"email":["Kept."],"x":"One."}}`, "",
			LoginResult{Outcome: OutcomeValidation, HTTPStatus: 422, Message: "Bad email.",
				FieldErrors: map[string][]string{"email": {"Kept."}, "x": {"One."}}}},
		{"422 not json", 422, `<html>Unprocessable</html>`, "",
			LoginResult{Outcome: OutcomeUnavailable, HTTPStatus: 422}},
		{"mfa", 200,
			`{"is_mfa_enabled":true,"user_id":99,"is_subuser":true,"data":"OTP has been sent"}`,
			"", LoginResult{Outcome: OutcomeMFARequired, UserID: 99, HTTPStatus: 200,
				Message: "OTP has been sent"}},
		{"mfa flag as string", 200, `{"is_mfa_enabled":"1","user_id":"5","message":"OTP"}`, "",
			LoginResult{Outcome: OutcomeMFARequired, UserID: 5, HTTPStatus: 200, Message: "OTP"}},
		{"mfa flag false", 200, `{"is_mfa_enabled":false,"user_id":5}`, "",
			LoginResult{Outcome: OutcomeUnexpected, HTTPStatus: 200}},
		{"token wins over mfa fields", 200, `{"is_mfa_enabled":true,"token":"t0k"}`, "",
			LoginResult{Outcome: OutcomeVerified, Token: "t0k",
				ExpiresAt: fixedNow.Add(240 * time.Hour), HTTPStatus: 200}},
		{"429 json", 429, `{"message":"Too Many Attempts."}`, "",
			LoginResult{Outcome: OutcomeRateLimited, HTTPStatus: 429,
				Message: "Too Many Attempts."}},
		{"429 html", 429, `<html>slow down</html>`, "",
			LoginResult{Outcome: OutcomeRateLimited, HTTPStatus: 429}},
		{"500 json keeps the message", 500, `{"message":"Server Error","token":"x"}`, "",
			LoginResult{Outcome: OutcomeUnavailable, HTTPStatus: 500, Message: "Server Error"}},
		{"503 html", 503, `<!DOCTYPE html><html><body>503</body></html>`, "",
			LoginResult{Outcome: OutcomeUnavailable, HTTPStatus: 503}},
		{"302 redirect", 302, ``, "", LoginResult{Outcome: OutcomeUnavailable, HTTPStatus: 302}},
		{"200 html page", 200, `<html><body>Maintenance</body></html>`, "",
			LoginResult{Outcome: OutcomeUnavailable, HTTPStatus: 200}},
		{"200 empty body", 200, ``, "", LoginResult{Outcome: OutcomeUnavailable, HTTPStatus: 200}},
		{"200 json array", 200, `[{"token":"x"}]`, "",
			LoginResult{Outcome: OutcomeUnavailable, HTTPStatus: 200}},
		{"200 json null", 200, `null`, "", LoginResult{Outcome: OutcomeUnavailable, HTTPStatus: 200}},
		{"200 json string", 200, `"token"`, "",
			LoginResult{Outcome: OutcomeUnavailable, HTTPStatus: 200}},
		{"200 truncated json", 200, `{"id":1,"token":"abc`, "",
			LoginResult{Outcome: OutcomeUnavailable, HTTPStatus: 200}},
		{"200 trailing garbage", 200, `{"token":"abc"} x`, "",
			LoginResult{Outcome: OutcomeUnavailable, HTTPStatus: 200}},
		{"password echoed back is masked", 403,
			`{"message":"Password hunter22 is wrong; hunter22!"}`, "hunter22",
			LoginResult{Outcome: OutcomeWrongCredentials, HTTPStatus: 403,
				Message: "Password [redacted] is wrong; [redacted]!"}},
		{"short password is not masked", 403, `{"message":"Invalid email and password"}`, "and",
			LoginResult{Outcome: OutcomeWrongCredentials, HTTPStatus: 403,
				Message: "Invalid email and password"}},
		{"long message is cut", 403, `{"message":"` + long + `"}`, "",
			LoginResult{Outcome: OutcomeWrongCredentials, HTTPStatus: 403,
				Message: strings.Repeat("a", 299) + "…"}},
		{"control characters collapse", 403, `{"message":"Bad\r\nInjected: x\t\u0000tab  "}`, "",
			LoginResult{Outcome: OutcomeWrongCredentials, HTTPStatus: 403,
				Message: "Bad Injected: x tab"}},
		{"1xx is unexpected", 100, `{}`, "",
			LoginResult{Outcome: OutcomeUnexpected, HTTPStatus: 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseLogin(tt.status, []byte(tt.body), tt.password, fixedNow)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseLogin(%d, %s)\n got %#v\nwant %#v", tt.status, tt.body,
					got, tt.want)
			}
			if got.Token.Reveal() != tt.want.Token.Reveal() {
				t.Errorf("token = %q, want %q", got.Token.Reveal(), tt.want.Token.Reveal())
			}
		})
	}
}

func TestLoginFromExchange(t *testing.T) {
	tests := []struct {
		name string
		ex   exchange
		want LoginResult
	}{
		{"no response at all", exchange{err: http.ErrHandlerTimeout, attempts: 3},
			LoginResult{Outcome: OutcomeUnavailable, Attempts: 3}},
		{"cancelled before sending", exchange{err: http.ErrServerClosed},
			LoginResult{Outcome: OutcomeUnavailable}},
		{"503 then a network error keeps the 503", exchange{status: 503,
			body: []byte(`{"message":"Down"}`), err: http.ErrHandlerTimeout, attempts: 2},
			LoginResult{Outcome: OutcomeUnavailable, HTTPStatus: 503, Message: "Down",
				Attempts: 2}},
		{"429 then a network error", exchange{status: 429, err: http.ErrHandlerTimeout,
			attempts: 2, retryAfter: time.Second},
			LoginResult{Outcome: OutcomeUnavailable, HTTPStatus: 429, Attempts: 2}},
		{"rate limited keeps retry-after", exchange{status: 429, attempts: 1,
			retryAfter: time.Minute},
			LoginResult{Outcome: OutcomeRateLimited, HTTPStatus: 429, Attempts: 1,
				RetryAfter: time.Minute}},
		{"retry-after only when rate limited", exchange{status: 403, attempts: 1,
			body: []byte(`{}`), retryAfter: time.Minute},
			LoginResult{Outcome: OutcomeWrongCredentials, HTTPStatus: 403, Attempts: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := loginFromExchange(tt.ex, "", fixedNow)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func FuzzParseLogin(f *testing.F) {
	seeds := []struct {
		status int
		body   string
	}{
		{200, `{"id":1,"first_name":"API","token":"` + makeJWT(`{"exp":1767225600}`) + `"}`},
		{200, `{"is_mfa_enabled":true,"user_id":3}`},
		{200, `{"message":"Invalid email and password combination."}`},
		{403, `{"message":"Unauthorized! You do not have the required permissions[IP]"}`},
		{422, `{"message":{"email":["x"]},"errors":{"password":"y"}}`},
		{429, `{"message":"Too Many Attempts."}`},
		{502, `<html></html>`},
		{200, `{"token":"a.b.c"}`},
		{200, ``},
	}
	for _, s := range seeds {
		f.Add(s.status, []byte(s.body), "secret-pw")
	}

	f.Fuzz(func(t *testing.T, status int, body []byte, password string) {
		res := parseLogin(status, body, password, fixedNow)

		if !slices.Contains(Outcomes(), res.Outcome) {
			t.Fatalf("unknown outcome %q", res.Outcome)
		}
		if res.HTTPStatus != status {
			t.Errorf("HTTPStatus = %d, want %d", res.HTTPStatus, status)
		}
		if res.Outcome == OutcomeVerified {
			obj := decodeObject(body)
			if obj == nil || obj["token"] == nil || res.Token == "" {
				t.Errorf("verified without a token in %q", body)
			}
			if status < 200 || status > 299 {
				t.Errorf("verified with status %d", status)
			}
			if res.ExpiresAt.IsZero() {
				t.Errorf("verified without ExpiresAt")
			}
		} else if res.Token != "" || !res.ExpiresAt.IsZero() {
			t.Errorf("token or expiry set for outcome %q", res.Outcome)
		}
		if res.Outcome != OutcomeValidation && res.FieldErrors != nil {
			t.Errorf("field errors for outcome %q", res.Outcome)
		}
		if n := utf8.RuneCountInString(res.Message); n > maxMessageRunes {
			t.Errorf("message has %d runes", n)
		}
		if !utf8.ValidString(res.Message) || strings.ContainsAny(res.Message, "\r\n\t\x00") {
			t.Errorf("message not clean: %q", res.Message)
		}
		if len(password) >= 4 {
			texts := []string{res.Message, res.FirstName, res.LastName, res.Email}
			for k, v := range res.FieldErrors {
				texts = append(texts, k)
				texts = append(texts, v...)
			}
			for _, s := range texts {
				if strings.Contains(s, password) {
					t.Errorf("password %q leaked in %q", password, s)
				}
			}
		}
		if bytes.Contains(body, []byte("token")) || res.Outcome != OutcomeVerified {
			return
		}
		t.Errorf("verified although the body has no token: %q", body)
	})
}

func TestJWTExpiry(t *testing.T) {
	enc := base64.RawURLEncoding
	tests := []struct {
		name   string
		token  string
		want   time.Time
		wantOK bool
	}{
		{"good", makeJWT(`{"sub":1,"exp":1767225600}`), time.Unix(1767225600, 0).UTC(), true},
		{"float exp", makeJWT(`{"exp":1767225600.9}`), time.Unix(1767225600, 0).UTC(), true},
		{"exp as numeric string", makeJWT(`{"exp":"1767225600"}`),
			time.Unix(1767225600, 0).UTC(), true},
		{"padded payload", "e30." + base64.URLEncoding.EncodeToString(
			[]byte(`{"exp":1767225600}`)) + ".sig", time.Unix(1767225600, 0).UTC(), true},
		{"real shiprocket shape", makeJWT(`{"sub":123,"iss":"https://apiv2.shiprocket.in/v1/` +
			`external/auth/login","iat":1700000000,"exp":1700864000,"nbf":1700000000,` +
			`"jti":"x","prv":"y","cid":9}`), time.Unix(1700864000, 0).UTC(), true},
		{"empty", "", time.Time{}, false},
		{"no dots", "abc", time.Time{}, false},
		{"two parts", "a.b", time.Time{}, false},
		{"four parts", "a.b.c.d", time.Time{}, false},
		{"empty payload", "a..c", time.Time{}, false},
		{"bad base64", "a.!!!.c", time.Time{}, false},
		{"payload not json", "a." + enc.EncodeToString([]byte("hello")) + ".c", time.Time{}, false},
		{"no exp", makeJWT(`{"sub":1}`), time.Time{}, false},
		{"exp zero", makeJWT(`{"exp":0}`), time.Time{}, false},
		{"exp negative", makeJWT(`{"exp":-5}`), time.Time{}, false},
		{"exp far future", makeJWT(`{"exp":99999999999999}`), time.Time{}, false},
		{"exp bool", makeJWT(`{"exp":true}`), time.Time{}, false},
		{"exp not numeric string", makeJWT(`{"exp":"soon"}`), time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Token(tt.token).Expiry()
			if !got.Equal(tt.want) || ok != tt.wantOK {
				t.Errorf("Expiry() = %v, %v; want %v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		value  string
		want   time.Duration
		wantOK bool
	}{
		{"absent", "", 0, false},
		{"seconds", "5", 5 * time.Second, true},
		{"seconds with spaces", " 7 ", 7 * time.Second, true},
		{"zero", "0", 0, true},
		{"negative", "-1", 0, false},
		{"garbage", "soon", 0, false},
		{"huge is capped", "99999999999", 365 * 24 * time.Hour, true},
		{"http date", now.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second, true},
		{"http date in the past", now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseRetryAfter(tt.value, now)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.value, got, ok,
					tt.want, tt.wantOK)
			}
		})
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct {
		name, in, password, want string
	}{
		{"plain", "Hello", "", "Hello"},
		{"trims and collapses", "  a \n\n b\t", "", "a b"},
		{"masks password", "pw is s3cret!", "s3cret!", "pw is [redacted]"},
		{"masks password joined by a newline", "x\npw", "x pw", "[redacted]"},
		{"replacement cannot rebuild the password", "d]xxxx", "d]xx", "[redacte[redacted]"},
		{"drops text the cut would make leak", strings.Repeat("b", 296) + "xyz tail", "xyz…",
			""},
		{"invalid utf8", "a\xffb", "", "a\uFFFDb"},
		{"cut at 300 runes", strings.Repeat("é", 301), "", strings.Repeat("é", 299) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cleanText(tt.in, tt.password); got != tt.want {
				t.Errorf("cleanText(%q, %q) = %q, want %q", tt.in, tt.password, got, tt.want)
			}
		})
	}
}
