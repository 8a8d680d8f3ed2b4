package auth

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"qloop/internal/qa"
)

// Langs are the languages a user may choose; the first is the default.
var Langs = []string{"zh-CN", "en"}

// MaxUsernameLen is the longest username, in characters.
const MaxUsernameLen = 64

// NormalizeUsername returns the stored form of a username: trimmed and lower-case, so that
// "WangFang" and "wangfang" are one account.
func NormalizeUsername(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// Validate normalizes u.Username and u.Lang (empty: zh-CN) and reports the first reason u cannot
// be stored, as a qa.EInvalid error: a bad username, an unknown role or language, an agent without
// an agent id or a team lead without a team.
func (u *User) Validate() error {
	u.Username = NormalizeUsername(u.Username)
	u.Name, u.AgentID, u.Team = strings.TrimSpace(u.Name), strings.TrimSpace(u.AgentID), strings.TrimSpace(u.Team)
	if u.Lang == "" {
		u.Lang = Langs[0]
	}
	switch {
	case u.Username == "":
		return qa.NewError(qa.EInvalid, "用户名不能为空 the username is required")
	case utf8.RuneCountInString(u.Username) > MaxUsernameLen:
		return qa.NewError(qa.EInvalid, fmt.Sprintf("用户名最多 %d 个字符 the username must have at most %d characters",
			MaxUsernameLen, MaxUsernameLen))
	case strings.IndexFunc(u.Username, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0 ||
		!utf8.ValidString(u.Username):
		return qa.NewError(qa.EInvalid, "用户名不能含空格或控制字符 the username must not contain spaces or control characters")
	case !u.Role.Valid():
		return qa.NewError(qa.EInvalid, fmt.Sprintf("未知角色 %q unknown role; one of: %s", u.Role, roleList()))
	case u.Role == RoleAgent && u.AgentID == "":
		return qa.NewError(qa.EInvalid, "坐席必须填写坐席工号 an agent needs an agent id (--agent-id): it selects the records they may see")
	case u.Role == RoleTeamLead && u.Team == "":
		return qa.NewError(qa.EInvalid, "组长必须填写所在班组 a team lead needs a team (--team): it selects the records they may see")
	case !validLang(u.Lang):
		return qa.NewError(qa.EInvalid, fmt.Sprintf("不支持的语言 %q unsupported language; one of: %s", u.Lang,
			strings.Join(Langs, ", ")))
	}
	return nil
}

func validLang(l string) bool {
	for _, x := range Langs {
		if x == l {
			return true
		}
	}
	return false
}

// roleList returns "admin (系统管理员), supervisor (质检主管), …".
func roleList() string {
	s := make([]string, len(Roles))
	for i, r := range Roles {
		s[i] = fmt.Sprintf("%s (%s)", r, RoleNames[r])
	}
	return strings.Join(s, ", ")
}

// APIToken describes a personal API token; the secret itself is never stored.
type APIToken struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	Name      string    `json:"name"` // what the user called it, e.g. "BI export"
	CreatedAt time.Time `json:"created_at"`
	LastUsed  time.Time `json:"last_used,omitzero"`
	Revoked   bool      `json:"revoked"`
}

// Session describes a console log-in; IDHash is auth.HashToken of the cookie value.
type Session struct {
	IDHash    string    `json:"-"`
	UserID    int64     `json:"user_id"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	LastSeen  time.Time `json:"last_seen"`
}
