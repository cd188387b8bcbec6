package handlers

// SessionCodec is the portal's session value format, for tests that craft or read cookies as
// the cookie store would.
type SessionCodec = sessionCodec
