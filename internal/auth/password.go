package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"qloop/internal/qa"
)

// Params are argon2id cost parameters. Hashes carry their own, so changing them later only affects
// new hashes; NeedsRehash tells which stored hashes are weaker than the current ones.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultParams follow the first argon2id setting of the OWASP Password Storage Cheat Sheet
// (m=46 MiB, t=1, p=1): about 40 ms a hash on one core, and memory-hard against GPUs.
var DefaultParams = Params{Memory: 46 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// limits bound the parameters CheckPassword accepts from a stored hash, so a tampered row cannot
// make one log-in allocate gigabytes or run for minutes.
const (
	maxMemory  = 1 << 20 // 1 GiB
	maxTime    = 16
	maxKeyLen  = 128
	maxSaltLen = 64
)

// MinPasswordLen is the shortest password ValidatePassword accepts.
const MinPasswordLen = 8

// maxPasswordLen keeps hashing cheap for absurd inputs (argon2 reads the whole password).
const maxPasswordLen = 1024

// ValidatePassword reports why pw may not be used as a password, as a qa.EInvalid error with a
// Chinese and English message, or nil: too short or long, digits or blanks only, or one of the
// commonest passwords (IsCommonPassword). ValidateUserPassword also checks it against the username.
func ValidatePassword(pw string) error {
	switch {
	case !utf8.ValidString(pw):
		return qa.NewError(qa.EInvalid, "密码含有无效字符 the password is not valid UTF-8 text")
	case utf8.RuneCountInString(pw) < MinPasswordLen:
		return qa.NewError(qa.EInvalid, fmt.Sprintf("密码至少 %d 个字符 the password must have at least %d characters",
			MinPasswordLen, MinPasswordLen))
	case len(pw) > maxPasswordLen:
		return qa.NewError(qa.EInvalid, fmt.Sprintf("密码最多 %d 字节 the password must have at most %d bytes",
			maxPasswordLen, maxPasswordLen))
	case strings.TrimFunc(pw, unicode.IsDigit) == "":
		return qa.NewError(qa.EInvalid, "密码不能全是数字 the password must not be digits only")
	case strings.TrimSpace(pw) == "":
		return qa.NewError(qa.EInvalid, "密码不能全是空格 the password must not be blank")
	case IsCommonPassword(pw):
		return qa.NewError(qa.EInvalid, "密码太常见，容易被猜中，请换一个 the password is one of the commonest and easily guessed; "+
			"choose another, e.g. a few unrelated words")
	}
	return nil
}

// HashPassword hashes pw with argon2id and DefaultParams into a PHC string:
// $argon2id$v=19$m=47104,t=1,p=1$SALT$HASH (unpadded standard base64).
func HashPassword(pw string) (string, error) { return DefaultParams.Hash(pw) }

// Hash hashes pw with argon2id and p into a PHC string; see HashPassword.
func (p Params) Hash(pw string) (string, error) {
	if p.Memory == 0 || p.Time == 0 || p.Threads == 0 || p.SaltLen < 8 || p.KeyLen < 16 {
		return "", fmt.Errorf("auth: hash password: bad parameters %+v", p)
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: hash password: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches hash, a PHC string made by HashPassword. The comparison
// takes the same time wherever the keys differ; a malformed hash never matches.
func CheckPassword(hash, pw string) bool {
	p, salt, key, err := parseHash(hash)
	if err != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, key) == 1
}

// dummyHash is checked for unknown or disabled users; made on first use, not at every start.
var dummyHash = sync.OnceValue(func() string {
	h, _ := DefaultParams.Hash("qloop: no such user")
	return h
})

// CheckLogin reports whether pw is u's password and u may sign in. For a nil (unknown), disabled
// or password-less user it still hashes pw, so that response time does not tell whether a
// username exists.
func CheckLogin(u *User, pw string) bool {
	if u == nil || u.Disabled || u.PasswordHash == "" {
		CheckPassword(dummyHash(), pw)
		return false
	}
	return CheckPassword(u.PasswordHash, pw)
}

// NeedsRehash reports whether hash is malformed or was made with weaker parameters than p, so that
// a successful log-in may store a new hash.
func (p Params) NeedsRehash(hash string) bool {
	hp, _, _, err := parseHash(hash)
	return err != nil || hp.Memory < p.Memory || hp.Time < p.Time || hp.KeyLen < p.KeyLen
}

var errBadHash = errors.New("auth: malformed argon2id hash")

// parseHash splits a PHC argon2id string into its parameters, salt and key.
func parseHash(hash string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, errBadHash
	}
	var threads uint32
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &threads); err != nil || n != 3 ||
		parts[2] != fmt.Sprintf("v=%d", v) || parts[3] != fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Time, threads) {
		return p, nil, nil, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return p, nil, nil, errBadHash
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil {
		return p, nil, nil, errBadHash
	}
	if p.Memory < 8 || p.Memory > maxMemory || p.Time < 1 || p.Time > maxTime || threads < 1 || threads > 255 ||
		len(salt) < 8 || len(salt) > maxSaltLen || len(key) < 16 || len(key) > maxKeyLen || p.Memory < 8*threads {
		return p, nil, nil, errBadHash
	}
	p.Threads, p.SaltLen, p.KeyLen = uint8(threads), uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}
