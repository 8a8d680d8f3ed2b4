package qa

import "time"

// Finding results.
const (
	ResultPass = "pass"
	ResultFail = "fail"
	ResultNA   = "na"
)

// Finding is the judgement of one scorecard item on one record, with its evidence when it failed.
type Finding struct {
	Item     string   `json:"item"`
	Result   string   `json:"result"`
	Turn     *int     `json:"turn"`            // index into Record.Turns; nil when the evidence is not a turn
	Text     string   `json:"text"`            // the matched or offending text, as written in the record
	Start    *float64 `json:"start"`           // seconds from the record's start; nil when unknown
	Severity string   `json:"severity"`        // 一般, 较严重, 严重
	Span     []int    `json:"span,omitempty"`  // [from, to) rune offsets of Text inside the turn's text
	Level    int      `json:"level,omitempty"` // 1–5 for scale items
	Note     string   `json:"note,omitempty"`  // why, in the user's language (e.g. "首次响应 36 小时, 超时 12 小时")
	Hits     int      `json:"hits,omitempty"`  // how many violations the item found
	More     []Place  `json:"more,omitempty"`  // where the 2nd, 3rd … violations are (at most MaxPlaces)
}

// MaxPlaces bounds Finding.More, so a turn that repeats a phrase a thousand times stays a small finding.
const MaxPlaces = 20

// Place is one more occurrence of a failed item's violation: a span of a turn.
type Place struct {
	Turn  int      `json:"turn"`
	Text  string   `json:"text"`
	Start *float64 `json:"start"`
	Span  []int    `json:"span"`
}

// Places returns every place the finding marks, its own evidence first; places without a turn and
// rune span are left out.
func (f *Finding) Places() []Place {
	var out []Place
	if f.Turn != nil && len(f.Span) == 2 {
		out = append(out, Place{Turn: *f.Turn, Text: f.Text, Start: f.Start, Span: f.Span})
	}
	for _, p := range f.More {
		if len(p.Span) == 2 {
			out = append(out, p)
		}
	}
	return out
}

// Inspection is one automatic inspection of one record revision with one scorecard version.
type Inspection struct {
	RecordID    string    `json:"id"`
	RecordRev   int       `json:"-"`
	Scorecard   string    `json:"scorecard"`
	Version     int       `json:"version"`
	Score       float64   `json:"score"`
	Passed      bool      `json:"passed"`
	Fatal       bool      `json:"fatal"`
	Findings    []Finding `json:"findings"`
	InspectedAt time.Time `json:"-"`
}

// Failed returns the findings whose result is fail.
func (in *Inspection) Failed() []Finding {
	var out []Finding
	for _, f := range in.Findings {
		if f.Result == ResultFail {
			out = append(out, f)
		}
	}
	return out
}
