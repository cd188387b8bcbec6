package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/vault"
)

// TestConfigDemoFiles checks where the database and the key file are in each mode: demo mode
// has files of its own unless PORTAL_DB or PORTAL_SECRET_KEY_FILE names others.
func TestConfigDemoFiles(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantDemo bool
		wantDB   string
		wantKey  string
	}{
		{"portal defaults", nil, nil, false, "data/portal.db", "data/secret.key"},
		{"demo from the environment", map[string]string{"PORTAL_DEMO": "1"}, nil, true,
			"data/demo.db", "data/demo.key"},
		{"demo from the flag", nil, []string{"-demo"}, true, "data/demo.db", "data/demo.key"},
		{"demo with its own database", map[string]string{"PORTAL_DEMO": "true",
			"PORTAL_DB": "/srv/try.db"}, nil, true, "/srv/try.db", "data/demo.key"},
		{"demo with its own key file", map[string]string{
			"PORTAL_SECRET_KEY_FILE": "/srv/try.key"}, []string{"-demo"}, true,
			"data/demo.db", "/srv/try.key"},
		{"portal with its own files", map[string]string{"PORTAL_DB": "/srv/p.db",
			"PORTAL_SECRET_KEY_FILE": "/srv/p.key"}, nil, false, "/srv/p.db", "/srv/p.key"},
		{"blank settings count as unset", map[string]string{"PORTAL_DEMO": "1",
			"PORTAL_DB": "  ", "PORTAL_SECRET_KEY_FILE": ""}, nil, true, "data/demo.db",
			"data/demo.key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := loadConfig(tt.args, getenvFrom(tt.env), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Demo != tt.wantDemo || cfg.DB != tt.wantDB || cfg.SecretKeyFile != tt.wantKey {
				t.Errorf("demo %v, db %q, key file %q; want %v, %q, %q", cfg.Demo, cfg.DB,
					cfg.SecretKeyFile, tt.wantDemo, tt.wantDB, tt.wantKey)
			}
		})
	}
}

// TestConfigBaseURL checks the listening address against the public address that links are
// built on.
func TestConfigBaseURL(t *testing.T) {
	tests := []struct {
		name    string
		addr    string
		base    string
		wantErr string
	}{
		{"loopback, no base URL", "127.0.0.1:8080", "", ""},
		{"host name, no base URL", "localhost:8080", "", ""},
		{"every IPv4 interface, no base URL", "0.0.0.0:8080", "", "set the portal's public"},
		{"every IPv6 interface, no base URL", "[::]:8080", "", "set the portal's public"},
		{"empty host, no base URL", ":8080", "", "set the portal's public"},
		{"every interface with a base URL", "0.0.0.0:8080", "https://portal.example.com", ""},
		{"base URL with a root slash", "[::]:8080", "https://portal.example.com/", ""},
		{"base URL under a path", "127.0.0.1:8080", "https://example.com/portal/",
			"serving under a path is not supported"},
		{"base URL under a path, no slash", "0.0.0.0:8080", "https://example.com/portal",
			"serving under a path is not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"PORTAL_ADDR": tt.addr, "PORTAL_BASE_URL": tt.base}
			cfg, err := loadConfig(nil, getenvFrom(env), io.Discard)
			if tt.wantErr == "" {
				if err != nil || cfg.Addr != tt.addr || cfg.BaseURL != tt.base {
					t.Fatalf("addr %q, base %q, error %v; want %q, %q, no error", cfg.Addr,
						cfg.BaseURL, err, tt.addr, tt.base)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) ||
				!strings.HasPrefix(err.Error(), "PORTAL_BASE_URL") ||
				strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %v, want one line on PORTAL_BASE_URL saying %q", err, tt.wantErr)
			}
		})
	}
}

// TestRunRefusesUnreachableLinks starts the portal, through run, with a listening address
// that cannot be a link's host and no base URL: it stops before listening.
func TestRunRefusesUnreachableLinks(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "[::]:0", ":0"} {
		t.Run(addr, func(t *testing.T) {
			env := testEnv(t.TempDir(), "http://127.0.0.1:1")
			env["PORTAL_ADDR"] = addr
			var logs bytes.Buffer
			err := run(context.Background(), nil, getenvFrom(env), strings.NewReader(""),
				io.Discard, &logs)
			if err == nil || !strings.HasPrefix(err.Error(), "PORTAL_BASE_URL: set") {
				t.Fatalf("run: %v, want a PORTAL_BASE_URL error", err)
			}
			if strings.Contains(logs.String(), "portal listening") {
				t.Error("the portal listened anyway")
			}
		})
	}
}

// TestHelpListsCommands checks that --help and its spellings print the serve flags and every
// command on standard output and succeed, and that a wrong flag prints the usage on standard
// error and fails.
func TestHelpListsCommands(t *testing.T) {
	want := []string{"-addr", "-demo", "staff add --email E --name N [--role admin|support]",
		"keys list | keys rotate | keys reseal | keys retire ID",
		"apikey create --name N | apikey revoke --id N | apikey list", "backup FILE"}
	for _, args := range [][]string{{"--help"}, {"-h"}, {"-help"}, {"help"}, {"-demo", "-h"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), args, getenvFrom(nil), strings.NewReader(""),
				&stdout, &stderr)
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			for _, w := range want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("usage lacks %q:\n%s", w, stdout.String())
				}
			}
			if stderr.Len() != 0 {
				t.Errorf("help wrote to standard error: %q", stderr.String())
			}
		})
	}

	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"--port", "80"}, getenvFrom(nil),
		strings.NewReader(""), &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "-port") || strings.Contains(err.Error(), "\n") {
		t.Errorf("wrong flag: %v, want one line naming it", err)
	}
	if !strings.Contains(stderr.String(), "backup FILE") || stdout.Len() != 0 {
		t.Errorf("wrong flag: stdout %q, stderr %q; want the usage on stderr", stdout.String(),
			stderr.String())
	}
}

// TestDemoModeKeepsItsOwnFiles starts demo mode without PORTAL_DB or PORTAL_SECRET_KEY_FILE in
// an empty directory: it makes data/demo.db and data/demo.key, recorded as a demo database,
// and leaves the portal's own files alone.
func TestDemoModeKeepsItsOwnFiles(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Run("serve", func(t *testing.T) {
		startPortal(t, map[string]string{"PORTAL_ADDR": "127.0.0.1:0", "PORTAL_DEMO": "1"})
	})

	for _, name := range []string{"data/demo.db", "data/demo.key"} {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", name, info.Mode().Perm())
		}
	}
	for _, name := range []string{"data/portal.db", "data/secret.key"} {
		if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: %v, want it not made", name, err)
		}
	}

	st, err := store.Open(context.Background(), filepath.Join(dir, "data/demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if mode, err := st.RecordedMode(context.Background()); err != nil || mode != store.ModeDemo {
		t.Errorf("recorded mode %q, %v; want demo", mode, err)
	}
}

// TestDatabaseModeIsEnforced starts the portal in one mode, then serves or runs a command on
// the same database in each mode: the other mode is refused with one line and writes nothing.
func TestDatabaseModeIsEnforced(t *testing.T) {
	staffAdd := []string{"staff", "add", "--email", "ops@example.com", "--name", "Ops"}
	tests := []struct {
		name     string
		first    []string
		thenArgs []string
		thenDemo bool
		wantErr  string
	}{
		{"portal, then demo", nil, nil, true, "belongs to the portal, not to demo mode"},
		{"demo, then portal", []string{"-demo"}, nil, false, "was made by demo mode"},
		{"demo, then staff add for the portal", []string{"-demo"}, staffAdd, false,
			"was made by demo mode"},
		{"portal, then staff add for the demo", nil, staffAdd, true,
			"belongs to the portal, not to demo mode"},
		{"demo, then demo", []string{"-demo"}, nil, true, ""},
		{"demo, then staff add for the demo", []string{"-demo"}, staffAdd, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			env := testEnv(dir, "http://127.0.0.1:1")
			t.Run("first start", func(t *testing.T) { startPortal(t, env, tt.first...) })

			then := map[string]string{}
			for k, v := range env {
				then[k] = v
			}
			if tt.thenDemo {
				then["PORTAL_DEMO"] = "1"
			}
			if tt.wantErr == "" && tt.thenArgs == nil {
				startPortal(t, then)
				return
			}

			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			err := run(ctx, tt.thenArgs, getenvFrom(then),
				strings.NewReader("a long staff password\n"), io.Discard, io.Discard)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("run: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) ||
				!strings.Contains(err.Error(), env["PORTAL_DB"]) ||
				strings.Contains(err.Error(), "\n") {
				t.Fatalf("run: %v, want one line naming the database and saying %q", err,
					tt.wantErr)
			}
			st, err := store.Open(ctx, env["PORTAL_DB"])
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if staff, err := st.ListStaff(ctx); err != nil || len(staff) != 0 {
				t.Errorf("%d staff accounts after the refusal (%v), want none", len(staff), err)
			}
		})
	}
}

// TestReadyzOnLockedDatabase holds the database's write lock from another connection while
// the portal runs: /readyz answers 503 and says why in the log, /healthz still answers 200,
// and once the lock is gone /readyz is 200 again.
func TestReadyzOnLockedDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for SQLite's five-second busy timeout")
	}
	env := testEnv(t.TempDir(), "http://127.0.0.1:1")
	p := startPortal(t, env)
	ctx := context.Background()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(p.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if code, body := get("/readyz"); code != http.StatusOK || body != "ok" {
		t.Fatalf("before the lock: %d %q", code, body)
	}

	db, err := sql.Open("sqlite", "file:"+env["PORTAL_DB"]+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	readyCode, readyBody := get("/readyz")
	healthCode, _ := get("/healthz")
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}

	if readyCode != http.StatusServiceUnavailable || readyBody != "database not writable" {
		t.Errorf("/readyz while locked: %d %q, want 503", readyCode, readyBody)
	}
	if healthCode != http.StatusOK {
		t.Errorf("/healthz while locked: %d, want 200", healthCode)
	}
	if !strings.Contains(p.Logs.String(), `"msg":"readiness: database not writable"`) {
		t.Errorf("no log line says why /readyz failed:\n%s", p.Logs.String())
	}
	if code, body := get("/readyz"); code != http.StatusOK || body != "ok" {
		t.Errorf("after the lock: %d %q, want 200 ok", code, body)
	}
}

// TestStartRefusesReadOnlyDatabase runs the real binary as an unprivileged user on a database
// it may read but not write, as after a read-only mount or a wrong owner: a file it cannot
// write in a directory it can, and a directory it cannot write. It stops at start-up with one
// line, before listening. Root ignores file modes, hence the other user.
func TestStartRefusesReadOnlyDatabase(t *testing.T) {
	const nobody = 65534
	if os.Geteuid() != 0 {
		t.Skip("needs root to run the portal as another user")
	}
	bin := buildPortal(t)
	tests := []struct {
		name     string
		dirMode  os.FileMode
		wantText string
	}{
		// SQLite opens the file read-only and reads it; the start-up write finds out.
		{"read-only file", 0o777, "cannot be written"},
		// SQLite cannot add its log beside the file, so the first statement fails.
		{"read-only directory", 0o755, "is the database file writable?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			dbPath := filepath.Join(dir, "data", "portal.db")
			st, err := store.Open(context.Background(), dbPath)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			// The file is root's and readable by all; the binary's directory is reachable.
			for path, mode := range map[string]os.FileMode{dir: 0o755,
				filepath.Dir(dir): 0o755, filepath.Dir(dbPath): tt.dirMode, dbPath: 0o644,
				filepath.Dir(bin): 0o755, filepath.Dir(filepath.Dir(bin)): 0o755} {
				if err := os.Chmod(path, mode); err != nil {
					t.Fatal(err)
				}
			}

			stderr, err := runAs(t, nobody, bin, "PORTAL_ADDR=127.0.0.1:0", "PORTAL_DB="+dbPath,
				"PORTAL_SECRET_KEY="+vault.GenerateKeyText(),
				"PORTAL_SHIPROCKET_URL=http://127.0.0.1:1")
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("exit: %v, want status 1\n%s", err, stderr)
			}
			last := lastLine(stderr)
			if !strings.HasPrefix(last, "portal: database "+dbPath) ||
				!strings.Contains(last, tt.wantText) || !strings.Contains(last, "readonly") {
				t.Errorf("last line %q, want one on the database saying %q", last, tt.wantText)
			}
			if strings.Contains(stderr, "portal listening") {
				t.Error("the portal listened before refusing")
			}
		})
	}
}

// runAs runs bin as the user uid with exactly env and returns its standard error and its exit
// error, failing the test if it runs for more than 30 seconds.
func runAs(t *testing.T, uid uint32, bin string, env ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid,
		Gid: uid}}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return stderr.String(), err
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("the portal still runs on a read-only database\n%s", stderr.String())
	}
	return "", nil
}

// lastLine returns the last non-empty line of text.
func lastLine(text string) string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	return lines[len(lines)-1]
}
