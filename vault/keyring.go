package vault

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// KeySize is the length in bytes of every keyring key (AES-256).
const KeySize = 32

// DefaultID is the id given to a key written without one (a bare base64 key).
const DefaultID = "k1"

const maxIDLen = 32

var (
	// ErrInvalidKeyring reports key text that cannot be parsed. The wrapping error says which
	// line is wrong and why, never what the key was.
	ErrInvalidKeyring = errors.New("vault: invalid keyring")

	// ErrEmptyKeyring reports an operation that needs at least one key on a keyring without any.
	ErrEmptyKeyring = errors.New("vault: keyring has no keys")

	// ErrUnknownKey reports a key id that is not in the keyring.
	ErrUnknownKey = errors.New("vault: unknown key id")

	// ErrRetirePrimary reports an attempt to retire the primary key, which would leave nothing to
	// seal new values with.
	ErrRetirePrimary = errors.New("vault: cannot retire the primary key")
)

// Keyring holds one or more 32-byte AES-256 keys, each with a short id; the first is the primary.
//
// A Keyring is immutable once built, so it is safe for concurrent use; Rotate and Retire return
// a new Keyring. Its printed forms show key ids only.
type Keyring struct {
	// entries are pointers, and each key sits in a closure, so that even a Keyring printed by
	// reflection (a copy held in an unexported field, where fmt cannot call String) shows ids
	// and addresses, never key bytes.
	entries []*entry
}

// entry is one key with its id and the AEAD built from it.
type entry struct {
	id string
	// key returns the key bytes, which callers must not modify. It is a closure because fmt
	// cannot look inside one: a bad verb such as %s makes fmt print a pointed-to struct in
	// full, so an array field here would show the key, while a func shows as an address.
	key  func() []byte
	aead cipher.AEAD
}

// newEntry checks id and key and prepares the cipher. Errors describe the problem without key
// material.
func newEntry(id string, key []byte) (*entry, error) {
	if !validID(id) {
		return nil, errors.New("key id must be 1-32 characters of a-z, 0-9 and '-'")
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("key must be %d bytes after base64 decoding, got %d",
			KeySize, len(key))
	}
	if allZero(key) {
		return nil, errors.New("key is all zero bytes; generate a random key")
	}

	secret := bytes.Clone(key)
	e := &entry{id: id, key: func() []byte { return secret }}
	block, err := aes.NewCipher(secret)
	if err != nil {
		return nil, errors.New("cannot create AES cipher")
	}
	e.aead, err = cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, errors.New("cannot create AES-GCM")
	}
	return e, nil
}

// randomEntry returns a fresh random key whose id is not taken in k.
func randomEntry(k *Keyring) *entry {
	var key [KeySize]byte
	for {
		// crypto/rand.Read never returns an error; it crashes the program if the OS source
		// fails, so key is always filled.
		_, _ = rand.Read(key[:])
		if allZero(key[:]) {
			continue
		}
		id := newID()
		if k.Has(id) {
			continue
		}
		e, err := newEntry(id, key[:])
		if err != nil {
			// Cannot happen: the id and the length are ours and valid.
			panic("vault: building a generated key failed: " + err.Error())
		}
		return e
	}
}

// newID returns an id such as "k20250301-3f9a0c1e": the UTC date for people reading the key
// file, and 32 random bits so that several rotations on one day stay distinct.
func newID() string {
	var suffix [4]byte
	_, _ = rand.Read(suffix[:])
	return "k" + time.Now().UTC().Format("20060102") + "-" + hex.EncodeToString(suffix[:])
}

// GenerateKeyring returns a keyring holding one fresh random key.
func GenerateKeyring() *Keyring {
	return &Keyring{entries: []*entry{randomEntry(nil)}}
}

// GenerateKeyText returns one fresh "<id>:<base64>" key line, ready to paste into a key file or
// an environment variable. The line is secret.
func GenerateKeyText() string {
	return formatEntry(randomEntry(nil))
}

// ParseKeyring reads the text form of a keyring: entries of the form "<id>:<base64 key>", one per
// line or separated by commas (for an environment variable), the first being the primary. Blank
// lines and lines starting with '#' are ignored, as are empty comma-separated entries. A bare
// base64 key gets the id DefaultID. Errors wrap ErrInvalidKeyring, name the line (and the entry
// within a comma-separated line) and never include key material.
func ParseKeyring(text string) (*Keyring, error) {
	k := &Keyring{}
	for lineIdx, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}

		parts := strings.Split(line, ",")
		for partIdx, part := range parts {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			where := fmt.Sprintf("line %d", lineIdx+1)
			if len(parts) > 1 {
				where += fmt.Sprintf(", entry %d", partIdx+1)
			}

			e, err := parseEntry(part)
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %v", ErrInvalidKeyring, where, err)
			}
			if k.Has(e.id) {
				return nil, fmt.Errorf("%w: %s: duplicate key id %q", ErrInvalidKeyring, where, e.id)
			}
			k.entries = append(k.entries, e)
		}
	}

	if len(k.entries) == 0 {
		return nil, fmt.Errorf("%w: no keys found", ErrInvalidKeyring)
	}
	return k, nil
}

// parseEntry reads "<id>:<base64>" or a bare base64 key.
func parseEntry(s string) (*entry, error) {
	id, encoded, hasID := strings.Cut(s, ":")
	if !hasID {
		id, encoded = DefaultID, s
	}
	id = strings.TrimSpace(id)
	encoded = strings.TrimSpace(encoded)
	if hasID && id == "" {
		return nil, errors.New("missing key id before ':'")
	}
	if !validID(id) {
		// The id is not echoed: a malformed entry might be a key pasted in the wrong place.
		return nil, errors.New("key id must be 1-32 characters of a-z, 0-9 and '-'")
	}
	if encoded == "" {
		return nil, errors.New("missing key after ':'")
	}

	key, ok := decodeKey(encoded)
	if !ok {
		return nil, errors.New("key is not valid base64 (standard or URL-safe)")
	}
	return newEntry(id, key)
}

// decodeKey accepts standard and URL-safe base64, padded or not. The two alphabets differ only
// in characters that cannot appear in the other, so trying each in turn is unambiguous.
func decodeKey(s string) ([]byte, bool) {
	encodings := []*base64.Encoding{
		base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding,
	}
	for _, enc := range encodings {
		if b, err := enc.Strict().DecodeString(s); err == nil {
			return b, true
		}
	}
	return nil, false
}

// validID reports whether id is 1-32 characters of [a-z0-9-].
func validID(id string) bool {
	if id == "" || len(id) > maxIDLen {
		return false
	}
	for _, c := range []byte(id) {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

func allZero(b []byte) bool {
	var acc byte
	for _, c := range b {
		acc |= c
	}
	return acc == 0
}

func formatEntry(e *entry) string {
	return e.id + ":" + base64.StdEncoding.EncodeToString(e.key())
}

// Format returns the secret text form of the keyring, one "<id>:<base64>" line per key, primary
// first, each ending in a newline; ParseKeyring reads it back. Unlike String, the result CONTAINS
// THE KEYS: write it only to the key file (see WriteFile), never to a log.
func (k *Keyring) Format() string {
	if k == nil {
		return ""
	}
	var b strings.Builder
	for _, e := range k.entries {
		b.WriteString(formatEntry(e))
		b.WriteByte('\n')
	}
	return b.String()
}

// Rotate returns a new keyring whose primary is a fresh random key with a new unique id, followed
// by every key of k, which stay usable for Open. k itself is unchanged.
func (k *Keyring) Rotate() (*Keyring, error) {
	if k == nil {
		return GenerateKeyring(), nil
	}
	entries := make([]*entry, 0, len(k.entries)+1)
	entries = append(entries, randomEntry(k))
	entries = append(entries, k.entries...)
	return &Keyring{entries: entries}, nil
}

// Retire returns a new keyring without the key id. It refuses the primary key
// (ErrRetirePrimary) and ids it does not hold (ErrUnknownKey). Values sealed under a retired key
// can no longer be opened, so re-seal them first.
func (k *Keyring) Retire(id string) (*Keyring, error) {
	if !k.Has(id) {
		return nil, fmt.Errorf("%w: %q", ErrUnknownKey, shortID(id))
	}
	if id == k.PrimaryID() {
		return nil, fmt.Errorf("%w (%q); rotate first", ErrRetirePrimary, id)
	}

	entries := make([]*entry, 0, len(k.entries)-1)
	for _, e := range k.entries {
		if e.id != id {
			entries = append(entries, e)
		}
	}
	return &Keyring{entries: entries}, nil
}

// PrimaryID returns the id of the key that Seal uses, or "" for an empty keyring.
func (k *Keyring) PrimaryID() string {
	if k == nil || len(k.entries) == 0 {
		return ""
	}
	return k.entries[0].id
}

// IDs returns the key ids in order, primary first. The slice is a copy.
func (k *Keyring) IDs() []string {
	if k == nil {
		return nil
	}
	ids := make([]string, len(k.entries))
	for i, e := range k.entries {
		ids[i] = e.id
	}
	return ids
}

// Has reports whether the keyring holds a key with this id.
func (k *Keyring) Has(id string) bool {
	return k.find(id) != nil
}

func (k *Keyring) find(id string) *entry {
	if k == nil {
		return nil
	}
	for _, e := range k.entries {
		if e.id == id {
			return e
		}
	}
	return nil
}

// String returns a description listing the key ids, never the keys.
func (k *Keyring) String() string {
	if k == nil {
		return "vault.Keyring(nil)"
	}
	return fmt.Sprintf("vault.Keyring{primary: %q, ids: %q}", k.PrimaryID(), k.IDs())
}

// GoString returns the same id-only description as String, so %#v shows no key bytes either.
func (k *Keyring) GoString() string {
	return k.String()
}

// LogValue logs the keyring as its primary id and its list of ids, never the keys.
func (k *Keyring) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("primary", k.PrimaryID()),
		slog.Any("ids", k.IDs()),
	)
}

// shortID trims an id that came from outside (a database row) before it goes into an error.
func shortID(id string) string {
	if len(id) > 40 {
		return id[:40] + "..."
	}
	return id
}
