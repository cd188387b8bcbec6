package vault_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aicofounder/shiprocket-portal/vault"
)

func TestSealOpenRoundTrip(t *testing.T) {
	kr := mustParse(t, "main:"+b64(testKey(1))+"\nold:"+b64(testKey(2)))
	big := make([]byte, 100_000)
	for i := range big {
		big[i] = byte(i * 31)
	}
	ad := vault.AssociatedData("secrets", "42", "shiprocket_password")

	tests := []struct {
		name      string
		plaintext []byte
	}{
		{"empty", []byte{}},
		{"nil", nil},
		{"unicode", []byte("पासवर्ड 密码 пароль 🔐 ñ")},
		{"whitespace only", []byte(" \t\r\n  ")},
		{"256 characters", []byte(strings.Repeat("p@ss", 64))},
		{"100000 binary bytes", big},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keyID, sealed, err := kr.Seal(tt.plaintext, ad)
			if err != nil {
				t.Fatalf("Seal: %v", err)
			}

			if keyID != "main" {
				t.Errorf("key id = %q, want the primary %q", keyID, "main")
			}
			if len(sealed) != len(tt.plaintext)+vault.Overhead {
				t.Errorf("sealed length = %d, want %d", len(sealed), len(tt.plaintext)+vault.Overhead)
			}
			if sealed[0] != 0x01 {
				t.Errorf("version byte = %#x, want 0x01", sealed[0])
			}
			if len(tt.plaintext) >= 8 && bytes.Contains(sealed, tt.plaintext[:8]) {
				t.Error("sealed blob contains the plaintext")
			}
			got, err := kr.Open(keyID, sealed, ad)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if got == nil || !bytes.Equal(got, tt.plaintext) {
				t.Errorf("Open = %q, want %q", got, tt.plaintext)
			}
		})
	}
}

// TestSealLayout opens a blob with plain AES-GCM to pin the layout the package documents.
func TestSealLayout(t *testing.T) {
	key := testKey(5)
	kr := mustParse(t, "layout-1:"+b64(key))
	ad := []byte("row 7")

	keyID, sealed, err := kr.Seal([]byte("hunter2"), ad)
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}

	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	gcmAD := append([]byte{0x01, byte(len(keyID))}, keyID...)
	gcmAD = append(gcmAD, ad...)
	got, err := gcm.Open(nil, sealed[1:13], sealed[13:], gcmAD)
	if err != nil {
		t.Fatalf("documented layout does not open: %v", err)
	}
	if string(got) != "hunter2" {
		t.Errorf("plaintext = %q, want hunter2", got)
	}
}

func TestOpenFailures(t *testing.T) {
	kr := mustParse(t, "k1:"+b64(testKey(1))+"\nk0:"+b64(testKey(9)))
	sameIDOtherKey := mustParse(t, "k1:"+b64(testKey(2)))
	ad := vault.AssociatedData("secrets", "42")
	keyID, sealed, err := kr.Seal([]byte("correct horse battery staple"), ad)
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}

	flip := func(i int) []byte {
		b := bytes.Clone(sealed)
		b[i] ^= 0x01
		return b
	}
	last := len(sealed) - 1

	tests := []struct {
		name    string
		kr      *vault.Keyring
		keyID   string
		sealed  []byte
		ad      []byte
		wantErr error
	}{
		{"version byte flipped", kr, keyID, flip(0), ad, vault.ErrDecrypt},
		{"first nonce byte flipped", kr, keyID, flip(1), ad, vault.ErrDecrypt},
		{"last nonce byte flipped", kr, keyID, flip(12), ad, vault.ErrDecrypt},
		{"ciphertext byte flipped", kr, keyID, flip(13), ad, vault.ErrDecrypt},
		{"tag byte flipped", kr, keyID, flip(last), ad, vault.ErrDecrypt},
		{"empty blob", kr, keyID, []byte{}, ad, vault.ErrDecrypt},
		{"nil blob", kr, keyID, nil, ad, vault.ErrDecrypt},
		{"version byte only", kr, keyID, sealed[:1], ad, vault.ErrDecrypt},
		{"version and nonce only", kr, keyID, sealed[:13], ad, vault.ErrDecrypt},
		{"one byte short of the minimum", kr, keyID, sealed[:vault.Overhead-1], ad, vault.ErrDecrypt},
		{"minimum length", kr, keyID, sealed[:vault.Overhead], ad, vault.ErrDecrypt},
		{"last byte cut", kr, keyID, sealed[:last], ad, vault.ErrDecrypt},
		{"byte appended", kr, keyID, append(bytes.Clone(sealed), 0), ad, vault.ErrDecrypt},
		{"wrong associated data", kr, keyID, sealed, vault.AssociatedData("secrets", "43"),
			vault.ErrDecrypt},
		{"missing associated data", kr, keyID, sealed, nil, vault.ErrDecrypt},
		{"same id, other key bytes", sameIDOtherKey, keyID, sealed, ad, vault.ErrDecrypt},
		{"relabelled with another known id", kr, "k0", sealed, ad, vault.ErrDecrypt},
		{"unknown key id", kr, "k7", sealed, ad, vault.ErrUnknownKey},
		{"empty key id", kr, "", sealed, ad, vault.ErrUnknownKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.kr.Open(tt.keyID, tt.sealed, tt.ad)

			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Open error = %v, want %v", err, tt.wantErr)
			}
			other := vault.ErrUnknownKey
			if tt.wantErr == vault.ErrUnknownKey {
				other = vault.ErrDecrypt
			}
			if errors.Is(err, other) {
				t.Errorf("error %v also matches %v", err, other)
			}
			if got != nil {
				t.Errorf("Open returned %q with the error", got)
			}
			assertNoKeyMaterial(t, "error", err.Error(), [][]byte{testKey(1), testKey(9)})
		})
	}

	got, err := kr.Open(keyID, sealed, ad)
	if err != nil || string(got) != "correct horse battery staple" {
		t.Errorf("the untouched blob no longer opens: %q, %v", got, err)
	}
}

func TestSealUsesFreshNonce(t *testing.T) {
	kr := mustParse(t, "k1:"+b64(testKey(1)))

	_, first, err1 := kr.Seal([]byte("same"), nil)
	_, second, err2 := kr.Seal([]byte("same"), nil)

	if err1 != nil || err2 != nil {
		t.Fatalf("Seal: %v, %v", err1, err2)
	}
	if bytes.Equal(first, second) {
		t.Error("two seals of the same plaintext are equal")
	}
	if bytes.Equal(first[1:13], second[1:13]) {
		t.Error("two seals share a nonce")
	}
}

func TestRotationKeepsOldValues(t *testing.T) {
	kr := mustParse(t, "k1:"+b64(testKey(1)))
	type sealedValue struct {
		keyID, plaintext string
		sealed           []byte
	}
	var values []sealedValue
	seal := func(kr *vault.Keyring, plaintext string) {
		t.Helper()
		keyID, sealed, err := kr.Seal([]byte(plaintext), []byte(plaintext))
		if err != nil {
			t.Fatalf("Seal: %v", err)
		}
		if keyID != kr.PrimaryID() {
			t.Errorf("Seal used %q, want the primary %q", keyID, kr.PrimaryID())
		}
		values = append(values, sealedValue{keyID, plaintext, sealed})
	}
	seal(kr, "generation 0")

	for gen := 1; gen <= 3; gen++ {
		before := kr.IDs()
		next, err := kr.Rotate()
		if err != nil {
			t.Fatalf("Rotate %d: %v", gen, err)
		}

		if !slices.Equal(next.IDs()[1:], before) {
			t.Errorf("rotation %d ids = %v, want a new id before %v", gen, next.IDs(), before)
		}
		if slices.Contains(before, next.PrimaryID()) {
			t.Errorf("rotation %d reused id %q", gen, next.PrimaryID())
		}
		if !slices.Equal(kr.IDs(), before) {
			t.Errorf("Rotate changed the original keyring to %v", kr.IDs())
		}
		kr = next
		seal(kr, "generation "+string(rune('0'+gen)))
	}

	if len(kr.IDs()) != 4 {
		t.Fatalf("after three rotations ids = %v, want 4", kr.IDs())
	}
	ids := map[string]bool{}
	for i, v := range values {
		ids[v.keyID] = true
		got, err := kr.Open(v.keyID, v.sealed, []byte(v.plaintext))
		if err != nil || string(got) != v.plaintext {
			t.Errorf("generation %d: Open = %q, %v; want %q", i, got, err, v.plaintext)
		}
	}
	if len(ids) != 4 {
		t.Errorf("four generations used %d distinct key ids, want 4", len(ids))
	}
}

func TestAssociatedData(t *testing.T) {
	kr := mustParse(t, "k1:"+b64(testKey(1)))

	if bytes.Equal(vault.AssociatedData("ab", "c"), vault.AssociatedData("a", "bc")) {
		t.Error(`AssociatedData("ab", "c") equals ("a", "bc")`)
	}
	if bytes.Equal(vault.AssociatedData("a", ""), vault.AssociatedData("a")) {
		t.Error(`AssociatedData("a", "") equals ("a")`)
	}
	if !bytes.Equal(vault.AssociatedData("x", "1"), vault.AssociatedData("x", "1")) {
		t.Error("AssociatedData is not deterministic")
	}

	// A blob moved to another seller's row must not open there.
	keyID, sealed, err := kr.Seal([]byte("pw"), vault.AssociatedData("seller", "1"))
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}
	_, err = kr.Open(keyID, sealed, vault.AssociatedData("seller", "2"))
	if !errors.Is(err, vault.ErrDecrypt) {
		t.Errorf("Open with another seller's data error = %v, want ErrDecrypt", err)
	}
}

// hkdfRFC5869 is an independent HKDF-SHA256 with an empty salt, written from RFC 5869, to check
// what Derive computes.
func hkdfRFC5869(secret []byte, info string, n int) []byte {
	extract := hmac.New(sha256.New, make([]byte, sha256.Size))
	extract.Write(secret)
	prk := extract.Sum(nil)

	var out, block []byte
	for counter := byte(1); len(out) < n; counter++ {
		expand := hmac.New(sha256.New, prk)
		expand.Write(block)
		expand.Write([]byte(info))
		expand.Write([]byte{counter})
		block = expand.Sum(nil)
		out = append(out, block...)
	}
	return out[:n]
}

func TestDerive(t *testing.T) {
	kr := mustParse(t, "b:"+b64(testKey(2))+"\na:"+b64(testKey(1)))

	auth := kr.Derive("session-auth", 64)
	enc := kr.Derive("session-enc", 32)

	if len(auth) != 2 || len(enc) != 2 {
		t.Fatalf("Derive returned %d and %d keys, want 2 each", len(auth), len(enc))
	}
	for i := range 2 {
		if len(auth[i]) != 64 || len(enc[i]) != 32 {
			t.Errorf("key %d lengths = %d, %d; want 64, 32", i, len(auth[i]), len(enc[i]))
		}
		if bytes.Equal(auth[i][:32], enc[i]) {
			t.Errorf("key %d: two labels give the same bytes", i)
		}
		if bytes.Equal(auth[i][:32], testKey(byte(2-i))) {
			t.Errorf("key %d: Derive returned the key itself", i)
		}
	}
	if bytes.Equal(auth[0], auth[1]) {
		t.Error("two keys give the same derived bytes")
	}

	want := hkdfRFC5869(testKey(2), "shiprocket-portal/vault/derive/v1:session-enc", 32)
	if !bytes.Equal(enc[0], want) {
		t.Errorf("Derive = %x, want HKDF-SHA256 %x", enc[0], want)
	}
	again := mustParse(t, kr.Format()).Derive("session-auth", 64)
	if !slices.EqualFunc(auth, again, bytes.Equal) {
		t.Error("Derive is not stable across a reload")
	}

	rotated, err := kr.Rotate()
	if err != nil {
		t.Fatalf("Rotate: %v", err)
	}
	afterRotate := rotated.Derive("session-auth", 64)
	if len(afterRotate) != 3 || !slices.EqualFunc(afterRotate[1:], auth, bytes.Equal) {
		t.Error("after Rotate the old keys' derived bytes did not move one place back")
	}
}

func TestDerivePanicsOnMisuse(t *testing.T) {
	kr := mustParse(t, "k1:"+b64(testKey(1)))
	tests := []struct {
		name  string
		label string
		n     int
	}{
		{"empty label", "", 32},
		{"zero length", "x", 0},
		{"negative length", "x", -1},
		{"longer than HKDF allows", "x", 255*32 + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Derive(%q, %d) did not panic", tt.label, tt.n)
				}
			}()
			kr.Derive(tt.label, tt.n)
		})
	}

	if got := kr.Derive("x", 255*32); len(got) != 1 || len(got[0]) != 255*32 {
		t.Error("Derive at the HKDF maximum length failed")
	}
}

func TestConcurrentSealOpen(t *testing.T) {
	kr := mustParse(t, "k1:"+b64(testKey(1)))
	var wg sync.WaitGroup
	errs := make(chan error, 16)

	for g := range 16 {
		wg.Go(func() {
			for i := range 50 {
				msg := []byte(strings.Repeat("x", g+i))
				id, sealed, err := kr.Seal(msg, msg)
				if err != nil {
					errs <- err
					return
				}
				got, err := kr.Open(id, sealed, msg)
				if err != nil || !bytes.Equal(got, msg) {
					errs <- errors.New("concurrent round trip failed")
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)

	for err := range errs {
		t.Error(err)
	}
}
