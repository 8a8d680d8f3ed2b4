package auth_test

import (
	"strings"
	"testing"

	"qloop/internal/auth"
	"qloop/internal/qa"
)

// fast keeps tests quick; the format and checks are the same as with DefaultParams.
var fast = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		name, pw string
		wantErr  string // substring of the message, "" for valid
	}{
		{"ok", "correct horse", ""},
		{"chinese ok", "质检平台登录密码", ""},
		{"digits and letters", "12345678a", ""},
		{"empty", "", "至少 8"},
		{"too short", "abc1234", "at least 8"},
		{"seven chinese", "七个中文字符啊", "至少 8"},
		{"digits only", "1234567890", "全是数字"},
		{"full-width digits only", "１２３４５６７８", "digits only"},
		{"blank", "         ", "blank"},
		{"too long", strings.Repeat("a", 1025), "at most"},
		{"invalid utf-8", "abcdefgh\xff", "UTF-8"},
		{"common: password", "password", "commonest"},
		{"common, any case", "PassWord", "常见"},
		{"common with a short ending", "password123!", "commonest"},
		{"common: admin123", "admin123", "commonest"},
		{"common: qwerty123", "Qwerty123", "commonest"},
		{"common: keyboard walk", "1qaz2wsx", "commonest"},
		{"common: woaini1314", "woaini1314", "commonest"},
		{"common: pinyin name and year", "wangfang1988", "commonest"},
		{"common: full-width", "ｐａｓｓｗｏｒｄ", "commonest"},
		{"common word, long random ending", "dragon83921734", ""},
		{"common word inside a phrase", "my password is long", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := auth.ValidatePassword(tt.pw)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidatePassword(%q) = %v, want nil", tt.pw, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || qa.ErrorCode(err) != qa.EInvalid {
				t.Fatalf("ValidatePassword(%q) = %v, want an invalid error containing %q", tt.pw, err, tt.wantErr)
			}
		})
	}
}

func TestHashAndCheckPassword(t *testing.T) {
	h, err := fast.Hash("质检 secret 1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") || strings.Count(h, "$") != 5 {
		t.Fatalf("hash %q is not a PHC argon2id string", h)
	}
	h2, _ := fast.Hash("质检 secret 1")
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	parts := strings.Split(h, "$")
	tests := []struct {
		name, hash, pw string
		want           bool
	}{
		{"right password", h, "质检 secret 1", true},
		{"second hash", h2, "质检 secret 1", true},
		{"wrong password", h, "质检 secret 2", false},
		{"empty password", h, "", false},
		{"empty hash", "", "质检 secret 1", false},
		{"argon2i", strings.Replace(h, "argon2id", "argon2i", 1), "质检 secret 1", false},
		{"other version", strings.Replace(h, "v=19", "v=16", 1), "质检 secret 1", false},
		{"changed cost", strings.Replace(h, "t=1", "t=2", 1), "质检 secret 1", false},
		{"huge memory", strings.Replace(h, "m=64", "m=99999999", 1), "质检 secret 1", false},
		{"trailing junk in params", strings.Replace(h, "p=1", "p=1x", 1), "质检 secret 1", false},
		{"bad salt", strings.Join([]string{"", parts[1], parts[2], parts[3], "!!", parts[5]}, "$"), "质检 secret 1", false},
		{"short key", strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], "AAAA"}, "$"), "质检 secret 1", false},
		{"bcrypt", "$2a$10$abcdefghijklmnopqrstuu", "质检 secret 1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := auth.CheckPassword(tt.hash, tt.pw); got != tt.want {
				t.Errorf("CheckPassword(%q, %q) = %v, want %v", tt.hash, tt.pw, got, tt.want)
			}
		})
	}
}

func TestHashPasswordDefault(t *testing.T) {
	h, err := auth.HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=47104,t=1,p=1$") || !auth.CheckPassword(h, "correct horse") {
		t.Errorf("HashPassword = %q", h)
	}
	if auth.DefaultParams.NeedsRehash(h) {
		t.Error("NeedsRehash of a default hash = true")
	}
	weak, _ := fast.Hash("correct horse")
	if !auth.DefaultParams.NeedsRehash(weak) || !auth.DefaultParams.NeedsRehash("garbage") {
		t.Error("NeedsRehash of a weak or malformed hash = false")
	}
}

func TestParamsHashRejectsBadParams(t *testing.T) {
	for _, p := range []auth.Params{{}, {Memory: 64, Time: 1, Threads: 1, SaltLen: 4, KeyLen: 32}} {
		if _, err := p.Hash("correct horse"); err == nil {
			t.Errorf("Params%+v.Hash: no error", p)
		}
	}
}

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		plain, hash := auth.NewToken()
		if len(plain) != 43 || strings.ContainsAny(plain, "+/=") {
			t.Fatalf("token %q is not 32 bytes of unpadded base64url", plain)
		}
		if len(hash) != 64 || hash != auth.HashToken(plain) || hash == plain {
			t.Fatalf("hash %q of %q", hash, plain)
		}
		if seen[plain] {
			t.Fatalf("token %q repeated", plain)
		}
		seen[plain] = true
		if auth.IsAPIToken(plain) && !strings.HasPrefix(plain, "qlp_") {
			t.Fatalf("session id %q looks like an API token", plain)
		}
	}
	plain, hash := auth.NewAPIToken()
	if !strings.HasPrefix(plain, "qlp_") || len(plain) != 47 || !auth.IsAPIToken(plain) || hash != auth.HashToken(plain) {
		t.Errorf("NewAPIToken = %q, %q", plain, hash)
	}
}

func TestCheckLogin(t *testing.T) {
	h, _ := fast.Hash("correct horse")
	tests := []struct {
		name string
		u    *auth.User
		pw   string
		want bool
	}{
		{"right password", &auth.User{PasswordHash: h}, "correct horse", true},
		{"wrong password", &auth.User{PasswordHash: h}, "correct horse!", false},
		{"unknown user", nil, "correct horse", false},
		{"disabled user", &auth.User{PasswordHash: h, Disabled: true}, "correct horse", false},
		{"no password set", &auth.User{}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := auth.CheckLogin(tt.u, tt.pw); got != tt.want {
				t.Errorf("CheckLogin = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestCommonPasswordList: the embedded list holds the favourites the brief names and a few thousand
// more, and nothing in it is accepted by ValidatePassword.
func TestCommonPasswordList(t *testing.T) {
	for _, pw := range []string{"123456", "5201314", "qwerty", "password", "admin123", "iloveyou", "a123456", "woaini1314"} {
		if !auth.IsCommonPassword(pw) {
			t.Errorf("IsCommonPassword(%q) = false", pw)
		}
	}
	if n := auth.CommonPasswords(); n < 2000 {
		t.Errorf("the common-password list has %d entries, want a few thousand", n)
	}
	for _, pw := range []string{"correct horse", "质检平台登录密码", "tiger lily 42"} {
		if auth.IsCommonPassword(pw) {
			t.Errorf("IsCommonPassword(%q) = true", pw)
		}
	}
}

func TestValidateUserPassword(t *testing.T) {
	tests := []struct {
		name, user, pw, wantErr string
	}{
		{"unrelated", "wangfang", "correct horse", ""},
		{"the username itself", "chuanqi7", "chuanqi7", "用户名"},
		{"username inside, other case", "chuanqi7", "ChuanQi7-2026!", "username"},
		{"username reversed", "chuanqi7", "7iqnauhc-2026", "username"},
		{"short usernames are not searched", "li", "li-correct-horse", ""},
		{"the ordinary checks still apply", "chuanqi7", "short", "at least 8"},
		{"common", "chuanqi7", "admin123", "commonest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := auth.ValidateUserPassword(tt.user, tt.pw)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateUserPassword(%q, %q) = %v, want nil", tt.user, tt.pw, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || qa.ErrorCode(err) != qa.EInvalid {
				t.Fatalf("ValidateUserPassword(%q, %q) = %v, want an invalid error containing %q", tt.user, tt.pw, err, tt.wantErr)
			}
		})
	}
}
