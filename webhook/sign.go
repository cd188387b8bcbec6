// Package webhook tells the platform what happens to sellers. On seller.submitted,
// seller.verified, seller.needs_action, seller.recovered and seller.stale it POSTs a JSON Payload
// to every configured URL, signed with HMAC-SHA256, and retries with backoff for 24 hours until
// the receiver answers 2xx. Every delivery and every attempt is kept in the database for staff.
//
// # Verifying a delivery
//
// Each request carries:
//
//	X-Portal-Event:     seller.verified
//	X-Portal-Event-Id:  evt_3f9c…  (the same for every URL and every retry; deduplicate on it)
//	X-Portal-Timestamp: 1767225600 (Unix seconds when this attempt was signed)
//	X-Portal-Signature: v1=5d41…   (hex HMAC-SHA256)
//
// The signature is HMAC-SHA256, keyed with the shared secret (PORTAL_WEBHOOK_SECRET), over the
// timestamp, a full stop and the raw request body: "1767225600.{...}". A receiver recomputes it
// over the bytes it received (before any JSON parsing), compares in constant time, and refuses
// timestamps more than five minutes away from its own clock, which stops replays. Verify does all
// of that.
//
// No payload ever holds a password or a Shiprocket token.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The event types.
const (
	EventSubmitted   = "seller.submitted"    // new credentials were stored; a check follows
	EventVerified    = "seller.verified"     // the credentials work (after not being announced so)
	EventNeedsAction = "seller.needs_action" // Shiprocket refused them or they reach too little
	EventRecovered   = "seller.recovered"    // verified again after failing
	EventStale       = "seller.stale"        // failing on four distinct days
)

// The headers of every delivery.
const (
	HeaderEvent     = "X-Portal-Event"
	HeaderEventID   = "X-Portal-Event-Id"
	HeaderTimestamp = "X-Portal-Timestamp"
	HeaderSignature = "X-Portal-Signature"
)

// signatureVersion prefixes the signature, so the scheme can change without ambiguity.
const signatureVersion = "v1="

// DefaultTolerance is how far a delivery's timestamp may be from the receiver's clock.
const DefaultTolerance = 5 * time.Minute

// MinSecretLen is the shortest accepted signing secret, in bytes.
const MinSecretLen = 32

// The reasons Verify refuses a request.
var (
	ErrNoSignature  = errors.New("webhook: missing timestamp or signature header")
	ErrOldTimestamp = errors.New("webhook: timestamp outside the allowed window")
	ErrBadSignature = errors.New("webhook: signature does not match")
)

// Sign returns the X-Portal-Signature value for body sent at the given Unix time.
func Sign(secret []byte, timestamp int64, body []byte) string {
	return signatureVersion + hex.EncodeToString(mac(secret, timestamp, body))
}

func mac(secret []byte, timestamp int64, body []byte) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(strconv.FormatInt(timestamp, 10)))
	h.Write([]byte{'.'})
	h.Write(body)
	return h.Sum(nil)
}

// Verify checks a received delivery: the timestamp is within tolerance of now and the signature
// is the HMAC of "timestamp.body" under secret. body must be the raw bytes received.
func Verify(secret []byte, header http.Header, body []byte, now time.Time,
	tolerance time.Duration) error {
	tsText, sig := header.Get(HeaderTimestamp), header.Get(HeaderSignature)
	if tsText == "" || sig == "" {
		return ErrNoSignature
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return ErrNoSignature
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return ErrOldTimestamp
	}

	hexSig, ok := strings.CutPrefix(sig, signatureVersion)
	if !ok {
		return ErrBadSignature
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || !hmac.Equal(got, mac(secret, ts, body)) {
		return ErrBadSignature
	}
	return nil
}
