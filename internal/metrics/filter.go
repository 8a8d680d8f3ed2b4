// Package metrics holds the analyse half of the loop as pure code: the slice of records a figure is
// computed over (Filter), the periods figures are grouped by (Grain), and the per-record facts the
// operational KPIs stand on (Facts). No SQL and no HTTP.
package metrics

import (
	"fmt"
	"strings"
	"time"
)

// CST is the time zone of days, weeks, months and quarters (+08:00), as the dashboard's days.
var CST = time.FixedZone("CST", 8*3600)

// Filter is the slice of records an analytics figure stands on. Zero fields do not filter; From and
// To bound the record's started_at as [From, To).
type Filter struct {
	From, To     time.Time
	AgentID      string
	Team         string
	BusinessType string
	Channel      string
	Tier         string // customer tier
	Grain        Grain  // how figures over time are grouped; "" = GrainMonth
}

// Grain is the length of the periods a series is grouped by.
type Grain string

// Grains.
const (
	GrainDay     Grain = "day"
	GrainWeek    Grain = "week" // ISO weeks, Monday first
	GrainMonth   Grain = "month"
	GrainQuarter Grain = "quarter"
)

// Grains lists the grains, shortest first.
var Grains = []Grain{GrainDay, GrainWeek, GrainMonth, GrainQuarter}

// ParseGrain reads a grain name; "" is GrainMonth.
func ParseGrain(s string) (Grain, error) {
	switch g := Grain(strings.ToLower(strings.TrimSpace(s))); g {
	case "":
		return GrainMonth, nil
	case GrainDay, GrainWeek, GrainMonth, GrainQuarter:
		return g, nil
	}
	return "", fmt.Errorf("period %q is not one of day, week, month, quarter", s)
}

// Start returns the start (in CST) of the period of g that holds t.
func (g Grain) Start(t time.Time) time.Time {
	t = t.In(CST)
	y, m, d := t.Date()
	switch g {
	case GrainDay:
		return time.Date(y, m, d, 0, 0, 0, 0, CST)
	case GrainWeek:
		wd := (int(t.Weekday()) + 6) % 7 // Monday = 0
		return time.Date(y, m, d-wd, 0, 0, 0, 0, CST)
	case GrainQuarter:
		return time.Date(y, m-(m-1)%3, 1, 0, 0, 0, 0, CST)
	default:
		return time.Date(y, m, 1, 0, 0, 0, 0, CST)
	}
}

// Next returns the start of the period after the one starting at start.
func (g Grain) Next(start time.Time) time.Time {
	switch g {
	case GrainDay:
		return start.AddDate(0, 0, 1)
	case GrainWeek:
		return start.AddDate(0, 0, 7)
	case GrainQuarter:
		return start.AddDate(0, 3, 0)
	default:
		return start.AddDate(0, 1, 0)
	}
}

// Label names the period starting at start: 2026-11-02, 2026-W45, 2026-11, 2026-Q4.
func (g Grain) Label(start time.Time) string {
	start = start.In(CST)
	switch g {
	case GrainDay:
		return start.Format("2006-01-02")
	case GrainWeek:
		y, w := start.ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	case GrainQuarter:
		return fmt.Sprintf("%d-Q%d", start.Year(), (int(start.Month())+2)/3)
	default:
		return start.Format("2006-01")
	}
}

// Period is one period of a grain.
type Period struct {
	Label      string    `json:"label"`
	Start, End time.Time `json:"-"`
}

// Periods lists the periods of g that overlap [from, to), oldest first; nil when the range is open
// or empty.
func (g Grain) Periods(from, to time.Time) []Period {
	if from.IsZero() || to.IsZero() || !to.After(from) {
		return nil
	}
	var out []Period
	for s := g.Start(from); s.Before(to); s = g.Next(s) {
		out = append(out, Period{Label: g.Label(s), Start: s, End: g.Next(s)})
	}
	return out
}

// Previous returns the period before p (month on month) and the same period a year earlier (year on
// year), for trends.
func (g Grain) Previous(p Period) (prev, lastYear Period) {
	var ps time.Time
	switch g {
	case GrainDay:
		ps = p.Start.AddDate(0, 0, -1)
	case GrainWeek:
		ps = p.Start.AddDate(0, 0, -7)
	case GrainQuarter:
		ps = p.Start.AddDate(0, -3, 0)
	default:
		ps = p.Start.AddDate(0, -1, 0)
	}
	ys := g.Start(p.Start.AddDate(-1, 0, 0))
	if g == GrainWeek { // the same ISO week number a year earlier
		y, w := p.Start.ISOWeek()
		ys = isoWeekStart(y-1, w)
	}
	return Period{Label: g.Label(ps), Start: ps, End: g.Next(ps)}, Period{Label: g.Label(ys), Start: ys, End: g.Next(ys)}
}

func isoWeekStart(year, week int) time.Time {
	jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, CST)
	mon := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
	return mon.AddDate(0, 0, 7*(week-1))
}
