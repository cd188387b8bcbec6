// Package vault encrypts the secrets the portal must be able to read back (the sellers' Shiprocket
// API passwords) and manages the keys that protect them.
//
// # Keys
//
// A Keyring holds one or more AES-256 keys, each with a short id. The first key is the primary:
// it seals every new value. The others are kept only so that values sealed earlier can still be
// opened. Key bytes are never printed: String, GoString and LogValue show ids only, and no error
// from this package contains key material.
//
// The text form, used for the key file and for an environment variable, is one entry per line
// (or entries separated by commas), primary first:
//
//	# comment lines and blank lines are ignored
//	k20250301-3f9a0c1e:0nq8H1...base64 of 32 random bytes...=
//	k1:Zm9v...an older, decrypt-only key...=
//
// An id is 1 to 32 characters of a-z, 0-9 and '-'. The key is standard or URL-safe base64, with
// or without padding, and must decode to exactly 32 bytes that are not all zero. An entry without
// an id (a bare base64 key, as printed by "openssl rand -base64 32") is accepted and gets the id
// "k1", so that a single hand-made key works; the id is what stored rows refer to, so it must not
// change once values have been sealed with it. GenerateKeyText prints a ready-made entry.
//
// # Sealed layout
//
// Seal returns the id of the key it used, to be stored beside the blob, and the blob itself:
//
//	byte 0       format version, 0x01
//	bytes 1-12   random 96-bit GCM nonce
//	bytes 13-    AES-256-GCM ciphertext, followed by the 16-byte tag
//
// so a blob is always 29 bytes longer than its plaintext. The GCM additional data is the version
// byte, one byte holding the length of the key id, the key id, and then the caller's associated
// data. Binding the version and the key id means a blob cannot be relabelled with another id or
// read as another format. Any other version byte is refused, which leaves room to change the
// cipher later (ASVS 5 11.2.2).
//
// Random nonces are safe for about 2^32 seals under one key (NIST SP 800-38D). The portal seals
// one value per seller submission, far below that; rotating the key resets the count.
//
// # Rotation
//
// Rotation follows the keyset model of Tink and n8n: Rotate puts a fresh key first and keeps the
// old ones as decrypt-only, so every earlier value stays readable. The portal re-seals a value
// with the primary key when it next writes it (or in a batch); once no stored value names an old
// key id, and any session cookies keyed by Derive under it have expired, Retire drops the key.
//
// Derive gives other subsystems (cookie signing and encryption) keys of their own, computed with
// HKDF-SHA256 from each keyring key, so they rotate together with the keyring.
package vault
