package cli

import (
	"context"
	"fmt"
	"os"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/goccy/go-yaml"

	"qloop/internal/auth"
	"qloop/internal/qa"
	"qloop/internal/sample"
	"qloop/internal/store"
	"qloop/internal/workflow"
	"qloop/internal/yamldoc"
)

func runSample(ctx context.Context, env *Env, args []string) int {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "plan":
		return samplePlan(ctx, env, args)
	case "list":
		return sampleList(ctx, env, args)
	case "run":
		return sampleRun(ctx, env, args)
	case "size":
		return sampleSize(env, args)
	}
	fmt.Fprintln(env.Stderr, `Usage: qloop sample plan FILE.yaml...        create or replace sampling plans (抽样计划)
       qloop sample list                    every plan with its last run
       qloop sample run NAME [--seed N]     draw the sample and create review tasks
       qloop sample size [--population N] [--confidence 0.95] [--margin 0.05] [--p 0.5]`)
	return ExitUsage
}

// cst is the contact centre's clock for the times a command prints.
var cst = time.FixedZone("CST", 8*3600)

// actor is who a batch command acts as: an existing account (--as), else the operator at the
// console, recorded as cli:OS-USER in the audit trail (store.CLIActor).
func actor(ctx context.Context, st *store.Store, as string) (*auth.User, error) {
	if as == "" {
		u := store.CLIActor(os.Getenv)
		u.Role = auth.RoleSupervisor
		return u, nil
	}
	u, err := st.UserByUsername(ctx, as)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, qa.NewError(qa.EForbidden, fmt.Sprintf("account %q is disabled", as))
	}
	return u, nil
}

// readPlan reads a plan from YAML, with the file, line and column of a mistake.
func readPlan(file string) (sample.Plan, error) {
	var p sample.Plan
	src, err := yamldoc.ReadFile(file)
	if err == nil {
		_, err = yamldoc.Decode(src, &p)
	}
	if le, ok := yamldoc.IsLimit(err); ok && le.Line > 0 {
		return p, fmt.Errorf("%s:%d: %s", file, le.Line, le.Reason)
	} else if err != nil {
		return p, fmt.Errorf("%s: %s", file, yaml.FormatError(err, false, false))
	}
	if err := p.Validate(); err != nil {
		return p, fmt.Errorf("%s: %w", file, err)
	}
	return p, nil
}

func samplePlan(ctx context.Context, env *Env, args []string) int {
	fs, db := newFlags(env, "sample plan", "FILE.yaml...")
	as := fs.String("as", "", "act as this account (recorded in the audit trail; default: cli)")
	files, ok := parse(fs, args)
	if !ok || len(files) == 0 {
		fs.Usage()
		return ExitUsage
	}
	st, ok := openStore(ctx, env, *db)
	if !ok {
		return ExitError
	}
	defer st.Close()
	u, err := actor(ctx, st, *as)
	if err != nil {
		return fail(env, err)
	}
	flow := &workflow.Service{Store: st, Log: env.Log}
	code := ExitOK
	for _, f := range files {
		p, err := readPlan(f)
		if err != nil {
			code = fail(env, err)
			continue
		}
		sp, created, err := flow.SavePlan(ctx, u, p)
		if err != nil {
			code = fail(env, fmt.Errorf("%s: %w", f, err))
			continue
		}
		verb := "replaced"
		if created {
			verb = "created"
		}
		fmt.Fprintf(env.Stdout, "%s: plan %q %s (id %d)\n", f, sp.Plan.Name, verb, sp.ID)
	}
	return code
}

func sampleList(ctx context.Context, env *Env, args []string) int {
	fs, db := newFlags(env, "sample list", "")
	if _, ok := parse(fs, args); !ok {
		return ExitUsage
	}
	st, ok := openStore(ctx, env, *db)
	if !ok {
		return ExitError
	}
	defer st.Close()
	plans, err := st.Plans(ctx)
	if err != nil {
		return fail(env, err)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tTITLE\tRATE\tSTRATA\tLAST RUN\tDRAWN")
	for _, p := range plans {
		runs, err := st.Runs(ctx, p.ID)
		if err != nil {
			return fail(env, err)
		}
		last, drawn := "-", "-"
		if len(runs) > 0 {
			last = runs[0].RanAt.In(cst).Format("2006-01-02 15:04")
			drawn = fmt.Sprintf("%d/%d", len(runs[0].Result.Draws), runs[0].Result.Population)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%.1f%%\t%v\t%s\t%s\n", p.ID, p.Plan.Name, p.Plan.Title, 100*p.Plan.Rate, p.Plan.StrataBy, last, drawn)
	}
	tw.Flush()
	return ExitOK
}

func sampleRun(ctx context.Context, env *Env, args []string) int {
	fs, db := newFlags(env, "sample run", "NAME")
	seed := fs.Int64("seed", 0, "random seed; the same seed over the same records draws the same sample (0 = from the clock)")
	as := fs.String("as", "", "act as this account (recorded in the audit trail; default: cli)")
	rest, ok := parse(fs, args)
	if !ok || len(rest) != 1 {
		fs.Usage()
		return ExitUsage
	}
	st, ok := openStore(ctx, env, *db)
	if !ok {
		return ExitError
	}
	defer st.Close()
	u, err := actor(ctx, st, *as)
	if err != nil {
		return fail(env, err)
	}
	sp, err := st.PlanByName(ctx, rest[0])
	if err != nil {
		return fail(env, err)
	}
	run, err := (&workflow.Service{Store: st, Log: env.Log}).RunPlan(ctx, u, sp.ID, *seed)
	if err != nil {
		return fail(env, err)
	}
	res := run.Result
	fmt.Fprintf(env.Stdout, "plan %q run %d (seed %d): population %d, drawn %d, review tasks %d, unassigned %d, left out as drawn before %d; due %s\n",
		sp.Plan.Name, run.ID, run.Seed, res.Population, len(res.Draws), run.Tasks, res.Unassigned, run.Excluded, run.DueAt.In(cst).Format("2006-01-02 15:04"))
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STRATUM\tPOPULATION\tDRAWN\tFULL\tMIN/AGENT\tRANDOM")
	for _, s := range res.Strata {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\n", s.Stratum, s.Population, s.Drawn, s.Full, s.MinPerAgent, s.Random)
	}
	tw.Flush()
	printCounts(env, "why", res.ByReason)
	printCounts(env, "inspector", res.ByInspector)
	return ExitOK
}

func printCounts(env *Env, what string, m map[string]int) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(env.Stdout, "  %s %-24s %d\n", what, k, m[k])
	}
}

func sampleSize(env *Env, args []string) int {
	fs, _ := newFlags(env, "sample size", "")
	pop := fs.Int("population", 0, "records in the population (0 = very large)")
	conf := fs.Float64("confidence", 0.95, "confidence level, e.g. 0.90, 0.95, 0.99")
	margin := fs.Float64("margin", 0.05, "margin of error, e.g. 0.05 for ±5 %")
	p := fs.Float64("p", 0.5, "expected share of failed records (0.5 when unknown: the largest sample)")
	if _, ok := parse(fs, args); !ok {
		return ExitUsage
	}
	n, err := sample.Size(*pop, *conf, *margin, *p)
	if err != nil {
		fmt.Fprintf(env.Stderr, "qloop: %v\n", err)
		return ExitUsage
	}
	fmt.Fprintf(env.Stdout, "%d records to review (population %d, confidence %.0f%%, margin ±%.1f%%, p %.2f)\n", n, *pop, 100**conf, 100**margin, *p)
	return ExitOK
}
