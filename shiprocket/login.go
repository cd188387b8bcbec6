package shiprocket

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Outcome is how a login attempt ended, as the portal records it. The package documentation
// lists the rules that pick one.
type Outcome string

// The login outcomes.
const (
	// OutcomeVerified means a token came back.
	OutcomeVerified Outcome = "verified"
	// OutcomeWrongCredentials means a 4xx without a token (any status), or Shiprocket's
	// "Invalid email and password combination." message.
	OutcomeWrongCredentials Outcome = "wrong_credentials"
	// OutcomeMFARequired means a 2xx carrying MFA fields (is_mfa_enabled, user_id) and no token.
	OutcomeMFARequired Outcome = "mfa_required"
	// OutcomeIPNotAllowed means a 403 whose message ends in "[IP]": the API user only accepts
	// calls from listed IP addresses.
	OutcomeIPNotAllowed Outcome = "ip_not_allowed"
	// OutcomeValidation means a 422; see LoginResult.FieldErrors.
	OutcomeValidation Outcome = "validation_error"
	// OutcomeRateLimited means a 429 that retries did not get past; see LoginResult.RetryAfter.
	OutcomeRateLimited Outcome = "rate_limited"
	// OutcomeUnavailable means a network error, a timeout, a redirect, a 5xx, or a body that is
	// not a JSON object (an HTML page, truncated or malformed JSON).
	OutcomeUnavailable Outcome = "unavailable"
	// OutcomeUnexpected means anything else, such as a 2xx carrying only a message.
	OutcomeUnexpected Outcome = "unexpected"
)

// Outcomes returns every Outcome, in the order they are declared.
func Outcomes() []Outcome {
	return []Outcome{
		OutcomeVerified, OutcomeWrongCredentials, OutcomeMFARequired, OutcomeIPNotAllowed,
		OutcomeValidation, OutcomeRateLimited, OutcomeUnavailable, OutcomeUnexpected,
	}
}

// maxMessageRunes caps Message and each field error.
const maxMessageRunes = 300

// LoginResult is everything a login attempt tells the portal. It never holds the password.
type LoginResult struct {
	Outcome Outcome
	// Token is set only when Outcome is OutcomeVerified.
	Token Token
	// UserID is the login body's "id" (or the MFA answer's "user_id").
	UserID    int64
	CompanyID int64
	FirstName string
	LastName  string
	Email     string
	// ExpiresAt comes from the token's exp claim (read, not verified), else now plus
	// TokenLifetime. Set only when verified.
	ExpiresAt time.Time
	// HTTPStatus is the last HTTP status seen, 0 if none.
	HTTPStatus int
	// Message is Shiprocket's own message text: trimmed, single-line, at most about 300
	// characters, never containing the password. Empty when Shiprocket sent none.
	Message string
	// FieldErrors holds the per-field messages of a validation error, nil otherwise.
	FieldErrors map[string][]string
	// RetryAfter is the wait Shiprocket asked for, set only when rate limited.
	RetryAfter time.Duration
	// Attempts is the number of HTTP attempts made.
	Attempts int
}

// Login posts email and password to Shiprocket's login endpoint and sorts the answer into an
// Outcome. Only network errors, 429 and 5xx (not 501) are retried; a 4xx answer never is.
func (c *Client) Login(ctx context.Context, email, password string) LoginResult {
	payload, err := json.Marshal(struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}{email, password})
	if err != nil { // cannot happen for two strings; kept so a change here cannot panic
		return LoginResult{Outcome: OutcomeUnexpected}
	}

	build := func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url(LoginPath),
			bytes.NewReader(payload))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		return req, nil
	}
	ex := c.send(ctx, "login", build)

	res := loginFromExchange(ex, password, c.now())
	c.log.DebugContext(ctx, "shiprocket login", slog.String("outcome", string(res.Outcome)),
		slog.Int("status", res.HTTPStatus), slog.Int("attempts", res.Attempts))
	return res
}

// loginFromExchange turns the end state of a retried login call into a LoginResult.
func loginFromExchange(ex exchange, password string, now time.Time) LoginResult {
	res := LoginResult{Outcome: OutcomeUnavailable}
	if ex.status != 0 {
		res = parseLogin(ex.status, ex.body, password, now)
	}
	if ex.err != nil {
		// The final attempt broke off; whatever an earlier attempt answered, the login did not
		// get through. Keep that answer's status and message for the record.
		res.Outcome = OutcomeUnavailable
		res.Token, res.ExpiresAt, res.FieldErrors = "", time.Time{}, nil
	}
	if res.Outcome == OutcomeRateLimited {
		res.RetryAfter = ex.retryAfter
	}
	res.Attempts = ex.attempts
	return res
}

// parseLogin classifies one login response. It never panics, and never returns OutcomeVerified
// without a token in body. password is only used to keep it out of the message.
func parseLogin(status int, body []byte, password string, now time.Time) LoginResult {
	res := LoginResult{HTTPStatus: status}
	obj := decodeObject(body)
	if obj != nil {
		res.Message, res.FieldErrors = messageOf(obj, password)
	}
	is2xx := status >= 200 && status <= 299

	switch {
	case status == http.StatusTooManyRequests:
		res.Outcome = OutcomeRateLimited
	case status >= 500 || (status >= 300 && status <= 399) || obj == nil:
		res.Outcome = OutcomeUnavailable
	case is2xx && tokenOf(obj) != "":
		res.Outcome = OutcomeVerified
		res.Token = Token(tokenOf(obj))
		res.UserID = intOf(obj["id"])
		res.CompanyID = intOf(obj["company_id"])
		res.FirstName = cleanText(stringOf(obj["first_name"]), password)
		res.LastName = cleanText(stringOf(obj["last_name"]), password)
		res.Email = cleanText(stringOf(obj["email"]), password)
		exp, ok := res.Token.Expiry()
		if !ok {
			exp = now.Add(TokenLifetime)
		}
		res.ExpiresAt = exp
	case status == http.StatusUnprocessableEntity:
		res.Outcome = OutcomeValidation
	case is2xx && truthy(obj["is_mfa_enabled"]):
		res.Outcome = OutcomeMFARequired
		res.UserID = intOf(obj["user_id"])
		if res.Message == "" {
			// Shiprocket puts the OTP notice in "data" on this answer.
			res.Message = cleanText(stringOf(obj["data"]), password)
		}
	case status == http.StatusForbidden && hasIPSuffix(res.Message):
		res.Outcome = OutcomeIPNotAllowed
	case (status == http.StatusNotFound || status == http.StatusMethodNotAllowed) &&
		!strings.Contains(strings.ToLower(res.Message), "combination"):
		// A missing endpoint says the portal is pointed at the wrong place, not that the
		// seller's password is wrong.
		res.Outcome = OutcomeUnexpected
	case status >= 400 && status <= 499 && tokenOf(obj) == "":
		res.Outcome = OutcomeWrongCredentials
	case is2xx && strings.Contains(strings.ToLower(res.Message), "combination"):
		res.Outcome = OutcomeWrongCredentials
	default:
		res.Outcome = OutcomeUnexpected
	}

	if res.Outcome != OutcomeValidation {
		res.FieldErrors = nil
	}
	return res
}

// decodeObject parses body as a JSON object; nil when it is anything else.
func decodeObject(body []byte) map[string]json.RawMessage {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		return nil
	}
	return obj
}

// tokenOf returns the "token" string when it is usable in an Authorization header.
func tokenOf(obj map[string]json.RawMessage) string {
	tok := strings.TrimSpace(stringOf(obj["token"]))
	if tok == "" || len(tok) > 16<<10 {
		return ""
	}
	for i := 0; i < len(tok); i++ {
		if tok[i] <= ' ' || tok[i] >= 0x7f {
			return ""
		}
	}
	return tok
}

// hasIPSuffix reports whether a message is Shiprocket's IP-restriction variant, which ends in
// "[IP]" (a trailing full stop is tolerated).
func hasIPSuffix(msg string) bool {
	msg = strings.TrimSuffix(strings.TrimSpace(msg), ".")
	return strings.HasSuffix(strings.ToUpper(msg), "[IP]")
}

// messageOf extracts "message" (a string or a field-to-list map) and "errors" (a field-to-list
// map), cleaned for display.
func messageOf(obj map[string]json.RawMessage, password string) (string, map[string][]string) {
	fields := fieldErrorsOf(obj["errors"], password)

	raw := obj["message"]
	if s, ok := asString(raw); ok {
		return cleanText(s, password), fields
	}

	// A 422 may put the field map in "message" itself.
	inMessage := fieldErrorsOf(raw, password)
	if len(inMessage) == 0 {
		return "", fields
	}
	if fields == nil {
		fields = inMessage
	} else {
		for k, v := range inMessage {
			if _, ok := fields[k]; !ok {
				fields[k] = v
			}
		}
	}
	return flattenFieldErrors(inMessage, password), fields
}

// fieldErrorsOf reads a field -> list (or field -> string) map. Limits keep a hostile body from
// filling the database.
func fieldErrorsOf(raw json.RawMessage, password string) map[string][]string {
	var m map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &m) != nil || len(m) == 0 {
		return nil
	}

	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	out := make(map[string][]string)
	for _, k := range keys {
		if len(out) == 20 {
			break
		}
		var list []json.RawMessage
		if s, ok := asString(m[k]); ok {
			list = []json.RawMessage{json.RawMessage(strconv.Quote(s))}
		} else if json.Unmarshal(m[k], &list) != nil {
			continue
		}

		var msgs []string
		for _, item := range list {
			s, ok := asString(item)
			if !ok {
				continue
			}
			if s = cleanText(s, password); s != "" && len(msgs) < 5 {
				msgs = append(msgs, s)
			}
		}
		key := truncateRunes(cleanText(k, password), 64)
		if key != "" && len(msgs) > 0 {
			out[key] = msgs
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// flattenFieldErrors joins every field message, fields in name order, into one line.
func flattenFieldErrors(fields map[string][]string, password string) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	var parts []string
	for _, k := range keys {
		parts = append(parts, fields[k]...)
	}
	return cleanText(strings.Join(parts, " "), password)
}

// asString decodes a JSON string.
func asString(raw json.RawMessage) (string, bool) {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// stringOf decodes a JSON string or number as text; anything else is "".
func stringOf(raw json.RawMessage) string {
	if s, ok := asString(raw); ok {
		return s
	}
	var n json.Number
	if len(raw) > 0 && json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// intOf decodes a JSON integer, or a string holding one; anything else is 0.
func intOf(raw json.RawMessage) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(stringOf(raw)), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// truthy reports whether a JSON value means yes: true, a non-zero number, or "1"/"true"/"yes".
func truthy(raw json.RawMessage) bool {
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b
	}
	switch strings.ToLower(strings.TrimSpace(stringOf(raw))) {
	case "", "0", "false", "no", "null":
		return false
	case "1", "true", "yes":
		return true
	}
	f, err := strconv.ParseFloat(stringOf(raw), 64)
	return err == nil && f != 0
}

// cleanText makes upstream text safe to show and store: valid UTF-8 on one line, runs of
// whitespace and control characters collapsed, the password masked out, at most
// maxMessageRunes runes. If the password still shows up, the text is dropped.
func cleanText(s, password string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")

	// Passwords shorter than four characters occur in ordinary words; masking them would
	// garble the text without protecting anything.
	if len(password) >= 4 {
		for i := 0; i < 4 && strings.Contains(s, password); i++ {
			s = strings.ReplaceAll(s, password, redacted)
		}
	}
	s = truncateRunes(s, maxMessageRunes)
	if len(password) >= 4 && strings.Contains(s, password) {
		return ""
	}
	return s
}

// truncateRunes cuts s to at most n runes, marking a cut with an ellipsis.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)
	return strings.TrimSpace(string(runes[:n-1])) + "…"
}
