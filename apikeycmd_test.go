package main

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/aicofounder/shiprocket-portal/store"
)

func TestAPIKeyCommands(t *testing.T) {
	env := testEnv(t.TempDir(), "http://127.0.0.1:9")
	ctx := context.Background()
	cmd := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append([]string{"apikey"}, args...), getenvFrom(env),
			strings.NewReader(""), &out, io.Discard)
		return out.String(), err
	}

	out, err := cmd("create", "--name", "platform production")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`^Created API key 1 \(platform production\)\.\nKey, shown this ` +
		`once: (srp_[A-Za-z0-9_-]{43})\n$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("create printed %q", out)
	}
	key := m[1]

	st, err := store.Open(ctx, env["PORTAL_DB"])
	if err != nil {
		t.Fatal(err)
	}
	if k, err := st.AuthenticateAPIKey(ctx, key); err != nil || k.ID != 1 ||
		k.CreatedBy != "cli" {
		t.Fatalf("the printed key does not authenticate: %+v %v", k, err)
	}
	st.Close()

	out, err = cmd("list")
	if err != nil || !strings.HasPrefix(out, "1\t"+key[:10]+"…\tplatform production\tactive\t") ||
		strings.Contains(out, key) {
		t.Errorf("list: %q %v", out, err)
	}
	if out, err = cmd("revoke", "--id", "1"); err != nil || out != "Revoked API key 1.\n" {
		t.Errorf("revoke: %q %v", out, err)
	}
	if out, err = cmd("list"); err != nil || !strings.Contains(out, "\trevoked ") {
		t.Errorf("list after revoke: %q %v", out, err)
	}

	tests := []struct {
		args []string
		want string
	}{
		{nil, "use apikey create"},
		{[]string{"create"}, "--name is required"},
		{[]string{"create", "--name", strings.Repeat("n", 101)}, "at most 100"},
		{[]string{"revoke"}, "--id is required"},
		{[]string{"revoke", "--id", "1"}, "no active key has id 1"},
		{[]string{"rotate"}, "unknown subcommand"},
		{[]string{"create", "--name", "x", "extra"}, "unexpected argument"},
	}
	for _, tt := range tests {
		if _, err := cmd(tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("apikey %v: %v, want an error saying %q", tt.args, err, tt.want)
		}
	}
	if out, err := cmd("create", "-h"); err != nil || !strings.HasPrefix(out, "usage: apikey") {
		t.Errorf("help: %q %v", out, err)
	}
}
