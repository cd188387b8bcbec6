package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/aicofounder/shiprocket-portal/store"
)

// buildPortal compiles the portal into a temporary directory and returns the binary's path.
func buildPortal(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "portal")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// proc is the portal running as a real process.
type proc struct {
	t    *testing.T
	cmd  *exec.Cmd
	URL  string
	Logs *logBuffer
	done chan error
}

// startProc starts the binary with exactly env as its environment (so no proxy or other setting
// leaks in) and waits until it listens.
func startProc(t *testing.T, bin string, env map[string]string) *proc {
	t.Helper()
	cmd := exec.Command(bin)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	logs := &logBuffer{}
	pr, pw := io.Pipe()
	cmd.Stderr = io.MultiWriter(pw, logs)
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}

	p := &proc{t: t, cmd: cmd, Logs: logs, done: make(chan error, 1)}
	go func() {
		p.done <- cmd.Wait()
		pw.Close()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-p.done
		}
	})

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

	select {
	case a := <-addr:
		p.URL = "http://" + a
		return p
	case err := <-p.done:
		t.Fatalf("portal exited at start: %v\n%s", err, logs.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("portal did not start in time\n%s", logs.String())
	}
	return nil
}

// kill9 ends the process with SIGKILL, as a crash or the OOM killer would.
func (p *proc) kill9() {
	p.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		p.t.Fatal(err)
	}
	<-p.done
}

// terminate sends SIGTERM and returns the exit error (nil for status 0), failing the test when
// the process does not end within limit.
func (p *proc) terminate(limit time.Duration) error {
	p.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.t.Fatal(err)
	}
	select {
	case err := <-p.done:
		return err
	case <-time.After(limit):
		p.t.Fatalf("portal still running %s after SIGTERM\n%s", limit, p.Logs.String())
	}
	return nil
}

// formClient is a browser without JavaScript: a cookie jar, forms posted with the CSRF token of
// the page they come from, redirects not followed.
type formClient struct {
	t    *testing.T
	base string
	http *http.Client
}

func newFormClient(t *testing.T, base string) *formClient {
	jar, _ := cookiejar.New(nil)
	return &formClient{t: t, base: base, http: &http.Client{
		Jar:     jar,
		Timeout: 90 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// csrf fetches a page and returns its form's anti-forgery token.
func (c *formClient) csrf(path string) string {
	c.t.Helper()
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	token := doc.Find(`input[name="_csrf"]`).First().AttrOr("value", "")
	if token == "" {
		c.t.Fatalf("no CSRF token on %s (status %d)", path, resp.StatusCode)
	}
	return token
}

// post submits a form and returns the status, the redirect target and the body. It does not
// fail the test on a transport error, which a test that kills the server expects.
func (c *formClient) post(path string, form url.Values) (int, string, string, error) {
	resp, err := c.http.PostForm(c.base+path, form)
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body), nil
}

// startSeller walks the start form and returns the new seller's session in c.
func (c *formClient) startSeller(storeName, login string) {
	c.t.Helper()
	status, loc, body, err := c.post("/start", url.Values{"_csrf": {c.csrf("/")},
		"store_name": {storeName}, "contact_name": {"Asha"}, "login_email": {login}})
	if err != nil || status != http.StatusSeeOther || loc != "/welcome" {
		c.t.Fatalf("start: %d %q %v\n%s", status, loc, err, body)
	}
}

// credentials returns the credentials form ready to post with its CSRF token.
func (c *formClient) credentials(apiEmail, password string) url.Values {
	c.t.Helper()
	return url.Values{"_csrf": {c.csrf("/credentials")}, "api_email": {apiEmail},
		"password": {password}}
}

// waitFor polls cond every 20 ms until it holds, failing the test after limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %s waiting for %s", limit, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sellerState reads one seller and its checks (oldest first, as "trigger:outcome") from the
// database file, the way an operator's second process would.
func sellerState(t *testing.T, dbPath string, id int64) (store.Seller, []string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	s, err := st.Seller(ctx, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	checks, err := st.Checks(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(checks) - 1; i >= 0; i-- {
		out = append(out, fmt.Sprintf("%s:%s", checks[i].Trigger, checks[i].Outcome))
	}
	return s, out
}

// processEnv is the environment of a portal process in dir talking to the given Shiprocket.
func processEnv(dir, shiprocketURL string) map[string]string {
	env := testEnv(dir, shiprocketURL)
	env["PORTAL_LOG_LEVEL"] = "debug"
	return env
}

// noSecretsIn fails the test when any secret appears in text.
func noSecretsIn(t *testing.T, what, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s contain a secret", what)
		}
	}
}
