package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"qloop/internal/auth"
	"qloop/internal/qa"
	"qloop/internal/scorecard"
	"qloop/internal/store"
	"qloop/internal/yamldoc"
)

func runScorecard(ctx context.Context, env *Env, args []string) int {
	ctx = auth.WithUser(ctx, store.CLIActor(env.Getenv)) // the audit trail's actor
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "validate":
		return scorecardValidate(env, args)
	case "import":
		return scorecardImport(ctx, env, args)
	case "list":
		return scorecardList(ctx, env, args)
	case "show":
		return scorecardShow(ctx, env, args)
	case "activate":
		return scorecardActivate(ctx, env, args)
	case "phrases":
		return scorecardPhrases(env, args)
	}
	fmt.Fprintln(env.Stderr, `Usage: qloop scorecard validate FILE...        check scorecard files, listing every mistake with its line
       qloop scorecard import [--activate] FILE...  store a new version of each scorecard
       qloop scorecard list                     every scorecard and version, * = active
       qloop scorecard show NAME [--version N] [--yaml]
       qloop scorecard activate NAME [--version N]  make a version the one new inspections use
       qloop scorecard phrases [NAME|FILE...]   every phrase the checks look for, one per line`)
	return ExitUsage
}

func readScorecard(file string) (*qa.Scorecard, []byte, error) {
	src, err := yamldoc.ReadFile(file)
	if le, ok := yamldoc.IsLimit(err); ok {
		return nil, nil, scorecard.Problems{{File: file, Message: le.Reason}}
	} else if err != nil {
		return nil, nil, err
	}
	sc, err := scorecard.Parse(src, file)
	return sc, src, err
}

func scorecardValidate(env *Env, args []string) int {
	fs, _ := newFlags(env, "scorecard validate", "FILE...")
	files, ok := parse(fs, args)
	if !ok || len(files) == 0 {
		fs.Usage()
		return ExitUsage
	}
	code := ExitOK
	for _, f := range files {
		sc, _, err := readScorecard(f)
		if err != nil {
			code = fail(env, err)
			continue
		}
		n := 0
		for _, d := range sc.Dimensions {
			n += len(d.Items)
		}
		fmt.Fprintf(env.Stdout, "%s: OK — %s (%s), %d dimensions, %d items\n", f, sc.Name, sc.Title, len(sc.Dimensions), n)
	}
	return code
}

func scorecardImport(ctx context.Context, env *Env, args []string) int {
	fs, db := newFlags(env, "scorecard import", "FILE...")
	activate := fs.Bool("activate", false, "also activate the imported version")
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
	for _, f := range files {
		sc, src, err := readScorecard(f)
		if err != nil {
			return fail(env, err)
		}
		v, created, err := st.SaveScorecardAudited(ctx, sc, src)
		if err != nil {
			return fail(env, err)
		}
		if created {
			fmt.Fprintf(env.Stdout, "%s: stored as %s v%d\n", f, sc.Name, v)
		} else {
			fmt.Fprintf(env.Stdout, "%s: unchanged, same as %s v%d\n", f, sc.Name, v)
		}
		if *activate {
			if err := st.ActivateScorecardAudited(ctx, sc.Name, v); err != nil {
				return fail(env, err)
			}
			fmt.Fprintf(env.Stdout, "%s v%d is active\n", sc.Name, v)
		}
	}
	return ExitOK
}

func scorecardList(ctx context.Context, env *Env, args []string) int {
	fs, db := newFlags(env, "scorecard list", "")
	if _, ok := parse(fs, args); !ok {
		return ExitUsage
	}
	st, ok := openStore(ctx, env, *db)
	if !ok {
		return ExitError
	}
	defer st.Close()
	if err := ensureDefaults(ctx, st); err != nil {
		return fail(env, err)
	}
	list, err := st.Scorecards(ctx)
	if err != nil {
		return fail(env, err)
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].Name != list[j].Name {
			return list[i].Name < list[j].Name
		}
		return list[i].Version < list[j].Version
	})
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tVERSION\tACTIVE\tTITLE\tCREATED")
	for _, s := range list {
		act := ""
		if s.Active {
			act = "*"
		}
		fmt.Fprintf(tw, "%s\tv%d\t%s\t%s\t%s\n", s.Name, s.Version, act, s.Title, s.CreatedAt.Format("2006-01-02 15:04"))
	}
	tw.Flush()
	return ExitOK
}

func scorecardShow(ctx context.Context, env *Env, args []string) int {
	fs, db := newFlags(env, "scorecard show", "NAME")
	version := fs.Int("version", 0, "version to show (default: the active one)")
	raw := fs.Bool("yaml", false, "print the YAML source as imported")
	pos, ok := parse(fs, args)
	if !ok || len(pos) != 1 {
		fs.Usage()
		return ExitUsage
	}
	st, ok := openStore(ctx, env, *db)
	if !ok {
		return ExitError
	}
	defer st.Close()
	if err := ensureDefaults(ctx, st); err != nil {
		return fail(env, err)
	}
	sc, src, active, err := st.Scorecard(ctx, pos[0], *version)
	if err != nil {
		return fail(env, err)
	}
	if *raw {
		env.Stdout.Write(src)
		return ExitOK
	}
	state := "inactive"
	if active {
		state = "active"
	}
	fmt.Fprintf(env.Stdout, "%s v%d (%s) — %s\n", sc.Name, sc.Version, state, sc.Title)
	if sc.Source != "" {
		fmt.Fprintf(env.Stdout, "来源 source: %s\n", sc.Source)
	}
	scope := []string{}
	if len(sc.AppliesTo.Channels) > 0 {
		scope = append(scope, "channels "+strings.Join(sc.AppliesTo.Channels, ","))
	}
	if len(sc.AppliesTo.BusinessTypes) > 0 {
		scope = append(scope, "business types "+strings.Join(sc.AppliesTo.BusinessTypes, ","))
	}
	if len(sc.AppliesTo.Tags) > 0 {
		scope = append(scope, "tags "+strings.Join(sc.AppliesTo.Tags, ","))
	}
	if len(scope) == 0 {
		scope = append(scope, "all records")
	}
	fmt.Fprintf(env.Stdout, "适用 applies to: %s; 及格 pass score: %.0f\n\n", strings.Join(scope, "; "), sc.PassScore)
	for _, d := range sc.Dimensions {
		fmt.Fprintf(env.Stdout, "%s %s (weight %g)\n", d.ID, d.Name, d.Weight)
		for _, it := range d.Items {
			check := "人工 manual"
			if it.Check != nil {
				check = it.Check.Type
			}
			flags := it.Kind
			if it.Fatal {
				flags += ", 红线 fatal"
			}
			if it.Severity != "" {
				flags += ", " + it.Severity
			}
			fmt.Fprintf(env.Stdout, "  %-18s %s [%s; check %s]\n", it.ID, it.Name, flags, check)
			for l := 5; l >= 1; l-- {
				if a, ok := it.Anchors[l]; ok {
					fmt.Fprintf(env.Stdout, "      %d = %s\n", l, a)
				}
			}
		}
	}
	return ExitOK
}

func scorecardActivate(ctx context.Context, env *Env, args []string) int {
	fs, db := newFlags(env, "scorecard activate", "NAME")
	version := fs.Int("version", 0, "version to activate (default: the latest)")
	pos, ok := parse(fs, args)
	if !ok || len(pos) != 1 {
		fs.Usage()
		return ExitUsage
	}
	st, ok := openStore(ctx, env, *db)
	if !ok {
		return ExitError
	}
	defer st.Close()
	v := *version
	if v == 0 {
		list, err := st.Scorecards(ctx)
		if err != nil {
			return fail(env, err)
		}
		for _, s := range list {
			if s.Name == pos[0] && s.Version > v {
				v = s.Version
			}
		}
		if v == 0 {
			return fail(env, qa.NewError(qa.ENotFound, fmt.Sprintf("no scorecard %q: import it first with `qloop scorecard import FILE`", pos[0])))
		}
	}
	if err := st.ActivateScorecardAudited(ctx, pos[0], v); err != nil {
		return fail(env, err)
	}
	fmt.Fprintf(env.Stdout, "%s v%d is active; `qloop inspect` inspects records with it (earlier inspections are kept)\n", pos[0], v)
	return ExitOK
}

// scorecardPhrases prints the phrases of shipped defaults or YAML files (all defaults when none is
// named), e.g. to compare phrase matching with grep tools in bench/inspect.sh.
func scorecardPhrases(env *Env, args []string) int {
	fs, _ := newFlags(env, "scorecard phrases", "[NAME|FILE...]")
	names, ok := parse(fs, args)
	if !ok {
		return ExitUsage
	}
	if len(names) == 0 {
		for _, d := range scorecard.Defaults() {
			names = append(names, d.Name)
		}
	}
	seen := map[string]bool{}
	for _, n := range names {
		var sc *qa.Scorecard
		var err error
		if strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml") {
			sc, _, err = readScorecard(n)
		} else {
			sc, _, err = scorecard.DefaultByName(n)
		}
		if err != nil {
			return fail(env, err)
		}
		for _, p := range scorecard.Phrases(sc) {
			if !seen[p] {
				seen[p] = true
				fmt.Fprintln(env.Stdout, p)
			}
		}
	}
	return ExitOK
}
