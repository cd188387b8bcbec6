package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// logBuffer collects everything the portal logs, safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// portal is a running portal started through run, exactly as main starts it.
type portal struct {
	URL  string
	Logs *logBuffer
	Env  map[string]string
}

// testEnv returns a configuration for a portal in dir talking to the given Shiprocket URL.
func testEnv(dir, shiprocketURL string) map[string]string {
	return map[string]string{
		"PORTAL_ADDR":            "127.0.0.1:0",
		"PORTAL_DB":              filepath.Join(dir, "portal.db"),
		"PORTAL_SECRET_KEY_FILE": filepath.Join(dir, "secret.key"),
		"PORTAL_SHIPROCKET_URL":  shiprocketURL,
	}
}

func getenvFrom(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// startPortal runs the portal in the background until the test ends and waits until it serves.
func startPortal(t *testing.T, env map[string]string, args ...string) *portal {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())

	logs := &logBuffer{}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, getenvFrom(env), strings.NewReader(""), io.Discard,
			io.MultiWriter(pw, logs))
		pw.Close()
	}()

	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var line struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "portal listening" {
				addr <- line.Addr
			}
		}
		io.Copy(io.Discard, pr)
	}()

	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("portal stopped with error: %v", err)
			}
		case <-time.After(60 * time.Second):
			t.Error("portal did not stop")
		}
	})

	select {
	case a := <-addr:
		return &portal{URL: "http://" + a, Logs: logs, Env: env}
	case err := <-done:
		t.Fatalf("portal did not start: %v\nlogs:\n%s", err, logs.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("portal did not start in time\nlogs:\n%s", logs.String())
	}
	return nil
}

// addStaff creates a staff account through the staff add command, as an operator would.
func addStaff(t *testing.T, env map[string]string, email, name, password string) {
	t.Helper()
	err := run(context.Background(), []string{"staff", "add", "--email", email, "--name", name},
		getenvFrom(env), strings.NewReader(password+"\n"), io.Discard, io.Discard)
	if err != nil {
		t.Fatalf("staff add: %v", err)
	}
}
