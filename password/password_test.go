package password

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		pw   string
		want error
	}{
		{"empty", "", ErrTooShort},
		{"eleven ascii", strings.Repeat("a", 11), ErrTooShort},
		{"twelve ascii", strings.Repeat("a", 12), nil},
		{"128 ascii", strings.Repeat("a", 128), nil},
		{"129 ascii", strings.Repeat("a", 129), ErrTooLong},
		// Eleven Devanagari letters are 33 bytes but still only 11 characters.
		{"eleven multibyte", strings.Repeat("क", 11), ErrTooShort},
		{"twelve multibyte", strings.Repeat("क", 12), nil},
		{"128 emoji", strings.Repeat("🔑", 128), nil},
		{"129 emoji", strings.Repeat("🔑", 129), ErrTooLong},
		// Spaces count: nothing is trimmed.
		{"spaces only", strings.Repeat(" ", 12), nil},
		{"ten with two spaces", " abcdefghij ", nil},
		{"eleven after spaces would be trimmed", " abcdefghi ", ErrTooShort},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.pw)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Validate = %v, want %v", err, tt.want)
			}
			if err != nil && tt.pw != "" && strings.Contains(err.Error(), tt.pw) {
				t.Fatalf("error %q contains the password", err)
			}
		})
	}
}

func TestHashFormat(t *testing.T) {
	pw := "correct horse battery staple"
	h1, err := Hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	h2, err := Hash(pw)
	if err != nil {
		t.Fatal(err)
	}

	parts := strings.Split(h1, "$")
	// "", "argon2id", "v=19", params, salt, key
	if len(parts) != 6 {
		t.Fatalf("hash has %d parts: %q", len(parts), h1)
	}
	if parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v=19" {
		t.Fatalf("hash prefix = %q", strings.Join(parts[:3], "$"))
	}
	if parts[3] != "m=19456,t=2,p=1" {
		t.Fatalf("params = %q, want m=19456,t=2,p=1", parts[3])
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) != 16 {
		t.Fatalf("salt = %q (%d bytes, err %v), want 16 bytes", parts[4], len(salt), err)
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) != 32 {
		t.Fatalf("key = %q (%d bytes, err %v), want 32 bytes", parts[5], len(key), err)
	}

	if h1 == h2 {
		t.Fatal("two hashes of the same password are equal: the salt is not random")
	}
	if strings.Contains(h1, pw) {
		t.Fatal("hash contains the password")
	}
}

func TestVerify(t *testing.T) {
	long := strings.Repeat("x", 127) + "1"
	tests := []struct {
		name   string
		stored string
		tried  string
		want   bool
	}{
		{"same", "Tr0ub4dor&3 plus more", "Tr0ub4dor&3 plus more", true},
		{"different", "Tr0ub4dor&3 plus more", "Tr0ub4dor&3 plus less", false},
		{"empty tried", "Tr0ub4dor&3 plus more", "", false},
		{"case folded", "Tr0ub4dor&3 plus more", "tr0ub4dor&3 plus more", false},
		{"trailing space added", "Tr0ub4dor&3 plus more", "Tr0ub4dor&3 plus more ", false},
		{"leading space kept", " leading space pw", " leading space pw", true},
		{"leading space dropped", " leading space pw", "leading space pw", false},
		{"unicode", "पासवर्ड-सुरक्षित-है", "पासवर्ड-सुरक्षित-है", true},
		{"long same", long, long, true},
		// bcrypt would accept this: it ignores everything after 72 bytes.
		{"long differs at the end", long, strings.Repeat("x", 127) + "2", false},
		{"long truncated", long, long[:72], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := Hash(tt.stored)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Verify(h, tt.tried)
			if err != nil {
				t.Fatalf("Verify error: %v", err)
			}
			if got != tt.want {
				t.Fatalf("Verify = %v, want %v", got, tt.want)
			}
		})
	}
}

// A hash made with other parameters still verifies: Verify reads them from the string.
func TestVerifyOtherParams(t *testing.T) {
	salt := []byte("0123456789abcdefXYZ")
	key := argon2.IDKey([]byte("older cheaper hash"), salt, 1, 8*1024, 2, 24)
	enc := fmt.Sprintf("$argon2id$v=19$m=8192,t=1,p=2$%s$%s",
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))

	ok, err := Verify(enc, "older cheaper hash")
	if err != nil || !ok {
		t.Fatalf("Verify = %v, %v; want true, nil", ok, err)
	}
	ok, err = Verify(enc, "older cheaper hasH")
	if err != nil || ok {
		t.Fatalf("Verify wrong password = %v, %v; want false, nil", ok, err)
	}
}

func TestVerifyMalformed(t *testing.T) {
	salt := base64.RawStdEncoding.EncodeToString([]byte("0123456789abcdef"))
	key := base64.RawStdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	good := "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key
	if _, err := Verify(good, "x"); err != nil {
		t.Fatalf("the well-formed base case fails: %v", err)
	}

	tests := []struct {
		name    string
		encoded string
	}{
		{"empty", ""},
		{"bcrypt", "$2a$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234"},
		{"argon2i", "$argon2i$v=19$m=19456,t=2,p=1$" + salt + "$" + key},
		{"old version", "$argon2id$v=16$m=19456,t=2,p=1$" + salt + "$" + key},
		{"missing key", "$argon2id$v=19$m=19456,t=2,p=1$" + salt},
		{"extra part", good + "$" + key},
		{"params out of order", "$argon2id$v=19$t=2,m=19456,p=1$" + salt + "$" + key},
		{"two params", "$argon2id$v=19$m=19456,t=2$" + salt + "$" + key},
		{"zero memory", "$argon2id$v=19$m=0,t=2,p=1$" + salt + "$" + key},
		{"huge memory", "$argon2id$v=19$m=4194304,t=2,p=1$" + salt + "$" + key},
		{"memory below 8 KiB per lane", "$argon2id$v=19$m=8,t=2,p=2$" + salt + "$" + key},
		{"zero passes", "$argon2id$v=19$m=19456,t=0,p=1$" + salt + "$" + key},
		{"many passes", "$argon2id$v=19$m=19456,t=1000,p=1$" + salt + "$" + key},
		{"zero lanes", "$argon2id$v=19$m=19456,t=2,p=0$" + salt + "$" + key},
		{"leading zero", "$argon2id$v=19$m=019456,t=2,p=1$" + salt + "$" + key},
		{"plus sign", "$argon2id$v=19$m=+19456,t=2,p=1$" + salt + "$" + key},
		{"not a number", "$argon2id$v=19$m=lots,t=2,p=1$" + salt + "$" + key},
		{"bad salt base64", "$argon2id$v=19$m=19456,t=2,p=1$!!!!$" + key},
		{"short salt", "$argon2id$v=19$m=19456,t=2,p=1$YWJj$" + key},
		{"short key", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$YWJjZGVmZ2g"},
		{"padded key", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key + "="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := Verify(tt.encoded, "x")
			if !errors.Is(err, ErrMalformed) || ok {
				t.Fatalf("Verify = %v, %v; want false, ErrMalformed", ok, err)
			}
		})
	}
}
