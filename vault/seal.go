package vault

import (
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
)

// formatV1 is the version byte of blobs sealed with AES-256-GCM and a random 96-bit nonce.
const formatV1 byte = 0x01

const (
	nonceSize = 12
	tagSize   = 16
	// Overhead is how many bytes longer than its plaintext a sealed blob is: one version byte,
	// the nonce and the tag.
	Overhead = 1 + nonceSize + tagSize
)

// deriveInfoPrefix separates Derive's HKDF outputs from any other use of the same keys.
const deriveInfoPrefix = "shiprocket-portal/vault/derive/v1:"

// maxDeriveLen is the most output HKDF-SHA256 can produce (255 blocks of 32 bytes).
const maxDeriveLen = 255 * sha256.Size

// ErrDecrypt reports a blob that cannot be opened: tampered with, truncated, sealed under other
// key bytes or other associated data, or in an unknown format. It carries no detail that would
// help an attacker tell these apart.
var ErrDecrypt = errors.New("vault: cannot decrypt value")

// Seal encrypts plaintext with the primary key using AES-256-GCM, a fresh random 96-bit nonce and
// the associated data, which must be given again to Open (bind the value to its row, for
// example with AssociatedData). It returns the id of the key used, to be stored beside the blob,
// and the blob laid out as described in the package documentation.
func (k *Keyring) Seal(plaintext, associatedData []byte) (keyID string, sealed []byte, err error) {
	if k == nil || len(k.entries) == 0 {
		return "", nil, ErrEmptyKeyring
	}
	e := k.entries[0]

	sealed = make([]byte, 1, Overhead+len(plaintext))
	sealed[0] = formatV1
	// The AEAD from NewGCMWithRandomNonce draws the nonce itself and writes it before the
	// ciphertext, so no caller can ever reuse one.
	sealed = e.aead.Seal(sealed, nil, plaintext, bindAD(formatV1, e.id, associatedData))
	return e.id, sealed, nil
}

// Open decrypts a blob that Seal returned with keyID, given the same associated data. It fails
// with ErrUnknownKey if the keyring has no key keyID and with ErrDecrypt for anything else that
// is wrong; it never panics on malformed input.
func (k *Keyring) Open(keyID string, sealed, associatedData []byte) ([]byte, error) {
	e := k.find(keyID)
	if e == nil {
		return nil, fmt.Errorf("%w: %q", ErrUnknownKey, shortID(keyID))
	}
	if len(sealed) < Overhead {
		return nil, fmt.Errorf("%w: sealed value is too short", ErrDecrypt)
	}
	if sealed[0] != formatV1 {
		return nil, fmt.Errorf("%w: unsupported format version %d", ErrDecrypt, sealed[0])
	}

	plaintext, err := e.aead.Open(nil, nil, sealed[1:], bindAD(formatV1, e.id, associatedData))
	if err != nil {
		return nil, ErrDecrypt
	}
	if plaintext == nil {
		plaintext = []byte{}
	}
	return plaintext, nil
}

// bindAD builds the GCM additional data: version, id length, id, then the caller's data. The
// length byte keeps the encoding unambiguous; ids are at most 32 bytes.
func bindAD(version byte, id string, associatedData []byte) []byte {
	ad := make([]byte, 0, 2+len(id)+len(associatedData))
	ad = append(ad, version, byte(len(id)))
	ad = append(ad, id...)
	return append(ad, associatedData...)
}

// AssociatedData encodes parts (for example a table name, a seller id and a purpose) as
// unambiguous associated data for Seal and Open: each part is prefixed with its length, so
// ("ab", "c") and ("a", "bc") give different results.
func AssociatedData(parts ...string) []byte {
	var out []byte
	for _, p := range parts {
		out = binary.AppendUvarint(out, uint64(len(p)))
		out = append(out, p...)
	}
	return out
}

// Derive returns, for each key in order (primary first), n bytes derived with HKDF-SHA256 from
// that key, with the label as context, so other subsystems (cookie signing and encryption) get
// keys of their own that rotate with the keyring. The same keyring and label always give the
// same bytes; different labels or keys give independent ones. It returns nil for an empty
// keyring. It panics if label is empty or n is outside 1..8160, which are programming errors.
func (k *Keyring) Derive(label string, n int) [][]byte {
	if label == "" {
		panic("vault: Derive needs a non-empty label")
	}
	if n < 1 || n > maxDeriveLen {
		panic(fmt.Sprintf("vault: Derive length %d is outside 1..%d", n, maxDeriveLen))
	}
	if k == nil || len(k.entries) == 0 {
		return nil
	}

	out := make([][]byte, len(k.entries))
	for i, e := range k.entries {
		b, err := hkdf.Key(sha256.New, e.key(), nil, deriveInfoPrefix+label, n)
		if err != nil {
			// Only reachable in FIPS 140-only mode, which refuses outputs under 112 bits.
			panic("vault: Derive failed: " + err.Error())
		}
		out[i] = b
	}
	return out
}
