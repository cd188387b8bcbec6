package vault_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aicofounder/shiprocket-portal/vault"
)

// testKey returns 32 distinctive bytes derived from seed, so tests can look for them in output.
func testKey(seed byte) []byte {
	k := make([]byte, vault.KeySize)
	for i := range k {
		k[i] = seed + byte(i*7) + 1
	}
	return k
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// mustParse parses key text that the test knows to be valid.
func mustParse(t *testing.T, text string) *vault.Keyring {
	t.Helper()
	kr, err := vault.ParseKeyring(text)
	if err != nil {
		t.Fatalf("ParseKeyring: %v", err)
	}
	return kr
}

// keyMaterial returns the raw bytes of every key in kr, read back from its secret text form.
func keyMaterial(t *testing.T, kr *vault.Keyring) [][]byte {
	t.Helper()
	var keys [][]byte
	for line := range strings.Lines(kr.Format()) {
		_, enc, _ := strings.Cut(strings.TrimSpace(line), ":")
		b, err := base64.StdEncoding.DecodeString(enc)
		if err != nil || len(b) != vault.KeySize {
			t.Fatalf("Format produced an unreadable line")
		}
		keys = append(keys, b)
	}
	return keys
}

// secretForms lists the ways a key could leak into text: raw, base64 variants, hex, and fmt's
// rendering of a byte slice.
func secretForms(key []byte) []string {
	return []string{
		string(key),
		base64.StdEncoding.EncodeToString(key),
		base64.RawStdEncoding.EncodeToString(key),
		base64.URLEncoding.EncodeToString(key),
		base64.RawURLEncoding.EncodeToString(key),
		hex.EncodeToString(key),
		strings.ToUpper(hex.EncodeToString(key)),
		fmt.Sprint(key),
		fmt.Sprint(key[:8]),
		fmt.Sprintf("%#v", key[:8]),
	}
}

// assertNoKeyMaterial fails if text contains any form of any key.
func assertNoKeyMaterial(t *testing.T, what, text string, keys [][]byte) {
	t.Helper()
	for i, key := range keys {
		for _, form := range secretForms(key) {
			if strings.Contains(text, form) {
				t.Errorf("%s leaks key %d: %q", what, i, text)
				return
			}
		}
	}
}

func TestParseKeyring(t *testing.T) {
	keyA, keyB := testKey(0), testKey(100)
	short, long := make([]byte, 16), make([]byte, 33)
	copy(short, keyA)
	copy(long, keyA)

	// A key whose URL-safe form differs from its standard form.
	keyURL := bytes.Repeat([]byte{0xfb, 0xff, 0xbf}, 11)[:vault.KeySize]
	urlRaw := base64.RawURLEncoding.EncodeToString(keyURL)
	if !strings.ContainsAny(urlRaw, "-_") {
		t.Fatal("test key does not exercise the URL-safe alphabet")
	}
	id32 := strings.Repeat("a", 32)
	const badID = "key id must be 1-32 characters of a-z, 0-9 and '-'"

	tests := []struct {
		name       string
		text       string
		wantIDs    []string
		wantFormat string // canonical text form: ids, order and key bytes
		wantErr    string
	}{
		{
			name:       "single entry",
			text:       "k1:" + b64(keyA),
			wantIDs:    []string{"k1"},
			wantFormat: "k1:" + b64(keyA) + "\n",
		},
		{
			name: "file with comments, blank lines, CRLF and spaces; first is primary",
			text: "# keys\r\n\r\n  new-2 : " + b64(keyB) + "  \r\n# old\r\nold-1:" + b64(keyA) +
				"\r\n\n",
			wantIDs:    []string{"new-2", "old-1"},
			wantFormat: "new-2:" + b64(keyB) + "\nold-1:" + b64(keyA) + "\n",
		},
		{
			name:       "comma separated env form with a trailing comma",
			text:       " b:" + b64(keyB) + " , a:" + b64(keyA) + ",",
			wantIDs:    []string{"b", "a"},
			wantFormat: "b:" + b64(keyB) + "\na:" + b64(keyA) + "\n",
		},
		{
			name:       "bare key gets the default id",
			text:       b64(keyA) + "\n",
			wantIDs:    []string{vault.DefaultID},
			wantFormat: vault.DefaultID + ":" + b64(keyA) + "\n",
		},
		{
			name:       "unpadded standard base64",
			text:       "x:" + base64.RawStdEncoding.EncodeToString(keyA),
			wantIDs:    []string{"x"},
			wantFormat: "x:" + b64(keyA) + "\n",
		},
		{
			name:       "unpadded URL-safe base64",
			text:       "u:" + urlRaw,
			wantIDs:    []string{"u"},
			wantFormat: "u:" + b64(keyURL) + "\n",
		},
		{
			name:       "padded URL-safe base64",
			text:       "u:" + base64.URLEncoding.EncodeToString(keyURL),
			wantIDs:    []string{"u"},
			wantFormat: "u:" + b64(keyURL) + "\n",
		},
		{
			name:       "32-character id",
			text:       id32 + ":" + b64(keyA),
			wantIDs:    []string{id32},
			wantFormat: id32 + ":" + b64(keyA) + "\n",
		},
		{
			name:    "empty",
			text:    "",
			wantErr: "vault: invalid keyring: no keys found",
		},
		{
			name:    "only comments and blanks",
			text:    "# nothing here\n\n   \n,\n",
			wantErr: "vault: invalid keyring: no keys found",
		},
		{
			name:    "bad base64",
			text:    "k1:" + b64(keyA)[:20] + "!!" + b64(keyA)[22:],
			wantErr: "vault: invalid keyring: line 1: key is not valid base64 (standard or URL-safe)",
		},
		{
			name:    "mixed alphabets",
			text:    "k1:+-" + b64(keyA)[2:],
			wantErr: "vault: invalid keyring: line 1: key is not valid base64 (standard or URL-safe)",
		},
		{
			name: "too short",
			text: "# c\nk1:" + b64(short),
			wantErr: "vault: invalid keyring: line 2: key must be 32 bytes after base64 decoding," +
				" got 16",
		},
		{
			name: "too long",
			text: "k1:" + b64(long),
			wantErr: "vault: invalid keyring: line 1: key must be 32 bytes after base64 decoding," +
				" got 33",
		},
		{
			name:    "all-zero key",
			text:    "k1:" + b64(make([]byte, 32)),
			wantErr: "vault: invalid keyring: line 1: key is all zero bytes; generate a random key",
		},
		{
			name:    "duplicate id",
			text:    "k1:" + b64(keyA) + "\nk2:" + b64(keyB) + "\nk1:" + b64(keyB),
			wantErr: `vault: invalid keyring: line 3: duplicate key id "k1"`,
		},
		{
			name:    "bare key clashes with k1",
			text:    "k1:" + b64(keyA) + "," + b64(keyB),
			wantErr: `vault: invalid keyring: line 1, entry 2: duplicate key id "k1"`,
		},
		{
			name:    "upper-case id",
			text:    "K1:" + b64(keyA),
			wantErr: "vault: invalid keyring: line 1: " + badID,
		},
		{
			name:    "id with underscore in env form",
			text:    "a:" + b64(keyA) + ",my_key:" + b64(keyB),
			wantErr: "vault: invalid keyring: line 1, entry 2: " + badID,
		},
		{
			name:    "33-character id",
			text:    id32 + "b:" + b64(keyA),
			wantErr: "vault: invalid keyring: line 1: " + badID,
		},
		{
			name:    "missing id",
			text:    ":" + b64(keyA),
			wantErr: "vault: invalid keyring: line 1: missing key id before ':'",
		},
		{
			name:    "missing key",
			text:    "k1:",
			wantErr: "vault: invalid keyring: line 1: missing key after ':'",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kr, err := vault.ParseKeyring(tt.text)

			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseKeyring succeeded with ids %v, want error %q", kr.IDs(), tt.wantErr)
				}
				if !errors.Is(err, vault.ErrInvalidKeyring) {
					t.Errorf("error %v does not wrap ErrInvalidKeyring", err)
				}
				if err.Error() != tt.wantErr {
					t.Errorf("error = %q, want %q", err, tt.wantErr)
				}
				if kr != nil {
					t.Errorf("keyring = %v, want nil on error", kr)
				}
				keys := [][]byte{keyA, keyB, short, long, keyURL}
				assertNoKeyMaterial(t, "error", err.Error(), keys)
				return
			}

			if err != nil {
				t.Fatalf("ParseKeyring: %v", err)
			}
			if got := kr.IDs(); !slices.Equal(got, tt.wantIDs) {
				t.Errorf("IDs = %v, want %v", got, tt.wantIDs)
			}
			if got := kr.PrimaryID(); got != tt.wantIDs[0] {
				t.Errorf("PrimaryID = %q, want %q", got, tt.wantIDs[0])
			}
			if got := kr.Format(); got != tt.wantFormat {
				t.Errorf("Format = %q, want %q", got, tt.wantFormat)
			}
		})
	}
}

func TestFormatRoundTrip(t *testing.T) {
	kr, err := mustParse(t, "a:"+b64(testKey(1))).Rotate()
	if err != nil {
		t.Fatalf("Rotate: %v", err)
	}

	again := mustParse(t, kr.Format())

	if again.Format() != kr.Format() {
		t.Errorf("Format after a round trip changed")
	}
	if !slices.Equal(again.IDs(), kr.IDs()) {
		t.Errorf("IDs after a round trip = %v, want %v", again.IDs(), kr.IDs())
	}
	id, sealed, err := kr.Seal([]byte("secret"), nil)
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}
	if got, err := again.Open(id, sealed, nil); err != nil || string(got) != "secret" {
		t.Errorf("Open with the re-parsed keyring = %q, %v", got, err)
	}
}

func TestIDsAndHas(t *testing.T) {
	kr := mustParse(t, "b:"+b64(testKey(1))+"\na:"+b64(testKey(2)))

	ids := kr.IDs()
	ids[0] = "changed"

	if got := kr.IDs(); !slices.Equal(got, []string{"b", "a"}) {
		t.Errorf("IDs = %v after editing a returned copy, want [b a]", got)
	}
	for _, tc := range []struct {
		id   string
		want bool
	}{{"a", true}, {"b", true}, {"c", false}, {"", false}, {"changed", false}} {
		if got := kr.Has(tc.id); got != tc.want {
			t.Errorf("Has(%q) = %v, want %v", tc.id, got, tc.want)
		}
	}
}

func TestRetire(t *testing.T) {
	kr := mustParse(t, "c:"+b64(testKey(3))+"\nb:"+b64(testKey(2))+"\na:"+b64(testKey(1)))
	oldOnly := mustParse(t, "b:"+b64(testKey(2)))
	id, sealedUnderB, err := oldOnly.Seal([]byte("old value"), nil)
	if err != nil || id != "b" {
		t.Fatalf("Seal = %q, %v", id, err)
	}

	_, err = kr.Retire("c")
	if !errors.Is(err, vault.ErrRetirePrimary) {
		t.Errorf("Retire(primary) error = %v, want ErrRetirePrimary", err)
	}
	_, err = kr.Retire("zz")
	if !errors.Is(err, vault.ErrUnknownKey) {
		t.Errorf("Retire(unknown) error = %v, want ErrUnknownKey", err)
	}

	retired, err := kr.Retire("b")
	if err != nil {
		t.Fatalf("Retire(b): %v", err)
	}
	if got := retired.IDs(); !slices.Equal(got, []string{"c", "a"}) {
		t.Errorf("IDs after Retire(b) = %v, want [c a]", got)
	}
	if got := kr.IDs(); !slices.Equal(got, []string{"c", "b", "a"}) {
		t.Errorf("original IDs changed to %v", got)
	}
	if _, err := kr.Open("b", sealedUnderB, nil); err != nil {
		t.Errorf("original keyring cannot open b any more: %v", err)
	}
	if _, err := retired.Open("b", sealedUnderB, nil); !errors.Is(err, vault.ErrUnknownKey) {
		t.Errorf("Open under a retired key error = %v, want ErrUnknownKey", err)
	}
}

func TestGenerateKeyText(t *testing.T) {
	idPattern := regexp.MustCompile(`^k[0-9]{8}-[0-9a-f]{8}$`)

	first, second := vault.GenerateKeyText(), vault.GenerateKeyText()

	if first == second {
		t.Fatal("two generated keys are equal")
	}
	for _, line := range []string{first, second} {
		if strings.Contains(line, "\n") {
			t.Errorf("generated text %q is not one line", line)
		}
		kr := mustParse(t, line)
		if ids := kr.IDs(); len(ids) != 1 || !idPattern.MatchString(ids[0]) {
			t.Errorf("generated ids = %v, want one id like k20250301-0123abcd", ids)
		}
		if kr.Format() != line+"\n" {
			t.Errorf("generated line is not in canonical form")
		}
	}
}

func TestNilAndEmptyKeyring(t *testing.T) {
	for name, kr := range map[string]*vault.Keyring{"nil": nil, "zero": {}} {
		t.Run(name, func(t *testing.T) {
			if got := kr.PrimaryID(); got != "" {
				t.Errorf("PrimaryID = %q, want empty", got)
			}
			if got := kr.IDs(); len(got) != 0 {
				t.Errorf("IDs = %v, want none", got)
			}
			if kr.Has("k1") {
				t.Error("Has(k1) = true")
			}
			if got := kr.Format(); got != "" {
				t.Errorf("Format = %q, want empty", got)
			}
			if _, _, err := kr.Seal([]byte("x"), nil); !errors.Is(err, vault.ErrEmptyKeyring) {
				t.Errorf("Seal error = %v, want ErrEmptyKeyring", err)
			}
			if _, err := kr.Open("k1", make([]byte, 64), nil); !errors.Is(err, vault.ErrUnknownKey) {
				t.Errorf("Open error = %v, want ErrUnknownKey", err)
			}
			if got := kr.Derive("label", 32); got != nil {
				t.Errorf("Derive = %d keys, want nil", len(got))
			}
			if _, err := kr.Retire("k1"); !errors.Is(err, vault.ErrUnknownKey) {
				t.Errorf("Retire error = %v, want ErrUnknownKey", err)
			}
			if err := vault.WriteFile(t.TempDir()+"/keys", kr); !errors.Is(err, vault.ErrEmptyKeyring) {
				t.Errorf("WriteFile error = %v, want ErrEmptyKeyring", err)
			}

			rotated, err := kr.Rotate()
			if err != nil || len(rotated.IDs()) != 1 {
				t.Errorf("Rotate = %v, %v; want one fresh key", rotated, err)
			}
		})
	}
}

// holder mimics a caller's struct that keeps keyrings in fields, including an unexported copy
// that fmt can only print by reflection.
type holder struct {
	Public *vault.Keyring
	copied vault.Keyring
	all    []*vault.Keyring
}

func TestPrintingHidesKeys(t *testing.T) {
	base := mustParse(t, "old:"+b64(testKey(10))+"\n"+b64(testKey(200)))
	kr, err := base.Rotate()
	if err != nil {
		t.Fatalf("Rotate: %v", err)
	}
	keys := keyMaterial(t, kr)
	if len(keys) != 3 {
		t.Fatalf("keyring has %d keys, want 3", len(keys))
	}
	h := holder{Public: kr, copied: *kr, all: []*vault.Keyring{kr}}

	var outputs []string
	verbs := []string{
		"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%t", "%c", "%U", "%e", "%o", "%b", "%p",
		"%T", "%10.3s", "%+q",
	}
	for _, verb := range verbs {
		outputs = append(outputs,
			fmt.Sprintf(verb, kr), fmt.Sprintf(verb, *kr), fmt.Sprintf(verb, h))
	}
	outputs = append(outputs, kr.String(), kr.GoString(), fmt.Sprintln(kr, *kr, h))

	var logs bytes.Buffer
	text := slog.New(slog.NewTextHandler(&logs, nil))
	text.Info("loaded", "keyring", kr, "copy", *kr, "holder", h)
	jsonLog := slog.New(slog.NewJSONHandler(&logs, nil))
	jsonLog.Info("loaded", "keyring", kr, "copy", *kr, "holder", h)
	outputs = append(outputs, logs.String())

	js, err := json.Marshal(h)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	outputs = append(outputs, string(js))

	for i, out := range outputs {
		assertNoKeyMaterial(t, fmt.Sprintf("output %d", i), out, keys)
	}

	// The ids must still be visible where the methods apply.
	wantString := fmt.Sprintf(`vault.Keyring{primary: %q, ids: ["%s" "old" "k1"]}`,
		kr.PrimaryID(), kr.PrimaryID())
	for _, got := range []string{fmt.Sprint(kr), fmt.Sprintf("%+v", kr), fmt.Sprintf("%#v", kr)} {
		if got != wantString {
			t.Errorf("printed keyring = %q, want %q", got, wantString)
		}
	}
	wantLog := fmt.Sprintf(`"keyring":{"primary":%q,"ids":[%q,"old","k1"]}`,
		kr.PrimaryID(), kr.PrimaryID())
	if !strings.Contains(logs.String(), wantLog) {
		t.Errorf("JSON log %q lacks %q", logs.String(), wantLog)
	}
	if !strings.Contains(logs.String(), "keyring.primary="+kr.PrimaryID()) {
		t.Errorf("text log %q lacks the primary id", logs.String())
	}
}
