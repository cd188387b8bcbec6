// Package password hashes and checks staff passwords with argon2id. Hashes are stored as
// self-describing strings that carry their own parameters, so the cost can be raised later
// without breaking the hashes already stored.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// The parameters of new hashes: argon2id with 19 MiB of memory, 2 passes and 1 lane, the
// smallest setting OWASP and ASVS accept for argon2id.
const (
	memoryKiB = 19 * 1024
	passes    = 2
	lanes     = 1
	saltLen   = 16
	keyLen    = 32
)

// Bounds on the parameters Verify accepts from a stored hash, so a damaged or hostile value
// cannot make a sign-in allocate gigabytes or spin for minutes.
const (
	maxMemoryKiB = 1 << 20 // 1 GiB
	maxPasses    = 16
	maxLanes     = 16
	minSaltLen   = 8
	minKeyLen    = 16
	maxKeyLen    = 128
)

// The accepted password lengths, counted in characters (Unicode code points).
const (
	MinLength = 12
	MaxLength = 128
)

// The reasons Validate refuses a password. Their text never includes the password.
var (
	ErrTooShort = fmt.Errorf("password must be at least %d characters", MinLength)
	ErrTooLong  = fmt.Errorf("password must be at most %d characters", MaxLength)
)

// ErrMalformed is returned by Verify when the stored hash is not one this package can read.
var ErrMalformed = errors.New("password: stored hash is malformed")

// prefix names the algorithm and its version (0x13, the current argon2 version).
const prefix = "$argon2id$v=19$"

var b64 = base64.RawStdEncoding

// Validate checks a new password's length: 12 to 128 characters. The password is taken exactly
// as typed: nothing is trimmed, folded to one case or cut short.
func Validate(pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < MinLength {
		return ErrTooShort
	}
	if n > MaxLength {
		return ErrTooLong
	}
	return nil
}

// Hash returns the argon2id hash of pw with a fresh random salt, encoded as
// "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>" with unpadded standard base64.
func Hash(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: read salt: %w", err)
	}

	key := argon2.IDKey([]byte(pw), salt, passes, memoryKiB, lanes, keyLen)
	return fmt.Sprintf("%sm=%d,t=%d,p=%d$%s$%s", prefix, memoryKiB, passes, lanes,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether pw matches the encoded hash, using the parameters stored in it. The
// comparison takes the same time wherever the two differ. It returns ErrMalformed for a hash it
// cannot read.
func Verify(encoded, pw string) (bool, error) {
	p, err := decode(encoded)
	if err != nil {
		return false, err
	}

	key := argon2.IDKey([]byte(pw), p.salt, p.passes, p.memory, p.lanes, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(key, p.key) == 1, nil
}

type params struct {
	memory uint32
	passes uint32
	lanes  uint8
	salt   []byte
	key    []byte
}

// decode reads "$argon2id$v=19$m=M,t=T,p=P$salt$key".
func decode(encoded string) (params, error) {
	rest, ok := strings.CutPrefix(encoded, prefix)
	if !ok {
		return params{}, ErrMalformed
	}
	parts := strings.Split(rest, "$")
	if len(parts) != 3 {
		return params{}, ErrMalformed
	}

	fields := strings.Split(parts[0], ",")
	if len(fields) != 3 {
		return params{}, ErrMalformed
	}
	m, okM := param(fields[0], "m", maxMemoryKiB)
	t, okT := param(fields[1], "t", maxPasses)
	l, okL := param(fields[2], "p", maxLanes)
	// argon2 needs at least 8 KiB of memory per lane.
	if !okM || !okT || !okL || m < 8*l {
		return params{}, ErrMalformed
	}

	salt, err := b64.DecodeString(parts[1])
	if err != nil || len(salt) < minSaltLen {
		return params{}, ErrMalformed
	}
	key, err := b64.DecodeString(parts[2])
	if err != nil || len(key) < minKeyLen || len(key) > maxKeyLen {
		return params{}, ErrMalformed
	}

	return params{memory: uint32(m), passes: uint32(t), lanes: uint8(l), salt: salt,
		key: key}, nil
}

// param reads one "name=value" parameter with 1 <= value <= limit, in plain decimal.
func param(field, name string, limit uint64) (uint64, bool) {
	v, ok := strings.CutPrefix(field, name+"=")
	if !ok || v == "" || v[0] < '1' || v[0] > '9' {
		return 0, false
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || n > limit {
		return 0, false
	}
	return n, true
}
