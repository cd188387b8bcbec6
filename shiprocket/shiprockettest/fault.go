package shiprockettest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"
)

// FaultKind names a way the fake login endpoint misbehaves.
type FaultKind string

// The fault kinds.
const (
	// FaultDelay sleeps for Fault.Delay (until the client gives up or the server closes), then
	// answers normally.
	FaultDelay FaultKind = "delay"
	// FaultStatus answers Fault.Status (default 500) with a JSON error body.
	FaultStatus FaultKind = "status"
	// FaultRateLimit answers 429, with a Retry-After header when Fault.RetryAfter is set.
	FaultRateLimit FaultKind = "rate_limit"
	// FaultHTML answers Fault.Status (default 502) with an HTML error page.
	FaultHTML FaultKind = "html"
	// FaultTruncatedJSON answers Fault.Status (default 200) with a login body cut off halfway.
	FaultTruncatedJSON FaultKind = "truncated_json"
	// FaultMalformedJSON answers Fault.Status (default 200) with a body that is not valid JSON.
	FaultMalformedJSON FaultKind = "malformed_json"
	// FaultMessage200 answers 200 with only {"message": ...}.
	FaultMessage200 FaultKind = "message_200"
	// FaultReset reads the request and then resets the connection without answering.
	FaultReset FaultKind = "reset"
)

// Default texts of the fault bodies.
const (
	// RateLimitMessage is the body message of a 429.
	RateLimitMessage = "Too Many Attempts."
	// Message200 is the message of a FaultMessage200 answer.
	Message200 = "Something went wrong. Please try again."
)

// Fault makes the login endpoint misbehave.
type Fault struct {
	Kind FaultKind
	// Status overrides the HTTP status where the kind has one.
	Status int
	// Delay is the FaultDelay sleep.
	Delay time.Duration
	// RetryAfter is the raw Retry-After value of a FaultRateLimit (seconds or an HTTP date).
	RetryAfter string
	// Message overrides the message text of FaultStatus, FaultRateLimit and FaultMessage200.
	Message string
	// Times is how many logins the fault applies to; 0 means until ClearFaults.
	Times int
}

// apply answers the request as the fault says. It returns false when the request should go on
// to the normal login (after a delay).
func (f Fault) apply(ctx context.Context, closed <-chan struct{}, w http.ResponseWriter) bool {
	switch f.Kind {
	case FaultDelay:
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return true
		case <-closed:
			return true
		case <-t.C:
			return false
		}

	case FaultStatus:
		status := orDefault(f.Status, http.StatusInternalServerError)
		writeJSON(w, status, errorBody{orText(f.Message, http.StatusText(status)), status})

	case FaultRateLimit:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		writeJSON(w, http.StatusTooManyRequests,
			errorBody{orText(f.Message, RateLimitMessage), http.StatusTooManyRequests})

	case FaultHTML:
		status := orDefault(f.Status, http.StatusBadGateway)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_, _ = fmt.Fprintf(w, "<!DOCTYPE html>\n<html><head><title>%d %s</title></head>"+
			"<body><center><h1>%d %s</h1></center><hr><center>nginx</center></body></html>\n",
			status, http.StatusText(status), status, http.StatusText(status))

	case FaultTruncatedJSON:
		writeRaw(w, orDefault(f.Status, http.StatusOK),
			`{"id":1,"first_name":"API","last_name":"USER","email":"a@example.com","company_`)

	case FaultMalformedJSON:
		writeRaw(w, orDefault(f.Status, http.StatusOK),
			`{"id":1,"first_name":"API" "token":"eyJ.e30.sig",}`)

	case FaultMessage200:
		writeJSON(w, http.StatusOK, map[string]string{"message": orText(f.Message, Message200)})

	case FaultReset:
		resetConnection(w)

	default:
		writeJSON(w, http.StatusInternalServerError,
			errorBody{"shiprockettest: unknown fault kind " + strconv.Quote(string(f.Kind)),
				http.StatusInternalServerError})
	}
	return true
}

// resetConnection drops the client's connection with a TCP reset and no answer.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (e.g. an httptest.ResponseRecorder): the nearest answer is a bare 502.
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0) // close with RST instead of FIN
	}
	_ = conn.Close()
}

// orDefault returns v, or def when v is zero.
func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// orText returns s, or def when s is empty.
func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
