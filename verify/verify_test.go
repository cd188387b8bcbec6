package verify_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/shiprocket"
	"github.com/aicofounder/shiprocket-portal/shiprocket/shiprockettest"
	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/vault"
	"github.com/aicofounder/shiprocket-portal/verify"
)

func setup(t *testing.T) (*verify.Service, *store.Store, *vault.Keyring, *shiprockettest.Server,
	store.Seller) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fake := shiprockettest.NewServer()
	t.Cleanup(fake.Close)
	client, err := shiprocket.New(shiprocket.Config{BaseURL: fake.URL(), MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	keys := vault.GenerateKeyring()
	seller, err := st.CreateSeller(ctx, store.NewSeller{StoreName: "S", ContactName: "C",
		LoginEmail: "c@example.com"}, []byte("h"), time.Hour, "seller")
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return verify.New(st, keys, client, log), st, keys, fake, seller
}

func TestSubmitSealsBeforeCalling(t *testing.T) {
	svc, st, keys, fake, seller := setup(t)
	ctx := context.Background()
	fake.AddAccount(shiprockettest.Account{Email: "c+api@example.com", Password: "Pw-123456"})

	res, err := svc.Submit(ctx, seller.ID, "c+api@example.com", "Pw-123456", "seller")
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != store.StatusVerified || res.Check.Outcome != "verified" ||
		res.Check.Trigger != verify.TriggerSeller || res.Check.FinishedAt.IsZero() {
		t.Errorf("result = %+v", res)
	}
	if strings.Contains(res.Check.Report, "eyJ") {
		t.Error("the stored report holds a token")
	}

	sec, err := st.Secret(ctx, seller.ID, store.PurposePassword)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(sec.Sealed), "Pw-123456") {
		t.Error("password stored in clear")
	}
	// Bound to this seller: it opens with its own associated data and no other.
	if pw, err := keys.Open(sec.KeyID, sec.Sealed, store.SecretAD(seller.ID,
		store.PurposePassword)); err != nil || string(pw) != "Pw-123456" {
		t.Errorf("open = %q, %v", pw, err)
	}
	if _, err := keys.Open(sec.KeyID, sec.Sealed, store.SecretAD(seller.ID+1,
		store.PurposePassword)); err == nil {
		t.Error("the sealed password opens for another seller")
	}
}

func TestRecheckUsesStoredPassword(t *testing.T) {
	svc, _, _, fake, seller := setup(t)
	ctx := context.Background()

	if _, err := svc.Recheck(ctx, seller.ID, verify.TriggerStaff); !errors.Is(err,
		store.ErrNoSecret) {
		t.Errorf("recheck without a password: %v, want ErrNoSecret", err)
	}

	fake.AddAccount(shiprockettest.Account{Email: "c+api@example.com", Password: "Pw-123456"})
	fake.SetFault(shiprockettest.Fault{Kind: shiprockettest.FaultStatus, Status: 503})
	res, err := svc.Submit(ctx, seller.ID, "c+api@example.com", "Pw-123456", "seller")
	if err != nil || res.Status != store.StatusCheckPending || res.Reason != "unavailable" {
		t.Fatalf("submit while down = %+v, %v", res, err)
	}

	fake.ClearFaults()
	res, err = svc.Recheck(ctx, seller.ID, verify.TriggerStaff)
	if err != nil || res.Status != store.StatusVerified || res.Check.Trigger != "staff" {
		t.Errorf("recheck = %+v, %v", res, err)
	}
	if n := fake.LoginCalls("c+api@example.com"); n != 2 {
		t.Errorf("logins = %d, want 2", n)
	}
}

func TestCheckSurvivesCallerCancel(t *testing.T) {
	svc, st, _, fake, seller := setup(t)
	fake.AddAccount(shiprockettest.Account{Email: "c+api@example.com", Password: "Pw-123456"})
	fake.SetFault(shiprockettest.Fault{Kind: shiprockettest.FaultDelay,
		Delay: 200 * time.Millisecond, Times: 1})

	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	res, err := svc.Submit(ctx, seller.ID, "c+api@example.com", "Pw-123456", "seller")
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != store.StatusVerified {
		t.Errorf("a seller closing the tab cut the check short: %+v", res)
	}
	got, _ := st.Seller(context.Background(), seller.ID)
	if got.Status != store.StatusVerified {
		t.Errorf("stored status = %s", got.Status)
	}
}
