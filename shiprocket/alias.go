package shiprocket

import (
	"errors"
	"net/mail"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// The reasons an address cannot be used or turned into an API-user alias.
var (
	ErrInvalidEmail  = errors.New("not a valid email address")
	ErrNonASCIILocal = errors.New("the part before the @ has characters Shiprocket may not accept")
	ErrAliasTooLong  = errors.New("the address is too long to add +api")
)

// Limits from RFC 5321: 64 octets before the @, 254 for the whole address as used in SMTP.
const (
	maxLocalLen   = 64
	maxAddressLen = 254
	aliasTag      = "+api"
)

// NormalizeEmail turns what a person typed into one plain address: surrounding spaces and a
// display name ("Shop <a@b.com>") are dropped, the whole address is lower-cased, and an
// international domain is written in its ASCII (punycode) form, which is how mail systems and
// Shiprocket's form compare it. It fails for anything that is not a single address.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || !utf8.ValidString(s) {
		return "", ErrInvalidEmail
	}

	addr, err := mail.ParseAddress(s)
	if err != nil {
		return "", ErrInvalidEmail
	}

	at := strings.LastIndexByte(addr.Address, '@')
	if at <= 0 || at == len(addr.Address)-1 {
		return "", ErrInvalidEmail
	}
	local, domain := addr.Address[:at], addr.Address[at+1:]

	for _, r := range local {
		if r > 127 {
			return "", ErrNonASCIILocal
		}
	}
	if !plainLocal(local) {
		// Quoted local parts ("a b"@x.com) are legal but no seller has one, and Shiprocket's
		// form is unlikely to take them; refusing is clearer than a surprise later.
		return "", ErrInvalidEmail
	}

	ascii, err := idna.Lookup.ToASCII(strings.ToLower(domain))
	if err != nil || !strings.Contains(ascii, ".") {
		return "", ErrInvalidEmail
	}

	out := strings.ToLower(local) + "@" + ascii
	if len(local) > maxLocalLen || len(out) > maxAddressLen {
		return "", ErrInvalidEmail
	}
	return out, nil
}

// APIUserEmail computes the address a seller should give the new API user: the login address with
// "+api" added at the end of the part before the @ (abc@gmail.com becomes abc+api@gmail.com).
// An existing plus tag is kept and "+api" follows it (abc+shop@x.com becomes abc+shop+api@x.com), so
// the result always differs from the login address and still reaches the same inbox with
// providers that support plus addressing.
func APIUserEmail(login string) (string, error) {
	addr, err := NormalizeEmail(login)
	if err != nil {
		return "", err
	}

	at := strings.LastIndexByte(addr, '@')
	local, domain := addr[:at], addr[at+1:]
	alias := local + aliasTag + "@" + domain

	if len(local)+len(aliasTag) > maxLocalLen || len(alias) > maxAddressLen {
		return "", ErrAliasTooLong
	}
	return alias, nil
}

// SameAddress reports whether two typed addresses name the same mailbox as Shiprocket compares
// them (after NormalizeEmail). Invalid addresses are never the same.
func SameAddress(a, b string) bool {
	na, errA := NormalizeEmail(a)
	nb, errB := NormalizeEmail(b)
	return errA == nil && errB == nil && na == nb
}

// plainLocal reports whether the part before the @ is a plain dot-atom: letters, digits and
// !#$%&'*+/=?^_`{|}~- in dot-separated runs, with no leading, trailing or double dot.
func plainLocal(local string) bool {
	for _, part := range strings.Split(local, ".") {
		if part == "" {
			return false
		}
		for _, r := range part {
			ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
				strings.ContainsRune("!#$%&'*+/=?^_`{|}~-", r)
			if !ok {
				return false
			}
		}
	}
	return true
}
