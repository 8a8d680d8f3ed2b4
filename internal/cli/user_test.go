package cli_test

import (
	"bytes"
	"context"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qloop/internal/auth"
	"qloop/internal/cli"
	"qloop/internal/store"
)

// runIn executes qloop with args and stdin and returns stdout, stderr and the exit status.
func runIn(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(context.Background(), args, &cli.Env{
		Getenv: func(string) string { return "" },
		Stdin:  strings.NewReader(stdin),
		Stdout: &out, Stderr: &errb,
	})
	return out.String(), errb.String(), code
}

func TestUserCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "q.db")
	steps := []struct {
		name    string
		stdin   string
		args    []string
		code    int
		out     []string // substrings of stdout
		errOut  []string // substrings of stderr
		noInOut []string // must not appear in stdout
	}{
		{"add admin", "correct horse\n", []string{"add", "Admin", "--role", "admin", "--name", "系统管理员甲", "--password-stdin"},
			cli.ExitOK, []string{"created user admin", "系统管理员"}, nil, nil},
		{"add agent", "坐席王芳的登录密码\n", []string{"add", "wangfang", "--role", "agent", "--agent-id", "A017", "--team", "一组",
			"--name", "王芳", "--password-stdin"}, cli.ExitOK, []string{"created user wangfang (坐席 agent)"}, nil, nil},
		{"add team lead, flags after the name", "lead pass 1\n", []string{"add", "zhaolei", "--role=team_lead", "--team", "一组",
			"--lang", "en", "--password-stdin"}, cli.ExitOK, []string{"created user zhaolei"}, nil, nil},
		{"agent needs an agent id", "correct horse\n", []string{"add", "li", "--role", "agent", "--password-stdin"},
			cli.ExitError, nil, []string{"--agent-id"}, nil},
		{"team lead needs a team", "correct horse\n", []string{"add", "li", "--role", "team_lead", "--password-stdin"},
			cli.ExitError, nil, []string{"--team"}, nil},
		{"role required", "correct horse\n", []string{"add", "li", "--password-stdin"},
			cli.ExitError, nil, []string{"--role", "inspector 质检员"}, nil},
		{"unknown role", "correct horse\n", []string{"add", "li", "--role", "boss", "--password-stdin"},
			cli.ExitError, nil, []string{"未知角色", "supervisor (质检主管)"}, nil},
		{"unsupported language", "correct horse\n", []string{"add", "li", "--role", "inspector", "--lang", "fr", "--password-stdin"},
			cli.ExitError, nil, []string{"zh-CN, en"}, nil},
		{"username taken", "correct horse\n", []string{"add", "WANGFANG", "--role", "inspector", "--password-stdin"},
			cli.ExitError, nil, []string{"已存在", "taken"}, nil},
		{"empty password", "\n", []string{"add", "li", "--role", "inspector", "--password-stdin"},
			cli.ExitError, nil, []string{"密码为空", "empty"}, nil},
		{"short password", "abc12\n", []string{"add", "li", "--role", "inspector", "--password-stdin"},
			cli.ExitError, nil, []string{"至少 8 个字符", "at least 8"}, nil},
		{"digits only", "12345678\n", []string{"add", "li", "--role", "inspector", "--password-stdin"},
			cli.ExitError, nil, []string{"全是数字", "digits only"}, nil},
		{"no terminal, no --password-stdin", "correct horse\n", []string{"add", "li", "--role", "inspector"},
			cli.ExitError, nil, []string{"--password-stdin"}, nil},
		{"missing username", "", []string{"add", "--role", "inspector"}, cli.ExitUsage, nil, []string{"Usage: qloop user add"}, nil},
		{"unknown subcommand", "", []string{"remove", "li"}, cli.ExitUsage, nil, []string{"qloop user list"}, nil},
		{"list", "", []string{"list"}, cli.ExitOK,
			[]string{"USERNAME", "admin", "wangfang", "王芳", "agent 坐席", "A017", "一组", "team_lead 组长"}, nil, []string{"已停用"}},
		{"disable", "", []string{"disable", "WangFang"}, cli.ExitOK, []string{"user wangfang disabled"}, nil, nil},
		{"list shows disabled", "", []string{"list"}, cli.ExitOK, []string{"已停用 yes"}, nil, nil},
		{"enable", "", []string{"enable", "wangfang"}, cli.ExitOK, []string{"user wangfang enabled"}, nil, nil},
		{"disable unknown user", "", []string{"disable", "nobody"}, cli.ExitError, nil, []string{"nobody"}, nil},
		{"passwd common", "password\n", []string{"passwd", "wangfang", "--password-stdin"}, cli.ExitError, nil,
			[]string{"常见", "commonest"}, nil},
		{"passwd common with digits", "Woaini1314!\n", []string{"passwd", "wangfang", "--password-stdin"}, cli.ExitError, nil,
			[]string{"commonest"}, nil},
		{"passwd with the username", "my wangfang pass\n", []string{"passwd", "wangfang", "--password-stdin"}, cli.ExitError, nil,
			[]string{"username"}, nil},
		{"passwd", "a passphrase of my own\n", []string{"passwd", "wangfang", "--password-stdin"}, cli.ExitOK, []string{"changed"}, nil, nil},
		{"add with a common password", "admin123\n", []string{"add", "li", "--role", "inspector", "--password-stdin"},
			cli.ExitError, nil, []string{"commonest"}, nil},
		{"a second account on an agent id", "correct horse\n", []string{"add", "wangfang2", "--role", "agent", "--agent-id", "A017",
			"--password-stdin"}, cli.ExitError, nil, []string{"A017", "wangfang", "already has"}, nil},
		{"passwd refuses digits", "87654321\n", []string{"passwd", "wangfang", "--password-stdin"}, cli.ExitError, nil,
			[]string{"digits only"}, nil},
		{"passwd unknown user", "correct horse\n", []string{"passwd", "nobody", "--password-stdin"}, cli.ExitError, nil,
			[]string{"nobody"}, nil},
	}
	for _, st := range steps {
		args := append([]string{"user"}, st.args...)
		args = append(args, "--db", db)
		out, errOut, code := runIn(t, st.stdin, args...)
		if code != st.code {
			t.Errorf("%s: exit %d, want %d\nstdout: %s\nstderr: %s", st.name, code, st.code, out, errOut)
			continue
		}
		for _, want := range st.out {
			if !strings.Contains(out, want) {
				t.Errorf("%s: stdout lacks %q:\n%s", st.name, want, out)
			}
		}
		for _, want := range st.errOut {
			if !strings.Contains(errOut, want) {
				t.Errorf("%s: stderr lacks %q:\n%s", st.name, want, errOut)
			}
		}
		for _, not := range st.noInOut {
			if strings.Contains(out, not) {
				t.Errorf("%s: stdout has %q:\n%s", st.name, not, out)
			}
		}
	}

	// What the commands stored, read back through the store.
	ctx := context.Background()
	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	users, err := s.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 3 {
		t.Fatalf("%d users stored, want 3: %+v", len(users), users)
	}
	wang, err := s.UserByUsername(ctx, "wangfang")
	if err != nil {
		t.Fatal(err)
	}
	if wang.Role != auth.RoleAgent || wang.AgentID != "A017" || wang.Team != "一组" || wang.Name != "王芳" || wang.Disabled ||
		wang.Lang != "zh-CN" || !auth.CheckPassword(wang.PasswordHash, "a passphrase of my own") ||
		auth.CheckPassword(wang.PasswordHash, "坐席王芳的登录密码") {
		t.Errorf("wangfang = %+v", wang)
	}
	if lead, _ := s.UserByUsername(ctx, "zhaolei"); lead == nil || lead.Lang != "en" || !auth.CheckPassword(lead.PasswordHash, "lead pass 1") {
		t.Errorf("zhaolei = %+v", lead)
	}
}

func TestUserPasswdEndsSessionsAndTokens(t *testing.T) {
	db := filepath.Join(t.TempDir(), "q.db")
	if _, errOut, code := runIn(t, "correct horse\n", "user", "add", "zhang", "--role", "inspector", "--password-stdin", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	ctx := context.Background()
	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.UserByUsername(ctx, "zhang")
	if err != nil {
		t.Fatal(err)
	}
	_, h1 := auth.NewToken()
	_, h2 := auth.NewToken()
	for _, h := range []string{h1, h2} {
		if err := s.CreateSession(ctx, u.ID, h, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	tok, tokHash := auth.NewAPIToken()
	if _, err := s.CreateAPIToken(ctx, u.ID, "脚本", tokHash); err != nil {
		t.Fatal(err)
	}
	s.Close()
	out, errOut, code := runIn(t, "new secret 2\r\n", "user", "passwd", "zhang", "--password-stdin", "--db", db)
	if code != 0 || !strings.Contains(out, "2 session(s) ended, 1 API token(s) revoked") {
		t.Fatalf("passwd: exit %d\n%s%s", code, out, errOut)
	}
	s, err = store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.SessionUser(ctx, h1, time.Now()); err == nil {
		t.Error("session survived the password change")
	}
	if _, err := s.APITokenUser(ctx, auth.HashToken(tok)); err == nil {
		t.Error("API token survived the password change")
	}
	if u, _ := s.UserByUsername(ctx, "zhang"); !auth.CheckPassword(u.PasswordHash, "new secret 2") {
		t.Error("new password (sent with CRLF) does not check")
	}
}

// TestCLIAudit: account, scorecard and import commands are audited as cli:OS-USER, with the state
// before and after.
func TestCLIAudit(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	osUser, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	actor := "cli:" + osUser.Username
	sc := write(t, dir, "audit.yaml", `name: cli_audit
title: 命令行审计
pass_score: 60
applies_to: {channels: [email]}
dimensions:
  - id: norms
    name: 服务规范
    weight: 1
    items:
      - id: opening
        name: 开场白
        kind: passfail
        check: {type: phrase, position: first, all_of: [[您好]]}
`)
	sc2 := write(t, dir, "audit2.yaml", strings.Replace(string(must(os.ReadFile(sc))), "命令行审计", "命令行审计 v2", 1))
	recs := write(t, dir, "calls.jsonl", goodCall+"\n{broken\n")
	cmds := []struct {
		stdin string
		args  []string
	}{
		{"correct horse\n", []string{"user", "add", "zhang", "--role", "inspector", "--password-stdin"}},
		{"new secret 2\n", []string{"user", "passwd", "zhang", "--password-stdin"}},
		{"", []string{"user", "disable", "zhang"}},
		{"", []string{"user", "enable", "zhang"}},
		{"", []string{"scorecard", "import", "--activate", sc}},
		{"", []string{"scorecard", "import", sc2}},
		{"", []string{"scorecard", "activate", "cli_audit", "--version", "2"}},
		{"", []string{"import", recs}},
	}
	for _, c := range cmds {
		if out, errOut, code := runIn(t, c.stdin, append(c.args, "--db", db)...); code != cli.ExitOK && code != cli.ExitRejected {
			t.Fatalf("%v: exit %d\n%s%s", c.args, code, out, errOut)
		}
	}
	ctx := context.Background()
	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	lines, err := s.AuditLog(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	type line struct{ actor, action, before, after string }
	want := []line{
		{actor, "records.import", "", `"rejected":1`},
		{actor, "scorecard.activate", `"active_version":1`, `"active_version":2`},
		{actor, "scorecard.import", "", `"version":2`},
		{actor, "scorecard.activate", `"active_version":0`, `"active_version":1`},
		{actor, "scorecard.import", "", `"name":"cli_audit"`},
		{actor, "user.enable", `"disabled":true`, `"disabled":false`},
		{actor, "user.disable", `"disabled":false`, `"disabled":true`},
		{actor, "user.passwd", "", `"password":"changed"`},
		{actor, "user.create", "", `"role":"inspector"`},
	}
	var got []line
	for _, e := range lines {
		if e.Actor != "system" { // the shipped scorecards installed on first import
			got = append(got, line{e.Actor, e.Action, e.Before, e.After})
		}
	}
	if len(got) != len(want) {
		t.Fatalf("audit lines = %+v, want %d", got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.actor != w.actor || g.action != w.action || !strings.Contains(g.before, w.before) || !strings.Contains(g.after, w.after) ||
			(w.before == "") != (g.before == "") {
			t.Errorf("audit line %d = %+v, want %+v", i, g, w)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
