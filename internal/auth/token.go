package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// APITokenPrefix starts every personal API token, so that secret scanners recognise a leaked one.
const APITokenPrefix = "qlp_"

// NewToken returns a new random secret (32 bytes, unpadded base64url) and its hash. Only the hash
// is stored; the plain value is shown once (a session cookie, or a token the user copies).
func NewToken() (plain, hash string) {
	var b [32]byte
	rand.Read(b[:]) // never fails (crypto/rand panics rather than return a short read)
	plain = base64.RawURLEncoding.EncodeToString(b[:])
	return plain, HashToken(plain)
}

// NewAPIToken returns a new personal API token, qlp_ followed by NewToken's secret, and its hash.
func NewAPIToken() (plain, hash string) {
	p, _ := NewToken()
	plain = APITokenPrefix + p
	return plain, HashToken(plain)
}

// HashToken returns the hex SHA-256 of a session id or API token: what the store keeps and looks
// up. A fast hash suffices because the secret has 256 random bits.
func HashToken(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}

// IsAPIToken reports whether s looks like a personal API token (rather than a session id).
func IsAPIToken(s string) bool { return strings.HasPrefix(s, APITokenPrefix) }
