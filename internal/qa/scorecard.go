package qa

// Item kinds (B1).
const (
	KindPassFail  = "passfail"  // pass earns the item's weight, fail earns nothing
	KindScale     = "scale"     // a 1–5 level with anchored meanings; earns weight·level/5
	KindDeduction = "deduction" // a failure deducts Points from the record's score
)

// Severities of a problem (B1).
const (
	SeverityMinor    = "一般"
	SeverityMajor    = "较严重"
	SeverityCritical = "严重"
)

// Scorecard is one version of a quality standard: dimensions of items, each judged by a check.
type Scorecard struct {
	Name        string      `yaml:"name" json:"name"`
	Version     int         `yaml:"version" json:"version"`
	Title       string      `yaml:"title" json:"title"`
	Description string      `yaml:"description,omitempty" json:"description,omitempty"`
	Source      string      `yaml:"source,omitempty" json:"source,omitempty"` // where the standard comes from
	AppliesTo   Scope       `yaml:"applies_to" json:"applies_to"`
	PassScore   float64     `yaml:"pass_score" json:"pass_score"` // a record passes at or above this score, with no fatal failure
	Dimensions  []Dimension `yaml:"dimensions" json:"dimensions"`
	// Lexicons are named phrase lists that checks refer to as "@name", so one list serves several items.
	Lexicons map[string][]string `yaml:"lexicons,omitempty" json:"lexicons,omitempty"`
}

// Scope says which records a scorecard applies to; an empty list matches everything.
type Scope struct {
	Channels      []string `yaml:"channels,omitempty" json:"channels,omitempty"`
	BusinessTypes []string `yaml:"business_types,omitempty" json:"business_types,omitempty"`
	Tags          []string `yaml:"tags,omitempty" json:"tags,omitempty"` // any of them
}

// Matches reports whether r falls in the scope.
func (s Scope) Matches(r *Record) bool {
	if len(s.Channels) > 0 && !contains(s.Channels, r.Channel) {
		return false
	}
	if len(s.BusinessTypes) > 0 && !contains(s.BusinessTypes, r.BusinessType) {
		return false
	}
	if len(s.Tags) > 0 {
		for _, t := range s.Tags {
			if r.HasTag(t) {
				return true
			}
		}
		return false
	}
	return true
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Dimension groups items; its weight is its share of the weighted score.
type Dimension struct {
	ID     string  `yaml:"id" json:"id"`
	Name   string  `yaml:"name" json:"name"`
	Weight float64 `yaml:"weight" json:"weight"`
	Items  []Item  `yaml:"items" json:"items"`
}

// Item is one thing an inspector judges.
type Item struct {
	ID          string         `yaml:"id" json:"id"`
	Name        string         `yaml:"name" json:"name"`
	Description string         `yaml:"description,omitempty" json:"description,omitempty"`
	Kind        string         `yaml:"kind" json:"kind"`
	Weight      float64        `yaml:"weight,omitempty" json:"weight,omitempty"` // share within the dimension (default 1)
	Points      float64        `yaml:"points,omitempty" json:"points,omitempty"` // deducted on failure (deduction items)
	Fatal       bool           `yaml:"fatal,omitempty" json:"fatal,omitempty"`   // a failure fails the whole record (红线)
	Severity    string         `yaml:"severity,omitempty" json:"severity,omitempty"`
	Anchors     map[int]string `yaml:"anchors,omitempty" json:"anchors,omitempty"`       // scale items: level → meaning
	PassLevel   int            `yaml:"pass_level,omitempty" json:"pass_level,omitempty"` // scale items: lowest passing level (default 3)
	Check       *Check         `yaml:"check,omitempty" json:"check,omitempty"`           // nil: judged by a human reviewer only
}

// Check types (B3).
const (
	CheckPhrase           = "phrase"            // required phrases (groups) present in the chosen turns
	CheckForbidden        = "forbidden"         // no chosen turn contains a listed phrase
	CheckRegex            = "regex"             // a regular expression present / absent
	CheckResponseTime     = "response_time"     // first reply within N s, every reply gap ≤ M s
	CheckSilence          = "silence"           // no gap between turns longer than N s
	CheckInterrupt        = "interrupt"         // no agent turn starting before the customer's ends
	CheckHold             = "hold"              // hold etiquette: ask, reason, expected wait, apology
	CheckEmpathy          = "empathy"           // soothing phrase when the customer is upset or complains
	CheckComplaintConfirm = "complaint_confirm" // complaint repeated back and a concrete handling time
	CheckSurname          = "surname"           // customer addressed by surname once it is known
	CheckTicketFields     = "ticket_fields"     // ticket completeness
	CheckTransfers        = "transfers"         // resolution ability from transfers (scale)
	CheckTimeliness       = "timeliness"        // response/resolution timeliness from ticket times (scale)
	CheckSentiment        = "sentiment"         // customer mood at the end of the record
	CheckExpr             = "expr"              // an advanced condition over record facts
)

// Check is the automatic judgement of an item. Which fields matter depends on Type; the scorecard
// validator rejects fields a type does not use, so a typo never passes silently.
type Check struct {
	Type string `yaml:"type" json:"type"`

	// Where to look.
	Speaker  string  `yaml:"speaker,omitempty" json:"speaker,omitempty"`   // agent (default), customer, any
	Position string  `yaml:"position,omitempty" json:"position,omitempty"` // any (default), first, last, first_n, last_n, within
	N        int     `yaml:"n,omitempty" json:"n,omitempty"`               // turns for first_n / last_n
	Within   float64 `yaml:"within,omitempty" json:"within,omitempty"`     // seconds from the start for position: within

	// Phrases. Each group is a list of alternatives; a phrase check passes when every group matches
	// (all_of) or when any group matches (any_of). "@name" refers to a scorecard lexicon.
	AllOf      [][]string `yaml:"all_of,omitempty" json:"all_of,omitempty"`
	AnyOf      [][]string `yaml:"any_of,omitempty" json:"any_of,omitempty"`
	Phrases    []string   `yaml:"phrases,omitempty" json:"phrases,omitempty"`       // forbidden, empathy, …
	Except     []string   `yaml:"except,omitempty" json:"except,omitempty"`         // a hit inside one of these does not count
	Similarity float64    `yaml:"similarity,omitempty" json:"similarity,omitempty"` // 0 < s ≤ 1 accepts near variants
	Pattern    string     `yaml:"pattern,omitempty" json:"pattern,omitempty"`       // regex
	Absent     bool       `yaml:"absent,omitempty" json:"absent,omitempty"`         // regex/phrase: pass when absent
	NAUnless   string     `yaml:"na_unless,omitempty" json:"na_unless,omitempty"`   // complaint, upset, upset_or_complaint, cut_off_not
	NAWhen     string     `yaml:"na_when,omitempty" json:"na_when,omitempty"`       // cut_off, no_turns, …

	// Times in seconds.
	FirstReply float64 `yaml:"first_reply,omitempty" json:"first_reply,omitempty"`
	MaxGap     float64 `yaml:"max_gap,omitempty" json:"max_gap,omitempty"`
	Max        float64 `yaml:"max,omitempty" json:"max,omitempty"`             // silence limit; transfers limit
	Tolerance  float64 `yaml:"tolerance,omitempty" json:"tolerance,omitempty"` // interrupt tolerance
	MinHold    float64 `yaml:"min_hold,omitempty" json:"min_hold,omitempty"`

	// Hold etiquette and complaints: named phrase lists.
	Ask      []string `yaml:"ask,omitempty" json:"ask,omitempty"`
	Reason   []string `yaml:"reason,omitempty" json:"reason,omitempty"`
	Wait     []string `yaml:"wait,omitempty" json:"wait,omitempty"`
	Apology  []string `yaml:"apology,omitempty" json:"apology,omitempty"`
	Announce []string `yaml:"announce,omitempty" json:"announce,omitempty"`
	Repeat   []string `yaml:"repeat,omitempty" json:"repeat,omitempty"`
	Upset    float64  `yaml:"upset,omitempty" json:"upset,omitempty"` // sentiment at or below which a customer is upset

	Backchannels []string `yaml:"backchannels,omitempty" json:"backchannels,omitempty"`
	Honorifics   []string `yaml:"honorifics,omitempty" json:"honorifics,omitempty"`

	// Tickets.
	Fields []string `yaml:"fields,omitempty" json:"fields,omitempty"`
	// Levels maps a measured value to a 1–5 level: the first threshold the value is at or below gives
	// its level, e.g. hours late [0, 4, 12, 24] → 5, 4, 3, 2, and anything beyond → 1.
	Levels  []float64 `yaml:"levels,omitempty" json:"levels,omitempty"`
	Measure string    `yaml:"measure,omitempty" json:"measure,omitempty"` // timeliness: first_response, resolution, overdue

	Expr string `yaml:"expr,omitempty" json:"expr,omitempty"`
}
