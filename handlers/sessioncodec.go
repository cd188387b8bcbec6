package handlers

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

// sessionCodec writes session values in a compact form of our own instead of gob. Decoding a gob
// cookie built a decoder and compiled the map's type on every request: a seventh of a wizard
// page's CPU time (docs/benchmark.md). Sessions hold only string keys with int64 or string
// values, which this format covers; any other value fails to save, so it cannot pass unnoticed.
//
// The bytes are those inside the cookie's encryption and MAC, which securecookie checks before
// they reach Deserialize. Cookies written with gob before this format are still read.
type sessionCodec struct{}

// codecVersion starts every value written by sessionCodec, followed by the number of values and
// then each one: its key, a type tag and the value. A gob stream starts with the length
// of its first message, a type definition longer than one byte, so it never starts with 1.
const codecVersion = 1

// The type tags of values.
const (
	tagInt    = 'i'
	tagString = 's'
)

// useSessionCodec makes every codec of store write with sessionCodec.
func useSessionCodec(store *sessions.CookieStore) {
	for _, c := range store.Codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.SetSerializer(sessionCodec{})
		}
	}
}

// Serialize encodes a session's values.
func (sessionCodec) Serialize(src any) ([]byte, error) {
	values, ok := src.(map[any]any)
	if !ok {
		return nil, fmt.Errorf("session codec: cannot encode %T", src)
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		s, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("session codec: key of type %T", k)
		}
		keys = append(keys, s)
	}
	slices.Sort(keys)

	out := binary.AppendUvarint([]byte{codecVersion}, uint64(len(keys)))
	for _, k := range keys {
		out = binary.AppendUvarint(out, uint64(len(k)))
		out = append(out, k...)
		switch v := values[k].(type) {
		case int64:
			out = append(out, tagInt)
			out = binary.AppendVarint(out, v)
		case string:
			out = append(out, tagString)
			out = binary.AppendUvarint(out, uint64(len(v)))
			out = append(out, v...)
		default:
			return nil, fmt.Errorf("session codec: value of %q has type %T", k, v)
		}
	}
	return out, nil
}

var errBadSession = errors.New("session codec: malformed value")

// Deserialize decodes what Serialize wrote, or a cookie written with gob.
func (sessionCodec) Deserialize(src []byte, dst any) error {
	values, ok := dst.(*map[any]any)
	if !ok {
		return fmt.Errorf("session codec: cannot decode into %T", dst)
	}
	if len(src) == 0 || src[0] != codecVersion {
		return securecookie.GobEncoder{}.Deserialize(src, dst)
	}

	count, w := binary.Uvarint(src[1:])
	if w <= 0 || count > uint64(len(src)) {
		return errBadSession
	}
	m := make(map[any]any, count)
	rest := src[1+w:]
	str := func() (string, bool) {
		n, w := binary.Uvarint(rest)
		if w <= 0 || n > uint64(len(rest)-w) {
			return "", false
		}
		s := string(rest[w : w+int(n)])
		rest = rest[w+int(n):]
		return s, true
	}
	for range count {
		k, ok := str()
		if !ok || len(rest) == 0 {
			return errBadSession
		}
		tag := rest[0]
		rest = rest[1:]
		switch tag {
		case tagInt:
			v, w := binary.Varint(rest)
			if w <= 0 {
				return errBadSession
			}
			rest = rest[w:]
			m[k] = v
		case tagString:
			v, ok := str()
			if !ok {
				return errBadSession
			}
			m[k] = v
		default:
			return errBadSession
		}
	}
	if len(rest) > 0 || len(m) != int(count) {
		return errBadSession
	}
	*values = m
	return nil
}
