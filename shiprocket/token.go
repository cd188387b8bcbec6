package shiprocket

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// redacted is what a Token prints as anywhere it could leak.
const redacted = "[redacted]"

// TokenLifetime is Shiprocket's documented token validity (10 days). It is the fallback expiry
// when a token's exp claim cannot be read.
const TokenLifetime = 240 * time.Hour

// Token is a Shiprocket bearer token. It prints as "[redacted]" through fmt (every verb), slog and
// encoding/json, so it can sit in structs that get logged; Reveal returns the raw value for the
// Authorization header.
type Token string

// Reveal returns the raw token. Use it only to build the Authorization header.
func (t Token) Reveal() string { return string(t) }

// String returns "[redacted]".
func (t Token) String() string { return redacted }

// GoString returns "[redacted]", so %#v does not show the token either.
func (t Token) GoString() string { return redacted }

// Format writes "[redacted]" for every fmt verb.
func (t Token) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue makes slog print "[redacted]".
func (t Token) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON writes "[redacted]" (or "" for an empty token, so a stored Report still shows
// whether there was one), so a Report stored or logged as JSON carries no token.
func (t Token) MarshalJSON() ([]byte, error) {
	if t == "" {
		return []byte(`""`), nil
	}
	return json.Marshal(redacted)
}

// Expiry reads the exp claim from the token's JWT payload. The signature is not checked: the
// value is only used to tell the seller how long the token lives. It reports false when the token
// is not a JWT or has no usable exp.
func (t Token) Expiry() (time.Time, bool) {
	return jwtExpiry(string(t))
}

// jwtExpiry decodes the middle (payload) part of a JWT and returns its exp claim.
func jwtExpiry(raw string) (time.Time, bool) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 || parts[1] == "" {
		return time.Time{}, false
	}

	// JWTs use unpadded base64url, but tolerate padding some encoders add.
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}, false
	}

	var claims struct {
		Exp json.Number `json:"exp"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil || claims.Exp == "" {
		return time.Time{}, false
	}
	exp, err := claims.Exp.Float64()
	// Anything before 2000 or after 3000 is not a real expiry; refuse it rather than store it.
	if err != nil || exp < 946684800 || exp > 32503680000 {
		return time.Time{}, false
	}
	return time.Unix(int64(exp), 0).UTC(), true
}
