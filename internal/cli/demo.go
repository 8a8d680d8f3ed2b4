package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
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
	if _, ok := parse(fs, args); !ok {
		return ExitUsage
	}
	if *out != "" {
		return writeDemo(env, *out, demo.Options{Seed: *seed, Records: *records})
	}
	start := time.Now()
	st, ok := openStore(ctx, env, *db)
	if !ok {
		return ExitError
	}
	defer st.Close()
	opt := demo.Options{Seed: *seed, Records: *records}
	fmt.Fprintf(env.Stderr, "生成演示数据 generating %d demo records (calls, chats, tickets; %d agents; 3 months)…\n", *records, len(demo.Agents(opt)))
	res, err := importDemo(ctx, st, opt)
	if err != nil {
		return fail(env, err)
	}
	fmt.Fprintf(env.Stderr, "导入 imported: %d new, %d updated, %d unchanged\n", res.Inserted, res.Updated, res.Unchanged)
	if code := inspectStored(ctx, env, st, false); code != ExitOK {
		return code
	}
	fmt.Fprintf(env.Stdout, "\n演示数据已就绪 demo data ready in %s (%.1fs).\n", *db, time.Since(start).Seconds())
	fmt.Fprintf(env.Stdout, `接下来 next:
  qloop stats --db %[1]s                     统计与最常见的失分项 counts, pass rate, top failed items
  qloop show --db %[1]s c-20260801-0001      查看一通电话及其质检结果 one call with its findings
  qloop scorecard show callcenter --db %[1]s 查看呼叫中心质检标准 the call-centre scorecard
  qloop inspect --file FILE --scorecard callcenter --json   在不入库的情况下试用质检标准 try a scorecard on a file
`, *db)
	if *noServe {
		return ExitOK
	}
	if err := demoAccounts(ctx, env, st, opt); err != nil {
		return fail(env, err)
	}
	if err := demoWorkflow(ctx, env, st); err != nil {
		return fail(env, err)
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
		{"zuzhang", "demo-zuzhang", "组长 " + first.Team, auth.RoleTeamLead, "", first.Team},
		{"zuoxi", "demo-zuoxi", first.Name, auth.RoleAgent, first.ID, first.Team},
		{"yunying", "demo-yunying", "运营经理 赵强", auth.RoleOps, "", ""},
		{"yewu", "demo-yewu", "业务部门 孙丽", auth.RoleBusiness, "", ""},
		{"jishu", "demo-jishu", "技术主管 周涛", auth.RoleTech, "", ""},
	}
	fmt.Fprintln(env.Stdout, "\n演示账号 demo log-ins (用户名 / 密码):")
	for _, a := range accounts {
		if _, err := st.UserByUsername(ctx, a.user); err != nil {
			if qa.ErrorCode(err) != qa.ENotFound {
				return err
			}
			hash, err := auth.HashPassword(a.password)
			if err != nil {
				return err
			}
			u := &auth.User{Username: a.user, Name: a.name, Role: a.role, AgentID: a.agentID, Team: a.team, Lang: "zh-CN",
				CreatedAt: env.Now(), PasswordHash: hash}
			if err := st.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		fmt.Fprintf(env.Stdout, "  %-8s / %-13s %s\n", a.user, a.password, auth.RoleNames[a.role])
	}
	return nil
}

// demoWorkflow gives the console something to review: the shipped knowledge base and a monthly
// sampling plan, run once, whose tasks wait in the inspectors' queues. Run again, it adds nothing.
func demoWorkflow(ctx context.Context, env *Env, st *store.Store) error {
	sup, err := st.UserByUsername(ctx, "zhuguan")
	if err != nil {
		return err
	}
	flow := &workflow.Service{Store: st, Log: env.Log}
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
