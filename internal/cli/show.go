package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"qloop/internal/qa"
	"qloop/internal/store"
)

func runShow(ctx context.Context, env *Env, args []string) int {
	fs, db := newFlags(env, "show", "ID")
	pos, ok := parse(fs, args)
	if !ok {
		return ExitUsage
	}
	if len(pos) != 1 {
		fs.Usage()
		return ExitUsage
	}
	st, ok := openStore(ctx, env, *db)
	if !ok {
		return ExitError
	}
	defer st.Close()
	r, rev, err := st.Record(ctx, pos[0])
	if err != nil {
		return fail(env, err)
	}
	ins, err := st.Inspections(ctx, r.ID)
	if err != nil {
		return fail(env, err)
	}
	printRecord(env, r, rev, ins)
	return ExitOK
}

// printRecord writes the transcript with failed spans marked 【…】 and each failed item after its turn.
func printRecord(env *Env, r *qa.Record, rev int, ins []qa.Inspection) {
	w := env.Stdout
	fmt.Fprintf(w, "%s  %s  %s  坐席 %s %s %s  业务 %s  rev %d\n", r.ID, r.Channel, r.StartedAt.Format("2006-01-02 15:04:05 -07:00"),
		r.AgentID, r.AgentName, r.Team, orDash(r.BusinessType), rev)
	if len(r.Tags) > 0 {
		fmt.Fprintf(w, "标签 tags: %s\n", strings.Join(r.Tags, ", "))
	}
	if r.Recording != "" {
		fmt.Fprintf(w, "录音 recording: %s\n", r.Recording)
	}
	if t := r.Ticket; t != nil {
		fmt.Fprintf(w, "工单 ticket: status %s, category %s, transfers %d, escalated %v, solution %q\n",
			orDash(t.Status), orDash(t.Category), t.Transfers, t.Escalated, t.Solution)
	}
	var latest *qa.Inspection
	byTurn := map[int][]qa.Finding{} // the failed findings noted under each turn
	spans := map[int][][]int{}       // every place they mark, per turn
	if len(ins) > 0 {
		latest = &ins[0]
		for _, f := range latest.Findings {
			if f.Result != qa.ResultFail {
				continue
			}
			if f.Turn != nil {
				byTurn[*f.Turn] = append(byTurn[*f.Turn], f)
			}
			for _, p := range f.Places() {
				spans[p.Turn] = append(spans[p.Turn], p.Span)
			}
		}
	}
	fmt.Fprintln(w)
	for i, t := range r.Turns {
		at := "      "
		if t.Start != nil {
			at = fmt.Sprintf("%5.1fs", *t.Start)
		}
		fs := byTurn[i]
		text := markSpans(t.Text, spans[i])
		label := map[string]string{qa.SpeakerAgent: "坐席", qa.SpeakerCustomer: "客户", qa.SpeakerSystem: "系统"}[t.Speaker]
		if t.Event != "" {
			text = strings.TrimSpace(text + " [" + t.Event + "]")
		}
		fmt.Fprintf(w, "%3d %s %s: %s\n", i, at, label, text)
		for _, f := range fs {
			fmt.Fprintf(w, "          ✗ %s (%s) %s\n", f.Item, f.Severity, f.Note)
		}
	}
	if latest == nil {
		fmt.Fprintln(w, "\n尚未质检 not inspected yet: run `qloop inspect`")
		return
	}
	for _, in := range ins {
		verdict := "合格 passed"
		if in.Fatal {
			verdict = "红线 fatal"
		} else if !in.Passed {
			verdict = "不合格 failed"
		}
		fmt.Fprintf(w, "\n%s v%d: %.1f 分 %s (%s)\n", in.Scorecard, in.Version, in.Score, verdict, in.InspectedAt.Format("2006-01-02 15:04"))
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, f := range in.Findings {
			mark := map[string]string{qa.ResultPass: "✓", qa.ResultFail: "✗", qa.ResultNA: "-"}[f.Result]
			ev := f.Note
			if f.Result == qa.ResultFail && f.Turn != nil {
				ev = fmt.Sprintf("turn %d %q %s", *f.Turn, f.Text, f.Note)
			}
			lvl := ""
			if f.Level > 0 {
				lvl = fmt.Sprintf("L%d", f.Level)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", mark, f.Item, lvl, ev)
		}
		tw.Flush()
	}
}

// markSpans puts 【…】 around the failed spans of text (character offsets). Overlapping or touching
// spans, e.g. an interruption over the whole turn and a taboo inside it, are marked once as their union.
func markSpans(text string, in [][]int) string {
	rs := []rune(text)
	var spans [][2]int
	for _, sp := range in {
		if len(sp) == 2 && sp[0] >= 0 && sp[1] > sp[0] && sp[1] <= len(rs) {
			spans = append(spans, [2]int{sp[0], sp[1]})
		}
	}
	if len(spans) == 0 {
		return text
	}
	sort.Slice(spans, func(a, b int) bool { return spans[a][0] < spans[b][0] })
	merged := spans[:1]
	for _, sp := range spans[1:] {
		if last := &merged[len(merged)-1]; sp[0] <= last[1] {
			last[1] = max(last[1], sp[1])
		} else {
			merged = append(merged, sp)
		}
	}
	var b strings.Builder
	at := 0
	for _, sp := range merged {
		b.WriteString(string(rs[at:sp[0]]))
		b.WriteString("【" + string(rs[sp[0]:sp[1]]) + "】")
		at = sp[1]
	}
	b.WriteString(string(rs[at:]))
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func runStats(ctx context.Context, env *Env, args []string) int {
	fs, db := newFlags(env, "stats", "")
	card := fs.String("scorecard", "", "limit to one scorecard")
	if _, ok := parse(fs, args); !ok {
		return ExitUsage
	}
	st, ok := openStore(ctx, env, *db)
	if !ok {
		return ExitError
	}
	defer st.Close()
	s, err := st.Stats(ctx, store.StatsFilter{Scorecard: *card})
	if err != nil {
		return fail(env, err)
	}
	names, err := itemNames(ctx, st, *card)
	if err != nil {
		return fail(env, err)
	}
	printStats(env, s, names)
	return ExitOK
}

// itemNames maps item ids to the names their scorecards give them: of the one scorecard asked for,
// else of every active scorecard. An id two scorecards share with different names gets both.
// The scorecards have Chinese names only, so there is no English to offer under LANG=en.
func itemNames(ctx context.Context, st *store.Store, card string) (map[string]string, error) {
	var scs []qa.Scorecard
	if card != "" {
		sc, _, _, err := st.Scorecard(ctx, card, 0)
		if err != nil {
			return nil, err
		}
		scs = []qa.Scorecard{*sc}
	} else {
		var err error
		if scs, err = st.ActiveScorecards(ctx); err != nil {
			return nil, err
		}
	}
	names := map[string]string{}
	for _, sc := range scs {
		for _, d := range sc.Dimensions {
			for _, it := range d.Items {
				switch n := names[it.ID]; {
				case it.Name == "" || n == it.Name || strings.Contains(n, " / "+it.Name) || strings.HasPrefix(n, it.Name+" / "):
				case n == "":
					names[it.ID] = it.Name
				default:
					names[it.ID] = n + " / " + it.Name
				}
			}
		}
	}
	return names, nil
}

func printStats(env *Env, s store.Stats, names map[string]string) {
	w := env.Stdout
	fmt.Fprintf(w, "记录 records: %d", s.Records)
	for _, c := range s.Channels {
		fmt.Fprintf(w, "  %s %d", c.Channel, c.Records)
	}
	if s.Inspected == 0 {
		// Averages of nothing are not 0.0: say what to do instead.
		fmt.Fprintln(w, "\n质检 inspections: 0 — 尚无质检结果 nothing inspected yet: run `qloop inspect`")
		return
	}
	fmt.Fprintf(w, "\n质检 inspections: %d  平均分 average score: %.1f  合格率 pass rate: %.1f%%  红线 fatal: %d\n",
		s.Inspected, s.AvgScore, 100*s.PassRate, s.Fatal)
	if len(s.TopFailed) == 0 {
		return
	}
	fmt.Fprintln(w, "\n最常见的失分项 most frequent failed items:")
	labels := make([]string, len(s.TopFailed))
	width := 0
	for i, it := range s.TopFailed {
		if labels[i] = names[it.Item]; labels[i] == "" { // an item of a scorecard version no longer active
			labels[i] = it.Item
		}
		width = max(width, displayWidth(labels[i]))
	}
	// Padded by display width: tabwriter counts a Chinese character as one column, the terminal as two.
	for i, it := range s.TopFailed {
		bar := strings.Repeat("█", int(it.Share*40+0.5))
		fmt.Fprintf(w, "%2d  %s%s  %6d  %5.1f%%  %s\n", i+1, labels[i], strings.Repeat(" ", width-displayWidth(labels[i])), it.Count, 100*it.Share, bar)
	}
}
