package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aicofounder/shiprocket-portal/store"
	"github.com/aicofounder/shiprocket-portal/vault"
)

// seedSecrets stores one sealed password per seller, the way a submission does.
func seedSecrets(t *testing.T, env map[string]string, n int) map[int64]string {
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

	want := map[int64]string{}
	for i := 0; i < n; i++ {
		s, err := st.CreateSeller(ctx, store.NewSeller{StoreName: "s", ContactName: "c",
			LoginEmail: fmt.Sprintf("s%d@example.com", i)}, []byte{byte(i)}, time.Hour, "seller")
		if err != nil {
			t.Fatal(err)
		}
		pw := fmt.Sprintf("pässword-%d-%s", i, strings.Repeat("x", i))
		keyID, sealed, err := keys.Seal([]byte(pw), store.SecretAD(s.ID, store.PurposePassword))
		if err != nil {
			t.Fatal(err)
		}
		_, err = st.Submit(ctx, store.Submission{SellerID: s.ID, APIEmail: "a+api@example.com",
			KeyID: keyID, Sealed: sealed, Trigger: "seller", Actor: "seller"})
		if err != nil {
			t.Fatal(err)
		}
		want[s.ID] = pw
	}

	// A cached Shiprocket token for the first seller, which rotation must carry along too.
	keyID, sealed, err := keys.Seal([]byte(cachedToken), store.SecretAD(1, store.PurposeToken))
	if err != nil {
		t.Fatal(err)
	}
	err = st.SaveToken(ctx, store.CachedToken{SellerID: 1, APIEmail: "a+api@example.com",
		KeyID: keyID, Sealed: sealed, ExpiresAt: time.Now().Add(240 * time.Hour),
		RefreshAt: time.Now().Add(216 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return want
}

const cachedToken = "header.payload.signature"

// readAll opens every stored secret with the key file's keyring.
func readAll(t *testing.T, env map[string]string, want map[int64]string) (keyIDs []string) {
	t.Helper()
	ctx := context.Background()
	text, err := os.ReadFile(env["PORTAL_SECRET_KEY_FILE"])
	if err != nil {
		t.Fatal(err)
	}
	keys, err := vault.ParseKeyring(string(text))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, env["PORTAL_DB"])
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	for id, pw := range want {
		sec, err := st.Secret(ctx, id, store.PurposePassword)
		if err != nil {
			t.Fatal(err)
		}
		got, err := keys.Open(sec.KeyID, sec.Sealed, store.SecretAD(id, store.PurposePassword))
		if err != nil || string(got) != pw {
			t.Errorf("seller %d: secret opens to %q, %v; want %q", id, got, err, pw)
		}
		if sec.KeyID != keys.PrimaryID() {
			t.Errorf("seller %d still uses key %s, primary is %s", id, sec.KeyID, keys.PrimaryID())
		}
	}

	tok, err := st.Token(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := keys.Open(tok.KeyID, tok.Sealed, store.SecretAD(1, store.PurposeToken))
	if err != nil || string(got) != cachedToken || tok.KeyID != keys.PrimaryID() {
		t.Errorf("cached token: %q, key %s, %v", got, tok.KeyID, err)
	}
	return keys.IDs()
}

func runCmd(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, getenvFrom(env), strings.NewReader(""), &out,
		io.Discard)
	return out.String(), err
}

func TestKeysRotateThreeTimes(t *testing.T) {
	env := testEnv(t.TempDir(), "http://127.0.0.1:1")
	want := seedSecrets(t, env, 5)

	var seen []string
	for i := 0; i < 3; i++ {
		out, err := runCmd(t, env, "keys", "rotate")
		if err != nil {
			t.Fatalf("rotation %d: %v", i+1, err)
		}
		if !strings.Contains(out, "re-encrypted 6 secrets") {
			t.Errorf("rotation %d said %q", i+1, out)
		}
		ids := readAll(t, env, want)
		if len(ids) != i+2 {
			t.Errorf("after rotation %d the keyring has %d keys, want %d", i+1, len(ids), i+2)
		}
		seen = append(seen, ids[0])
	}
	if seen[0] == seen[1] || seen[1] == seen[2] || seen[0] == seen[2] {
		t.Errorf("rotations reused key ids: %v", seen)
	}

	info, _ := os.Stat(env["PORTAL_SECRET_KEY_FILE"])
	if info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode after rotation = %v", info.Mode().Perm())
	}

	list, err := runCmd(t, env, "keys", "list")
	if err != nil || !strings.Contains(list, seen[2]+"\tprimary\t6 secrets") {
		t.Errorf("keys list = %q, %v", list, err)
	}

	// The oldest key protects nothing now and can go; the primary cannot.
	text, _ := os.ReadFile(env["PORTAL_SECRET_KEY_FILE"])
	keys, _ := vault.ParseKeyring(string(text))
	oldest := keys.IDs()[len(keys.IDs())-1]
	if _, err := runCmd(t, env, "keys", "retire", oldest); err != nil {
		t.Errorf("retire %s: %v", oldest, err)
	}
	if _, err := runCmd(t, env, "keys", "retire", keys.PrimaryID()); err == nil {
		t.Error("retiring the primary key succeeded")
	}
	readAll(t, env, want)
}

func TestRetireRefusesAKeyInUse(t *testing.T) {
	env := testEnv(t.TempDir(), "http://127.0.0.1:1")
	seedSecrets(t, env, 2)
	text, _ := os.ReadFile(env["PORTAL_SECRET_KEY_FILE"])
	keys, _ := vault.ParseKeyring(string(text))

	// Add a new primary to the file without resealing: the old key still protects both secrets.
	next, _ := keys.Rotate()
	if err := vault.WriteFile(env["PORTAL_SECRET_KEY_FILE"], next); err != nil {
		t.Fatal(err)
	}
	_, err := runCmd(t, env, "keys", "retire", keys.PrimaryID())
	if err == nil || !strings.Contains(err.Error(), "3 secrets still use key") {
		t.Errorf("retiring a key in use: %v", err)
	}
}

func TestStartRefusesMissingKey(t *testing.T) {
	env := testEnv(t.TempDir(), "http://127.0.0.1:1")
	seedSecrets(t, env, 1)
	old, _ := os.ReadFile(env["PORTAL_SECRET_KEY_FILE"])
	oldKeys, _ := vault.ParseKeyring(string(old))

	// A different key file: the stored password's key is gone.
	if err := vault.WriteFile(env["PORTAL_SECRET_KEY_FILE"], vault.GenerateKeyring()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := run(ctx, nil, getenvFrom(env), strings.NewReader(""), io.Discard, io.Discard)
	if err == nil {
		t.Fatal("the portal started without the key its secrets need")
	}
	msg := err.Error()
	if !strings.Contains(msg, oldKeys.PrimaryID()) || strings.Contains(msg, "\n") {
		t.Errorf("start-up error = %q, want one line naming key %s", msg, oldKeys.PrimaryID())
	}
}

func TestRotateRefusedWithKeyInEnvironment(t *testing.T) {
	env := testEnv(t.TempDir(), "http://127.0.0.1:1")
	env["PORTAL_SECRET_KEY"] = vault.GenerateKeyText()
	_, err := runCmd(t, env, "keys", "rotate")
	if err == nil || !strings.Contains(err.Error(), "PORTAL_SECRET_KEY is set") {
		t.Errorf("rotate with an environment key: %v", err)
	}
}

func TestSessionsSurviveKeyRotation(t *testing.T) {
	env := testEnv(t.TempDir(), "http://127.0.0.1:1")
	before := startPortal(t, env)

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	resp, err := client.Get(before.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	token := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindSubmatch(body)
	if token == nil {
		t.Fatal("no CSRF token on the start page")
	}
	resp, err = client.PostForm(before.URL+"/start", url.Values{"_csrf": {string(token[1])},
		"store_name": {"S"}, "contact_name": {"C"}, "login_email": {"c@example.com"}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("start: %v %v", resp, err)
	}
	resp.Body.Close()

	if _, err := runCmd(t, env, "keys", "rotate"); err != nil {
		t.Fatal(err)
	}
	after := startPortal(t, env) // reads the rotated key file

	// Cookies are kept per host, not per port, so the same jar is sent to the new process.
	resp, err = client.Get(after.URL + "/welcome")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("seller session after rotation: status %d (location %q), want 200",
			resp.StatusCode, resp.Header.Get("Location"))
	}
}
