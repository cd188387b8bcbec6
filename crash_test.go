package main

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
	"github.com/aicofounder/shiprocket-portal/store"
)

// TestCrashKillDuringCheckThenRestart kills the portal with SIGKILL while Shiprocket is slow to
// answer a seller's submission, starts it again, and expects the submission to have survived as
// "check pending" and to be checked and verified by the background runner on its own.
func TestCrashKillDuringCheckThenRestart(t *testing.T) {
	bin := buildPortal(t)
	fake := shiprockettest.NewServer()
	t.Cleanup(fake.Close)
	const apiEmail, password = "crash+api@example.com", "Gen3rated-Pass!"
	fake.AddAccount(shiprockettest.Account{Email: apiEmail, Password: password})
	// Only the first login hangs: the one the kill interrupts.
	fake.SetFault(shiprockettest.Fault{Kind: shiprockettest.FaultDelay, Delay: time.Minute,
		Times: 1})

	env := processEnv(t.TempDir(), fake.URL())
	p := startProc(t, bin, env)

	c := newFormClient(t, p.URL)
	c.startSeller("Crash Test Foods", "crash@example.com")
	form := c.credentials(apiEmail, password)
	posted := make(chan error, 1)
	go func() {
		_, _, _, err := c.post("/credentials", form)
		posted <- err
	}()
	waitFor(t, 10*time.Second, "the login to reach Shiprocket", func() bool {
		return fake.LoginCalls(apiEmail) == 1
	})

	p.kill9()
	if err := <-posted; err == nil {
		t.Fatal("the seller's request finished although the portal was killed mid-check")
	}

	seller, checks := sellerState(t, env["PORTAL_DB"], 1)
	if seller.Status != store.StatusCheckPending || seller.APIEmail != apiEmail {
		t.Fatalf("after kill -9: status %s, API email %q; want check_pending with the "+
			"submitted email", seller.Status, seller.APIEmail)
	}
	if !slices.Equal(checks, []string{"seller:running"}) {
		t.Fatalf("after kill -9: checks %v, want the one cut off, still running", checks)
	}

	// Restart: the interrupted check is picked up at once and verified, with nobody asking.
	p = startProc(t, bin, env)
	waitFor(t, 15*time.Second, "the background runner to verify the seller", func() bool {
		s, _ := sellerState(t, env["PORTAL_DB"], 1)
		return s.Status == store.StatusVerified
	})
	_, checks = sellerState(t, env["PORTAL_DB"], 1)
	if !slices.Equal(checks, []string{"seller:running", "auto:verified"}) {
		t.Errorf("checks %v, want the interrupted one and the automatic retry", checks)
	}
	if n := fake.LoginCalls(apiEmail); n != 2 {
		t.Errorf("%d logins, want 2", n)
	}

	// The seller's session survived the crash too: they land on the done page.
	c.base = p.URL
	resp, err := c.http.Get(c.base + "/status")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/done" {
		t.Errorf("seller's status page: %d → %q, want 303 → /done", resp.StatusCode,
			resp.Header.Get("Location"))
	}

	if err := p.terminate(30 * time.Second); err != nil {
		t.Errorf("SIGTERM: %v, want exit status 0\n%s", err, p.Logs.String())
	}
	noSecretsIn(t, "the logs", p.Logs.String(), password)
}
