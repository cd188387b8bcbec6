package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRunRefusesBadConfiguration(t *testing.T) {
	dir := t.TempDir()
	// A regular file where a directory should be: not writable even for root, who ignores modes.
	notDir := filepath.Join(dir, "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	badKey := filepath.Join(dir, "bad.key")
	if err := os.WriteFile(badKey, []byte("k1:not-base64!!\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string
	}{
		{"malformed shiprocket url", map[string]string{"PORTAL_SHIPROCKET_URL": "apiv2 shiprocket"},
			nil, "PORTAL_SHIPROCKET_URL"},
		{"shiprocket url without scheme", map[string]string{"PORTAL_SHIPROCKET_URL": "apiv2.shiprocket.in"},
			nil, "absolute http:// or https://"},
		{"malformed base url", map[string]string{"PORTAL_BASE_URL": "ftp://x"}, nil, "PORTAL_BASE_URL"},
		{"bad address", map[string]string{"PORTAL_ADDR": "8080"}, nil, "PORTAL_ADDR"},
		{"bad log level", map[string]string{"PORTAL_LOG_LEVEL": "loud"}, nil, "PORTAL_LOG_LEVEL"},
		{"bad demo flag", map[string]string{"PORTAL_DEMO": "maybe"}, nil, "PORTAL_DEMO"},
		{"unreadable key", map[string]string{"PORTAL_SECRET_KEY_FILE": badKey}, nil,
			"PORTAL_SECRET_KEY_FILE"},
		{"bad key in env", map[string]string{"PORTAL_SECRET_KEY": "short"}, nil, "PORTAL_SECRET_KEY"},
		{"database not writable", map[string]string{
			"PORTAL_DB": filepath.Join(notDir, "sub", "portal.db")}, nil, "database"},
		{"unknown command", nil, []string{"frobnicate"}, "unknown command"},
		{"bad trusted proxy", map[string]string{"PORTAL_TRUSTED_PROXIES": "10.0.0.0/8, proxy.local"},
			nil, "PORTAL_TRUSTED_PROXIES"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := testEnv(t.TempDir(), "http://127.0.0.1:1")
			for k, v := range tt.env {
				env[k] = v
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := run(ctx, tt.args, getenvFrom(env), strings.NewReader(""),
				io.Discard, io.Discard)
			if err == nil {
				t.Fatalf("run succeeded, want an error mentioning %q", tt.wantErr)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wantErr) {
				t.Errorf("error %q does not mention %q", msg, tt.wantErr)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
		})
	}
}

func TestKeyFileCreatedOnFirstRun(t *testing.T) {
	dir := t.TempDir()
	env := testEnv(dir, "http://127.0.0.1:1")
	p := startPortal(t, env)

	info, err := os.Stat(env["PORTAL_SECRET_KEY_FILE"])
	if err != nil {
		t.Fatalf("key file not created: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, want 0600", info.Mode().Perm())
	}
	if n := strings.Count(p.Logs.String(), "created a new secret key file"); n != 1 {
		t.Errorf("key file creation logged %d times, want once", n)
	}
	key, _ := os.ReadFile(env["PORTAL_SECRET_KEY_FILE"])
	for _, line := range strings.Split(string(key), "\n") {
		if i := strings.IndexByte(line, ':'); i > 0 && !strings.HasPrefix(line, "#") {
			if strings.Contains(p.Logs.String(), line[i+1:]) {
				t.Error("the key itself appears in the log")
			}
		}
	}
}

func TestResumeLinksUseTheListeningAddress(t *testing.T) {
	env := testEnv(t.TempDir(), "http://127.0.0.1:1")
	p := startPortal(t, env)
	want := `"base_url":"` + p.URL + `"`
	// The log line reaches the buffer just after startPortal has seen it.
	for i := 0; i < 100 && !strings.Contains(p.Logs.String(), want); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(p.Logs.String(), want) {
		t.Errorf("base URL is not the listening address %s; logs:\n%s", p.URL, p.Logs.String())
	}
}
