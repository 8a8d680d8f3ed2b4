package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"qloop/internal/auth"
	"qloop/internal/demo"
	"qloop/internal/ingest"
	"qloop/internal/knowledge"
	"qloop/internal/load"
	"qloop/internal/qa"
	"qloop/internal/sample"
	"qloop/internal/store"
	"qloop/internal/workflow"
)

func runDemo(ctx context.Context, env *Env, args []string) int {
	fs, db := newFlags(env, "demo", "")
	if env.Getenv("QLOOP_DB") == "" {
		fs.Lookup("db").DefValue = "qloop-demo.db"
		fs.Set("db", "qloop-demo.db")
	}
	records := fs.Int("records", 6000, "how many records to generate")
	seed := fs.Int64("seed", 1, "random seed: the same seed gives the same data")
	addr := fs.String("addr", "127.0.0.1:8080", "address of the web console")
	noServe := fs.Bool("no-serve", false, "do not start the web console afterwards")
	flow := workflowFlags(fs)
	out := fs.String("out", "", "only write the generated records to this JSON Lines file (no database), e.g. for benchmarks")
	todayFlag := fs.String("today", "", "the demo's last day, YYYY-MM-DD: the data covers the three months up to it (default: today)")
	if _, ok := parse(fs, args); !ok {
		return ExitUsage
	}
	today, err := demoToday(env, *todayFlag)
	if err != nil {
		fmt.Fprintln(env.Stderr, "qloop:", err)
		return ExitUsage
	}
	opt := demo.Options{Seed: *seed, Records: *records, Today: today}
	if *out != "" {
		return writeDemo(env, *out, opt)
	}
	start := time.Now()
	st, ok := createStore(ctx, env, *db)
	if !ok {
		return ExitError
	}
	defer st.Close()
	from, to, err := demo.Span(opt)
	if err != nil {
		return fail(env, err)
	}
	fmt.Fprintf(env.Stderr, "生成演示数据 generating %d demo records (calls, chats, tickets; %d agents; %s – %s)…\n",
		*records, len(demo.Agents(opt)), from.Format(time.DateOnly), to.AddDate(0, 0, -1).Format(time.DateOnly))
	res, err := importDemo(ctx, st, opt)
	if err != nil {
		return fail(env, err)
	}
	fmt.Fprintf(env.Stderr, "导入 imported: %d new, %d updated, %d unchanged\n", res.Inserted, res.Updated, res.Unchanged)
	if code := inspectStored(ctx, env, st, false); code != ExitOK {
		return code
	}
	// The log-ins, the knowledge base, the review story and the sampling plan the README promises,
	// with or without the console.
	if err := demoAccounts(ctx, env, st, opt); err != nil {
		return fail(env, err)
	}
	if err := demoWorkflow(ctx, env, st, opt); err != nil {
		return fail(env, err)
	}
	if err := demoFeedback(ctx, env, st, opt); err != nil {
		return fail(env, err)
	}
	fmt.Fprintf(env.Stdout, "\n演示数据已就绪 demo data ready in %s (%.1fs).\n", *db, time.Since(start).Seconds())
	fmt.Fprintf(env.Stdout, `接下来 next:
  qloop stats --db %[1]s                     统计与最常见的失分项 counts, pass rate, top failed items
  qloop show --db %[1]s %[2]s%[3]s
  qloop scorecard show callcenter --db %[1]s 查看呼叫中心质检标准 the call-centre scorecard
  qloop inspect --file FILE --scorecard callcenter --json   在不入库的情况下试用质检标准 try a scorecard on a file
`, *db, exampleCall(ctx, st), "      查看一通电话及其质检结果 one call with its findings")
	if *noServe {
		return ExitOK
	}
	recDir, err := demoRecordings(ctx, st, *db)
	if err != nil {
		return fail(env, err)
	}
	return serve(ctx, env, st, *addr, recDir, false, flow, limits{})
}

// demoAccount is one log-in the demo creates for a role.
type demoAccount struct {
	user, password, name string
	role                 auth.Role
	agentID, team        string
}

// demoAccounts creates one account per role (once), tied to the generated agents where the role
// needs it, and prints the log-ins.
func demoAccounts(ctx context.Context, env *Env, st *store.Store, opt demo.Options) error {
	agents := demo.Agents(opt)
	first := agents[0]
	accounts := []demoAccount{
		{"admin", "demo-admin", "系统管理员", auth.RoleAdmin, "", ""},
		{"zhuguan", "demo-zhuguan", "质检主管 陈敏", auth.RoleSupervisor, "", ""},
		{"zhijian", "demo-zhijian", "质检员 刘洋", auth.RoleInspector, "", ""},
		{"zhijian2", "demo-zhijian2", "质检员 黄静", auth.RoleInspector, "", ""},
		{"zhijian3", "demo-zhijian3", "质检员 王磊 (新)", auth.RoleInspector, "", ""},
		{"zuzhang", "demo-zuzhang", "组长 " + first.Team, auth.RoleTeamLead, "", first.Team},
		{"zuoxi", "demo-zuoxi", first.Name, auth.RoleAgent, first.ID, first.Team},
		{"yunying", "demo-yunying", "运营经理 赵强", auth.RoleOps, "", ""},
		{"yewu", "demo-yewu", "业务部门 孙丽", auth.RoleBusiness, "", ""},
		{"jishu", "demo-jishu", "技术主管 周涛", auth.RoleTech, "", ""},
	}
	// argon2id is slow by design: the missing accounts' hashes are computed on every core, one a
	// core at a time (each takes 46 MiB).
	hashes := make([]string, len(accounts))
	errs := make([]error, len(accounts))
	var wg sync.WaitGroup
	cores := make(chan struct{}, runtime.NumCPU())
	for i, a := range accounts {
		if _, err := st.UserByUsername(ctx, a.user); err == nil {
			continue
		} else if qa.ErrorCode(err) != qa.ENotFound {
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			cores <- struct{}{}
			defer func() { <-cores }()
			hashes[i], errs[i] = auth.HashPassword(a.password)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, "\n演示账号 demo log-ins (用户名 / 密码):")
	for i, a := range accounts {
		if hashes[i] != "" {
			u := &auth.User{Username: a.user, Name: a.name, Role: a.role, AgentID: a.agentID, Team: a.team, Lang: "zh-CN",
				CreatedAt: env.Now(), PasswordHash: hashes[i]}
			if err := st.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		fmt.Fprintf(env.Stdout, "  %-8s / %-13s %s\n", a.user, a.password, auth.RoleNames[a.role])
	}
	return nil
}

// demoToday is the demo's last day at 00:00 CST: the --today date, or the current date in the
// local zone. The records carry +08:00 like the contact centre they imitate.
func demoToday(env *Env, flag string) (time.Time, error) {
	if flag == "" {
		y, m, d := env.Now().Date()
		return time.Date(y, m, d, 0, 0, 0, 0, cst), nil
	}
	t, err := time.ParseInLocation(time.DateOnly, flag, cst)
	if err != nil {
		return time.Time{}, fmt.Errorf("--today %q is not a date: use YYYY-MM-DD, e.g. 2026-12-04", flag)
	}
	return t, nil
}

// exampleCall is a call for the "next" hint: one with a red line when there is one.
func exampleCall(ctx context.Context, st *store.Store) string {
	for _, f := range []store.RecordFilter{{Channel: qa.ChannelCall, FatalOnly: true, Limit: 1}, {Channel: qa.ChannelCall, Limit: 1}} {
		if page, err := st.Records(ctx, f); err == nil && len(page.Rows) > 0 {
			return page.Rows[0].ID
		}
	}
	return "ID"
}

// demoWorkflow gives the console something to review: the shipped knowledge base; the weeks of
// review work before today (demoStory: red-line reviews and incidents, disputes at each stage,
// slips, calibration sessions); and a monthly sampling plan, run today, whose tasks wait in the
// inspectors' queues. Run again, it adds nothing.
func demoWorkflow(ctx context.Context, env *Env, st *store.Store, opt demo.Options) error {
	sup, err := st.UserByUsername(ctx, "zhuguan")
	if err != nil {
		return err
	}
	flow := &workflow.Service{Store: st, Log: env.Log}
	// Today's steps happen now, or, for a --today that is not the current date, at 09:00 that day.
	clock := st.Now
	defer func() { st.Now = clock }()
	now := env.Now().In(cst)
	if y, m, d := now.Date(); !time.Date(y, m, d, 0, 0, 0, 0, cst).Equal(opt.Today) {
		now = opt.Today.Add(9 * time.Hour)
	}
	st.Now = func() time.Time { return now }
	kb, err := st.Knowledge(ctx)
	if err != nil {
		return err
	}
	if len(kb) == 0 {
		for _, e := range knowledge.Defaults() {
			e.ID = 0 // the store numbers entries
			if err := flow.SaveKnowledge(ctx, sup, &e); err != nil {
				return err
			}
		}
	}
	first := demo.Agents(opt)[0] // zuoxi's agent, of zuzhang's team
	sum, err := demoStory(ctx, env, st, opt.Today, opt.Seed, first.ID, first.Team)
	if err != nil {
		return err
	}
	st.Now = func() time.Time { return now }
	if sum.Reviews > 0 {
		fmt.Fprintf(env.Stdout, "\n近几周的复核工作 the weeks before today: %d 条复核 reviews, %d 条申诉 disputes (各阶段 every stage), %d 张沟通单 slips, %d 起重大事故 major incidents, %d 次校准 calibration sessions\n",
			sum.Reviews, sum.Disputes, sum.Slips, sum.Incidents, sum.Calibrations)
	}
	if _, err := st.PlanByName(ctx, "monthly"); err == nil {
		return nil
	}
	below := 40.0
	sp, _, err := flow.SavePlan(ctx, sup, sample.Plan{Name: "monthly", Title: "月度抽检 (演示)", Rate: 0.01,
		StrataBy: []string{sample.ByAgent, sample.ByChannel}, MinPerAgent: 1,
		Inspectors: []sample.Quota{{Inspector: "zhijian", Quota: 120}, {Inspector: "zhijian2", Quota: 80}},
		Full:       sample.FullRules{ScoreBelow: &below, MinTransfers: 3}})
	if err != nil {
		return err
	}
	run, err := flow.RunPlan(ctx, sup, sp.ID, 1)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "\n抽样计划 monthly: 抽取 %d 条, 生成 %d 条复核任务 drew %d records, %d review tasks for zhijian and zhijian2\n",
		len(run.Result.Draws), run.Tasks, len(run.Result.Draws), run.Tasks)
	return nil
}

// demoRecordings writes synthetic audio for the first calls, beside the database, and returns the
// directory the console resolves recording paths against.
func demoRecordings(ctx context.Context, st *store.Store, db string) (string, error) {
	if strings.Contains(db, "://") {
		return "", nil
	}
	dir := strings.TrimSuffix(db, filepath.Ext(db)) + "-recordings"
	page, err := st.Records(ctx, store.RecordFilter{Channel: qa.ChannelCall, Limit: 10})
	if err != nil {
		return "", err
	}
	for _, row := range page.Rows {
		r, _, err := st.Record(ctx, row.ID)
		if err != nil || r.Recording == "" || strings.Contains(r.Recording, "://") {
			continue
		}
		p := filepath.Join(dir, filepath.Clean("/"+r.Recording))
		if _, err := os.Stat(p); err == nil {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		f, err := os.Create(p)
		if err != nil {
			return "", err
		}
		werr := demo.WriteRecording(f, r)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return "", werr
		}
	}
	return dir, nil
}

// importDemo streams generated records through the same loader as `qloop import`.
func importDemo(ctx context.Context, st *store.Store, opt demo.Options) (store.ImportResult, error) {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(demo.Generate(pw, opt)) }()
	var first *ingest.Reject
	res, err := load.Reader(ctx, st, pr, "demo.jsonl", load.Options{Ingest: ingest.Options{Format: ingest.FormatJSONL},
		Reject: func(r ingest.Reject) {
			if first == nil {
				first = &r
			}
		}})
	pr.Close()
	if err == nil && first != nil {
		err = fmt.Errorf("demo: generated data was rejected (a bug): %s", first)
	}
	return res.ImportResult, err
}

func writeDemo(env *Env, path string, opt demo.Options) int {
	f, err := os.Create(path)
	if err != nil {
		return fail(env, err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := demo.Generate(w, opt); err != nil {
		f.Close()
		return fail(env, err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fail(env, err)
	}
	if err := f.Close(); err != nil {
		return fail(env, err)
	}
	fmt.Fprintf(env.Stdout, "wrote %d records to %s\n", opt.Records, path)
	return ExitOK
}
