package shiprocket

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestTokenNeverPrinted(t *testing.T) {
	const raw = "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOjF9.secret-signature"
	tok := Token(raw)
	res := LoginResult{Outcome: OutcomeVerified, Token: tok, Email: "a@example.com"}
	rep := Report{Login: res}

	if got := tok.Reveal(); got != raw {
		t.Fatalf("Reveal() = %q, want the raw token", got)
	}

	for _, verb := range []string{"%v", "%s", "%+v", "%#v", "%q", "%x", "%X", "%d", "%10s"} {
		if got := fmt.Sprintf(verb, tok); got != "[redacted]" {
			t.Errorf("Sprintf(%q, token) = %q, want [redacted]", verb, got)
		}
		for _, v := range []any{res, &res, rep, []Token{tok}, map[string]Token{"k": tok}} {
			if got := fmt.Sprintf(verb, v); strings.Contains(got, "secret") {
				t.Errorf("Sprintf(%q, %T) leaks the token: %s", verb, v, got)
			}
		}
	}
	got := tok.String() + tok.GoString() + fmt.Sprint(tok) + fmt.Sprintln(tok)
	if strings.Contains(got, "secret") {
		t.Errorf("String/GoString/Sprint leak: %s", got)
	}

	var buf bytes.Buffer
	for _, h := range []slog.Handler{
		slog.NewTextHandler(&buf, nil), slog.NewJSONHandler(&buf, nil),
	} {
		slog.New(h).Info("login", "token", tok, "result", res, "report", rep,
			slog.Any("any", tok), slog.Group("g", "t", tok))
	}
	if out := buf.String(); strings.Contains(out, "secret") || !strings.Contains(out, "[redacted]") {
		t.Errorf("slog output leaks or lacks the redaction:\n%s", out)
	}

	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	if strings.Contains(string(js), "secret") ||
		!strings.Contains(string(js), `"Token":"[redacted]"`) {
		t.Errorf("JSON leaks the token: %s", js)
	}
	if js, _ := json.Marshal(LoginResult{}); !strings.Contains(string(js), `"Token":""`) {
		t.Errorf("an empty token should marshal as \"\": %s", js)
	}
}
