package main

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/vault"
)

// TestShutdownOnSIGTERMFinishesWorkInFlight sends SIGTERM while a seller's check and a background
// check are both waiting on a slow Shiprocket. The portal must stop taking connections at once,
// finish and record both checks, and exit with status 0.
func TestShutdownOnSIGTERMFinishesWorkInFlight(t *testing.T) {
	bin := buildPortal(t)
	fake := shiprockettest.NewServer()
	t.Cleanup(fake.Close)
	const (
		pageEmail, bgEmail = "page+api@example.com", "bg+api@example.com"
		password           = "Gen3rated-Pass!"
	)
	fake.AddAccount(shiprockettest.Account{Email: pageEmail, Password: password,
		LoginFault: shiprockettest.Fault{Kind: shiprockettest.FaultDelay, Delay: time.Second}})
	fake.AddAccount(shiprockettest.Account{Email: bgEmail, Password: password,
		LoginFault: shiprockettest.Fault{Kind: shiprockettest.FaultDelay,
			Delay: 1500 * time.Millisecond}})

	env := processEnv(t.TempDir(), fake.URL())
	bgSeller := pendingSeller(t, env, bgEmail, password)

	p := startProc(t, bin, env)
	waitFor(t, 10*time.Second, "the background check to reach Shiprocket", func() bool {
		return fake.LoginCalls(bgEmail) == 1
	})

	c := newFormClient(t, p.URL)
	c.startSeller("Shutdown Foods", "page@example.com")
	form := c.credentials(pageEmail, password)
	type result struct {
		status   int
		location string
		err      error
	}
	posted := make(chan result, 1)
	go func() {
		status, loc, _, err := c.post("/credentials", form)
		posted <- result{status, loc, err}
	}()
	waitFor(t, 10*time.Second, "the seller's check to reach Shiprocket", func() bool {
		return fake.LoginCalls(pageEmail) == 1
	})

	exited := make(chan error, 1)
	go func() { exited <- p.terminate(60 * time.Second) }()

	// New connections are refused while the work in flight goes on.
	waitFor(t, 2*time.Second, "the portal to stop accepting connections", func() bool {
		resp, err := http.Get(p.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err != nil
	})

	r := <-posted
	if r.err != nil || r.status != http.StatusSeeOther || r.location != "/done" {
		t.Fatalf("the seller's submission in flight: %d → %q (%v), want 303 → /done", r.status,
			r.location, r.err)
	}
	if err := <-exited; err != nil {
		t.Fatalf("exit: %v, want status 0\n%s", err, p.Logs.String())
	}

	pageSeller, checks := sellerState(t, env["PORTAL_DB"], bgSeller+1)
	if pageSeller.Status != store.StatusVerified ||
		!slices.Equal(checks, []string{"seller:verified"}) {
		t.Errorf("seller from the page: %s, checks %v", pageSeller.Status, checks)
	}
	bg, checks := sellerState(t, env["PORTAL_DB"], bgSeller)
	if bg.Status != store.StatusVerified ||
		!slices.Equal(checks, []string{"seller:running", "auto:verified"}) {
		t.Errorf("background seller: %s, checks %v; want its check finished", bg.Status,
			checks)
	}
	for _, msg := range []string{`"msg":"shutting down"`, `"msg":"background checks stopped"`} {
		if !strings.Contains(p.Logs.String(), msg) {
			t.Errorf("logs lack %s", msg)
		}
	}
}

// pendingSeller writes, before the portal starts, a seller whose submission was cut off by a
// crash: credentials stored (sealed with the portal's key file) and a check left running.
func pendingSeller(t *testing.T, env map[string]string, apiEmail, password string) int64 {
	t.Helper()
	ctx := context.Background()
	keys, _, err := vault.LoadOrCreateFile(env["PORTAL_SECRET_KEY_FILE"])
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, env["PORTAL_DB"])
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	s, err := st.CreateSeller(ctx, store.NewSeller{StoreName: "Background Foods",
		ContactName: "Ravi", LoginEmail: "bg@example.com"}, []byte("resume-hash"), time.Hour,
		store.ActorSeller)
	if err != nil {
		t.Fatal(err)
	}
	keyID, sealed, err := keys.Seal([]byte(password), store.SecretAD(s.ID, store.PurposePassword))
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.Submit(ctx, store.Submission{SellerID: s.ID, APIEmail: apiEmail, KeyID: keyID,
		Sealed: sealed, Trigger: "seller", Actor: store.ActorSeller})
	if err != nil {
		t.Fatal(err)
	}
	return s.ID
}
