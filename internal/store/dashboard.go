package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

// DashFilter narrows the dashboard. Zero fields do not filter. From and To bound started_at as in
// RecordFilter; on +08:00 day boundaries (or zero) the dashboard reads the daily rollup, otherwise it
// aggregates the records themselves, which is slower on a large store.
type DashFilter struct {
	From, To                          time.Time
	AgentID, Team, Channel, Scorecard string // Scorecard: records whose final result is by it
}

// TrendPoint is one day (in +08:00) of the dashboard trend.
type TrendPoint struct {
	Day      string // 2006-01-02
	Records  int
	AvgScore float64 // over the inspected records of the day, by their final score
	PassRate float64
	Reviewed int // records of the day whose final score is a human review's
}

// AgentRank is one agent's figures on the dashboard, by final scores.
type AgentRank struct {
	AgentID, AgentName, Team string
	Records                  int
	AvgScore, PassRate       float64
	Fatal                    int
	Reviewed                 int // records whose final score is a human review's
}

// Dashboard holds the console dashboard's figures; scores and rates are over inspected records, by
// their final result (FinalResult): a final human review's where there is one, else the latest
// automatic inspection's. Reviewed counts the records whose figures are a human review's.
type Dashboard struct {
	Records, Inspected, Passed, Fatal int
	Reviewed                          int
	AvgScore, PassRate                float64
	TopFailed                         []ItemCount  // at most 10, most failed first; Share of Inspected
	Trend                             []TrendPoint // days with records, oldest first
	Agents                            []AgentRank  // at most 50, by AvgScore, best first
}

// cst is the time zone of dashboard days.
var cst = time.FixedZone("CST", offsetMS/1000)

// Dashboard computes the dashboard figures for f.
func (s *Store) Dashboard(ctx context.Context, f DashFilter) (Dashboard, error) {
	var d Dashboard
	sums, failed, args := s.dashSources(f)
	rows, err := s.r.QueryContext(ctx, `SELECT day, SUM(records), SUM(CASE WHEN scorecard <> '' THEN records
		ELSE 0 END), SUM(passed), SUM(fatal), SUM(score_sum), SUM(reviewed) FROM `+sums+` GROUP BY day ORDER BY day`, args...)
	if err != nil {
		return d, fmt.Errorf("store: dashboard trend: %w", err)
	}
	var scoreSum float64
	for rows.Next() {
		var day int64
		var p TrendPoint
		var inspected, passed, fatal int
		var sum float64
		if err := rows.Scan(&day, &p.Records, &inspected, &passed, &fatal, &sum, &p.Reviewed); err != nil {
			rows.Close()
			return d, fmt.Errorf("store: dashboard trend: %w", err)
		}
		if p.Records == 0 {
			continue
		}
		p.Day = time.UnixMilli(day*dayMS - offsetMS).In(cst).Format("2006-01-02")
		p.AvgScore, p.PassRate = ratio(sum, inspected), ratio(float64(passed), inspected)
		d.Trend = append(d.Trend, p)
		d.Records += p.Records
		d.Inspected += inspected
		d.Passed += passed
		d.Fatal += fatal
		d.Reviewed += p.Reviewed
		scoreSum += sum
	}
	if err := rows.Close(); err != nil {
		return d, fmt.Errorf("store: dashboard trend: %w", err)
	}
	d.AvgScore, d.PassRate = ratio(scoreSum, d.Inspected), ratio(float64(d.Passed), d.Inspected)
	if d.Records == 0 {
		return d, nil
	}
	if d.Agents, err = s.dashAgents(ctx, sums, args); err != nil {
		return d, err
	}
	rows, err = s.r.QueryContext(ctx, `SELECT item, SUM(failed) FROM `+failed+` GROUP BY item
		HAVING SUM(failed) > 0 ORDER BY SUM(failed) DESC, item LIMIT 10`, args...)
	if err != nil {
		return d, fmt.Errorf("store: dashboard failed items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c ItemCount
		if err := rows.Scan(&c.Item, &c.Count); err != nil {
			return d, fmt.Errorf("store: dashboard failed items: %w", err)
		}
		c.Share = ratio(float64(c.Count), d.Inspected)
		d.TopFailed = append(d.TopFailed, c)
	}
	if err := rows.Err(); err != nil {
		return d, fmt.Errorf("store: dashboard failed items: %w", err)
	}
	return d, nil
}

// dashAgents ranks the agents of source sums by average score; agents with nothing inspected last.
func (s *Store) dashAgents(ctx context.Context, sums string, args []any) ([]AgentRank, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT agent_id, MAX(agent_name), MAX(team), SUM(records),
		SUM(CASE WHEN scorecard <> '' THEN records ELSE 0 END), SUM(passed), SUM(fatal), SUM(score_sum),
		SUM(reviewed) FROM `+sums+` GROUP BY agent_id HAVING SUM(records) > 0`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: dashboard agents: %w", err)
	}
	defer rows.Close()
	var out []AgentRank
	inspected := map[string]int{}
	for rows.Next() {
		var a AgentRank
		var n, passed int
		var sum float64
		if err := rows.Scan(&a.AgentID, &a.AgentName, &a.Team, &a.Records, &n, &passed, &a.Fatal, &sum, &a.Reviewed); err != nil {
			return nil, fmt.Errorf("store: dashboard agents: %w", err)
		}
		a.AvgScore, a.PassRate = ratio(sum, n), ratio(float64(passed), n)
		inspected[a.AgentID] = n
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: dashboard agents: %w", err)
	}
	slices.SortFunc(out, func(a, b AgentRank) int {
		return cmp.Or(-cmp.Compare(min(1, inspected[a.AgentID]), min(1, inspected[b.AgentID])),
			-cmp.Compare(a.AvgScore, b.AvgScore), cmp.Compare(a.AgentID, b.AgentID))
	})
	return out[:min(len(out), 50)], nil
}

// dashSources returns the two row sources the dashboard aggregates, with their arguments: one of
// (day, agent_id, agent_name, team, channel, scorecard, records, score_sum, passed, fatal, reviewed)
// and one of (day, item, failed). They are the rollup tables when f allows, or the same columns over
// records, whose failed items are those of the final result (records.failed, see failedItems).
func (s *Store) dashSources(f DashFilter) (sums, failed string, args []any) {
	var w where
	for _, c := range []struct{ col, v string }{{"agent_id", f.AgentID}, {"team", f.Team},
		{"channel", f.Channel}, {"scorecard", f.Scorecard}} {
		if c.v != "" {
			w.add("r." + c.col + " = " + w.arg(c.v))
		}
	}
	if onDay(f.From) && onDay(f.To) {
		if !f.From.IsZero() {
			w.add("r.day >= " + w.arg(dayOf(ms(f.From))))
		}
		if !f.To.IsZero() {
			w.add("r.day < " + w.arg(dayOf(ms(f.To))))
		}
		return "rollup_daily r" + w.sql(), "rollup_failed r" + w.sql(), w.args
	}
	if !f.From.IsZero() {
		w.add("r.started_at >= " + w.arg(ms(f.From)))
	}
	if !f.To.IsZero() {
		w.add("r.started_at < " + w.arg(ms(f.To)))
	}
	const day = "(r.started_at + 28800000) / 86400000 AS day"
	sums = `(SELECT ` + day + `, r.agent_id, r.agent_name, r.team, r.channel,
		COALESCE(r.scorecard, '') AS scorecard, 1 AS records, COALESCE(r.score, 0) AS score_sum,
		CASE WHEN r.passed THEN 1 ELSE 0 END AS passed, CASE WHEN r.fatal THEN 1 ELSE 0 END AS fatal,
		CASE WHEN r.review_id <> 0 THEN 1 ELSE 0 END AS reviewed
		FROM records r` + w.sql() + `) d`
	from, item := s.failedItems()
	failed = `(SELECT ` + day + `, ` + item + ` AS item, 1 AS failed FROM ` + from + w.sql() + `) d`
	return sums, failed, w.args
}

// failedItems returns a FROM clause of records r joined with one row per failed item of each
// record's final result, read from the JSON array in records.failed (a human review's failed items
// are in no findings table), and the expression of that item.
func (s *Store) failedItems() (from, item string) {
	if s.dialect == Postgres {
		return `records r CROSS JOIN LATERAL jsonb_array_elements_text(r.failed::jsonb) AS f (item)`, "f.item"
	}
	return `records r JOIN json_each(r.failed) f`, "f.value"
}

// onDay reports whether t is zero or midnight in +08:00.
func onDay(t time.Time) bool {
	return t.IsZero() || (ms(t)+offsetMS)%dayMS == 0
}

func ratio(a float64, n int) float64 {
	if n == 0 {
		return 0
	}
	return a / float64(n)
}

// AgentInfo is one agent for the console's filter drop-down.
type AgentInfo struct {
	AgentID, AgentName, Team string
	Records                  int
}

// Agents lists every agent with records, by id, from the rollup.
func (s *Store) Agents(ctx context.Context) ([]AgentInfo, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT agent_id, MAX(agent_name), MAX(team), SUM(records)
		FROM rollup_daily GROUP BY agent_id HAVING SUM(records) > 0 ORDER BY agent_id`)
	if err != nil {
		return nil, fmt.Errorf("store: list agents: %w", err)
	}
	defer rows.Close()
	var out []AgentInfo
	for rows.Next() {
		var a AgentInfo
		if err := rows.Scan(&a.AgentID, &a.AgentName, &a.Team, &a.Records); err != nil {
			return nil, fmt.Errorf("store: list agents: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list agents: %w", err)
	}
	return out, nil
}

// Teams lists the non-empty team names of records, sorted.
func (s *Store) Teams(ctx context.Context) ([]string, error) {
	return s.distinct(ctx, "team")
}

// BusinessTypes lists the non-empty business types of records, sorted.
func (s *Store) BusinessTypes(ctx context.Context) ([]string, error) {
	return s.distinct(ctx, "business_type")
}

// distinct lists the values of an indexed records column by skipping through its index, one
// lookup per value, instead of reading every row.
func (s *Store) distinct(ctx context.Context, col string) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `WITH RECURSIVE t (v) AS (
		SELECT MIN(`+col+`) FROM records WHERE `+col+` > ''
		UNION ALL
		SELECT (SELECT MIN(`+col+`) FROM records WHERE `+col+` > t.v) FROM t WHERE t.v IS NOT NULL)
		SELECT v FROM t WHERE v IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("store: list %s: %w", col, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("store: list %s: %w", col, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list %s: %w", col, err)
	}
	slices.Sort(out)
	return out, nil
}
