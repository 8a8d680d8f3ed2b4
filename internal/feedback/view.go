package feedback

import (
	"time"

	"qloop/internal/auth"
	"qloop/internal/mask"
)

// Item is a stored entry as lists show it: the entry, its record's agent and team, and the current
// check of each rule that applies (the latest one; earlier ones stay in the history).
type Item struct {
	Stored
	AgentID   string    `json:"agent_id"`
	Team      string    `json:"team"`
	UpdatedAt time.Time `json:"updated_at"`
	OnTime    *bool     `json:"on_time,omitempty"` // complaints: handled within the SLA class
	Checks    []Check   `json:"checks"`
	// CustomerName is the record's customer, masked wherever it occurs in the entry's text; never sent.
	CustomerName string `json:"-"`
}

// Revision is one stored revision of an entry with its provenance (A4): which file or account
// changed it, and why.
type Revision struct {
	Rev    int       `json:"rev"`
	Hash   string    `json:"hash"`
	Source string    `json:"source"` // the import file; "" when entered by hand
	Actor  string    `json:"actor"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
	Entry  Entry     `json:"entry"`
}

// Filter selects stored entries. AgentID and Team narrow to a viewer's scope (see Restrict).
type Filter struct {
	Kind     string
	RecordID string
	Status   string    // entries with a current check of this status
	Overdue  time.Time // non-zero: entries with an open check due before this time
	AgentID  string
	Team     string
	Before   int64 // page before this entry number (0 = newest)
	Limit    int
}

// RunResult summarises one verification run.
type RunResult struct {
	Entries        int       `json:"entries"`        // entries looked at
	Checks         int       `json:"checks"`         // checks the rules produced
	Added          int       `json:"added"`          // new results stored (unchanged ones are not stored twice)
	Closed         int       `json:"closed"`         // earlier results that no longer apply, closed as resolved
	Contradictions int       `json:"contradictions"` // current contradictions after the run
	Pending        int       `json:"pending"`        // current 待核实 follow-ups
	CallbacksDue   int       `json:"callbacks_due"`  // current sampled callbacks still to make
	Overdue        int       `json:"overdue"`        // open ones past their due time
	By             string    `json:"by"`
	At             time.Time `json:"at"`
}

// Restrict narrows f to the records u may see, as for records: an agent their own, a team lead their
// team's. It reports false when u may see nothing.
func Restrict(u *auth.User, f *Filter) bool { return u.Scope().Narrow(&f.AgentID, &f.Team) }

// Visible reports whether u may see feedback on a record of agent and team.
func Visible(u *auth.User, agent, team string) bool { return u.Scope().Holds(agent, team) }

// MaskFor masks personal data in the free text of e (the customer's words, the handling notes) for
// u unless u holds the personal-data right; names are the record's customer names, masked wherever
// they occur. Lengths are kept, as everywhere.
func MaskFor(u *auth.User, e *Entry, names ...string) {
	if u.Can(auth.PermPersonalData) {
		return
	}
	for _, p := range e.Texts() {
		*p = mask.Text(*p, names...)
	}
}

// MaskItem masks an item's entry and the notes of its checks for u.
func MaskItem(u *auth.User, it *Item) {
	MaskFor(u, &it.Entry, it.CustomerName)
	if u.Can(auth.PermPersonalData) {
		return
	}
	for i := range it.Checks {
		it.Checks[i].Note = mask.Text(it.Checks[i].Note, it.CustomerName)
	}
}
