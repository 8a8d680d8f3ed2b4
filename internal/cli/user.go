package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"golang.org/x/text/width"

	"qloop/internal/auth"
	"qloop/internal/qa"
	"qloop/internal/store"
)

func runUser(ctx context.Context, env *Env, args []string) int {
	ctx = auth.WithUser(ctx, store.CLIActor(env.Getenv)) // the audit trail's actor
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "add":
		return userAdd(ctx, env, args)
	case "passwd":
		return userPasswd(ctx, env, args)
	case "disable":
		return userSetDisabled(ctx, env, args, true)
	case "enable":
		return userSetDisabled(ctx, env, args, false)
	case "list":
		return userList(ctx, env, args)
	}
	fmt.Fprintln(env.Stderr, `Usage: qloop user add USERNAME --role ROLE [--name N] [--agent-id A] [--team T] [--lang zh-CN|en] [--password-stdin]
       qloop user passwd USERNAME [--password-stdin]   set a new password; ends the user's sessions and API tokens
       qloop user disable USERNAME                    block log-in; ends the user's sessions and API tokens
       qloop user enable USERNAME
       qloop user list
Roles: `+roleHelp()+`
Without --password-stdin the password is asked for on the terminal. Every change is audited as cli:OS-USER.`)
	return ExitUsage
}

func roleHelp() string {
	s := make([]string, len(auth.Roles))
	for i, r := range auth.Roles {
		s[i] = string(r) + " " + auth.RoleNames[r]
	}
	return strings.Join(s, ", ")
}

func userAdd(ctx context.Context, env *Env, args []string) int {
	fs, db := newFlags(env, "user add", "USERNAME")
	role := fs.String("role", "", "role (required): "+roleHelp())
	name := fs.String("name", "", "display name, e.g. 王芳")
	agentID := fs.String("agent-id", "", "agent id of the user's records (required for agent)")
	team := fs.String("team", "", "team (required for team_lead)")
	lang := fs.String("lang", auth.Langs[0], "console language: "+strings.Join(auth.Langs, " or "))
	stdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	pos, ok := parse(fs, args)
	if !ok || len(pos) != 1 {
		fs.Usage()
		return ExitUsage
	}
	u := &auth.User{Username: pos[0], Name: *name, Role: auth.Role(*role), AgentID: *agentID, Team: *team, Lang: *lang}
	if *role == "" {
		return fail(env, qa.NewError(qa.EInvalid, "请用 --role 指定角色 the role is required (--role); one of: "+roleHelp()))
	}
	if err := u.Validate(); err != nil { // before asking for a password that would be wasted
		return fail(env, err)
	}
	st, ok := createStore(ctx, env, *db) // the first account of a new install may come before any import
	if !ok {
		return ExitError
	}
	defer st.Close()
	if _, err := st.UserByUsername(ctx, u.Username); err == nil {
		return fail(env, qa.NewError(qa.EConflict, fmt.Sprintf("用户名 %q 已存在 the username %q is taken", u.Username, u.Username)))
	}
	if err := agentIDFree(ctx, st, u.AgentID); err != nil { // before asking for the password, too
		return fail(env, err)
	}
	hash, err := newPasswordHash(ctx, env, *stdin, u.Username)
	if err != nil {
		return fail(env, err)
	}
	u.PasswordHash = hash
	if err := st.CreateUser(ctx, u); err != nil {
		return fail(env, err)
	}
	fmt.Fprintf(env.Stdout, "已创建用户 created user %s (%s %s)\n", u.Username, auth.RoleNames[u.Role], u.Role)
	return ExitOK
}

func userPasswd(ctx context.Context, env *Env, args []string) int {
	fs, db := newFlags(env, "user passwd", "USERNAME")
	stdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	pos, ok := parse(fs, args)
	if !ok || len(pos) != 1 {
		fs.Usage()
		return ExitUsage
	}
	st, u, ok := openUser(ctx, env, *db, pos[0])
	if !ok {
		return ExitError
	}
	defer st.Close()
	hash, err := newPasswordHash(ctx, env, *stdin, u.Username)
	if err != nil {
		return fail(env, err)
	}
	ended, err := st.ChangePassword(ctx, u.ID, hash)
	if err != nil {
		return fail(env, err)
	}
	fmt.Fprintf(env.Stdout, "已修改 %s 的密码，已退出 %d 个会话、吊销 %d 个 API 令牌 password of %s changed; %d session(s) ended, %d API token(s) revoked\n",
		u.Username, ended.Sessions, ended.Tokens, u.Username, ended.Sessions, ended.Tokens)
	return ExitOK
}

func userSetDisabled(ctx context.Context, env *Env, args []string, disabled bool) int {
	verb := map[bool]string{true: "disable", false: "enable"}[disabled]
	fs, db := newFlags(env, "user "+verb, "USERNAME")
	pos, ok := parse(fs, args)
	if !ok || len(pos) != 1 {
		fs.Usage()
		return ExitUsage
	}
	st, u, ok := openUser(ctx, env, *db, pos[0])
	if !ok {
		return ExitError
	}
	defer st.Close()
	u.Disabled = disabled
	if err := st.UpdateUser(ctx, u); err != nil { // disabling also ends the user's sessions and API tokens
		return fail(env, err)
	}
	if disabled {
		fmt.Fprintf(env.Stdout, "已停用 %s，已退出所有会话并吊销其 API 令牌: user %s disabled, signed out everywhere, API tokens revoked\n",
			u.Username, u.Username)
	} else {
		fmt.Fprintf(env.Stdout, "已启用 %s: user %s enabled (earlier API tokens stay revoked)\n", u.Username, u.Username)
	}
	return ExitOK
}

func userList(ctx context.Context, env *Env, args []string) int {
	fs, db := newFlags(env, "user list", "")
	if _, ok := parse(fs, args); !ok {
		return ExitUsage
	}
	st, ok := openStore(ctx, env, *db)
	if !ok {
		return ExitError
	}
	defer st.Close()
	users, err := st.Users(ctx)
	if err != nil {
		return fail(env, err)
	}
	rows := [][]string{{"USERNAME", "NAME", "ROLE", "AGENT ID", "TEAM", "DISABLED"}}
	for _, u := range users {
		dis := ""
		if u.Disabled {
			dis = "已停用 yes"
		}
		rows = append(rows, []string{u.Username, u.Name, string(u.Role) + " " + auth.RoleNames[u.Role], u.AgentID, u.Team, dis})
	}
	writeTable(env.Stdout, rows)
	return ExitOK
}

// openUser opens the store and finds username, printing the problem when either fails.
func openUser(ctx context.Context, env *Env, dsn, username string) (*store.Store, *auth.User, bool) {
	st, ok := openStore(ctx, env, dsn)
	if !ok {
		return nil, nil, false
	}
	u, err := st.UserByUsername(ctx, username)
	if err != nil {
		st.Close()
		fail(env, err)
		return nil, nil, false
	}
	return st, u, true
}

// agentIDFree refuses a second account on agentID, as CreateUser would, before a password is asked.
func agentIDFree(ctx context.Context, st *store.Store, agentID string) error {
	if agentID == "" {
		return nil
	}
	users, err := st.Users(ctx)
	if err != nil {
		return err
	}
	for _, o := range users {
		if o.AgentID == agentID {
			return qa.NewError(qa.EConflict, fmt.Sprintf("坐席工号 %q 已有账号 %q the agent id %q already has the account %q: "+
				"change or disable that one instead of adding a second", agentID, o.Username, agentID, o.Username))
		}
	}
	return nil
}

// newPasswordHash reads a new password for username, from the first line of env.Stdin with
// --password-stdin or else by prompting twice on a terminal, checks it against the policy
// (auth.ValidateUserPassword) and hashes it.
func newPasswordHash(ctx context.Context, env *Env, fromStdin bool, username string) (string, error) {
	var pw string
	if fromStdin {
		if env.Stdin == nil {
			return "", qa.NewError(qa.EInvalid, "没有标准输入 --password-stdin: standard input is not available")
		}
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", fmt.Errorf("cli: read password: %w", err)
		}
		pw = strings.TrimRight(line, "\r\n")
	} else {
		f, ok := env.Stdin.(*os.File)
		if !ok || !isTerminal(f) { // isTerminal is in progress.go
			return "", qa.NewError(qa.EInvalid, "标准输入不是终端: 请用 --password-stdin 传入密码 "+
				"standard input is not a terminal: pass the password on it with --password-stdin")
		}
		r := bufio.NewReader(f)
		var err error
		if pw, err = prompt(ctx, env, f, r, "新密码 New password: "); err != nil {
			return "", err
		}
		if err := auth.ValidateUserPassword(username, pw); err != nil {
			return "", err
		}
		again, err := prompt(ctx, env, f, r, "再输入一次 Repeat it: ")
		if err != nil {
			return "", err
		}
		if again != pw {
			return "", qa.NewError(qa.EInvalid, "两次输入的密码不一致 the passwords do not match")
		}
	}
	if pw == "" {
		return "", qa.NewError(qa.EInvalid, "密码为空 the password is empty")
	}
	if err := auth.ValidateUserPassword(username, pw); err != nil {
		return "", err
	}
	return auth.HashPassword(pw)
}

// prompt asks for a line on terminal f without echoing it (via stty, where there is one). Ctrl-C
// cancels ctx rather than killing qloop, so the read is abandoned and echo restored then too.
func prompt(ctx context.Context, env *Env, f *os.File, r *bufio.Reader, label string) (string, error) {
	fmt.Fprint(env.Stderr, label)
	if stty(f, "-echo") == nil {
		defer func() {
			stty(f, "echo")
			fmt.Fprintln(env.Stderr)
		}()
	}
	type result struct {
		line string
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		line, err := r.ReadString('\n')
		ch <- result{line, err}
	}()
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case res := <-ch:
		if res.err != nil && res.err != io.EOF {
			return "", fmt.Errorf("cli: read password: %w", res.err)
		}
		return strings.TrimRight(res.line, "\r\n"), nil
	}
}

func stty(f *os.File, arg string) error {
	cmd := exec.Command("stty", arg)
	cmd.Stdin = f
	return cmd.Run()
}

// writeTable prints rows in columns padded by display width, so that Chinese (two columns wide
// on a terminal) lines up, which text/tabwriter does not do.
func writeTable(w io.Writer, rows [][]string) {
	widths := map[int]int{}
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var b strings.Builder
	for _, row := range rows {
		b.Reset()
		for i, c := range row {
			b.WriteString(c)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
