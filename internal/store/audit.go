package store

import (
	"context"
	"database/sql"
	"os/user"
	"strings"

	"qloop/internal/auth"
	"qloop/internal/qa"
)

// Accounts, tokens, scorecards and imports change outside the review workflow's Tx, but write to
// the same audit_log. Their actor is the user in ctx (auth.WithUser): the signed-in user for the
// API and the console, CLIActor for a command, "system" when there is none (the demo, defaults).

// CLIActor is who a command acts as in the audit trail: "cli:" and the operating-system account
// that ran it (cli:root), or getenv's USER or LOGNAME when the system cannot tell. It has no id
// and no role of its own: whoever can open the database can do anything anyway.
func CLIActor(getenv func(string) string) *auth.User {
	name := ""
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	for _, k := range []string{"USER", "LOGNAME"} {
		if name == "" && getenv != nil {
			name = getenv(k)
		}
	}
	if name = strings.TrimSpace(name); name == "" {
		name = "unknown"
	}
	return &auth.User{Username: "cli:" + name, Name: "命令行 command line", Role: auth.RoleAdmin}
}

// Audit appends one line to the audit trail in a transaction of its own, for a change made just
// before by the actor in ctx (see CLIActor); before and after are marshalled to JSON (nil = none).
// A change that commits with its line uses Tx.Audit instead.
func (s *Store) Audit(ctx context.Context, action, entity string, entityID int64, before, after any) error {
	return s.Update(ctx, func(tx *Tx) error {
		return tx.Audit(auth.FromContext(ctx), action, entity, entityID, "", before, after)
	})
}

// auditTx appends an audit line by the actor in ctx inside tx, a transaction of s.inTx.
func (s *Store) auditTx(ctx context.Context, tx *sql.Tx, action, entity string, entityID int64, before, after any) error {
	t := &Tx{s: s, tx: tx, ctx: ctx, now: s.Now()}
	return t.Audit(auth.FromContext(ctx), action, entity, entityID, "", before, after)
}

// userAudit is what the audit trail keeps of an account: never its password hash.
type userAudit struct {
	Username string    `json:"username"`
	Name     string    `json:"name"`
	Role     auth.Role `json:"role"`
	AgentID  string    `json:"agent_id,omitempty"`
	Team     string    `json:"team,omitempty"`
	Lang     string    `json:"lang"`
	Disabled bool      `json:"disabled"`
}

func auditOfUser(u *auth.User) userAudit {
	return userAudit{Username: u.Username, Name: u.Name, Role: u.Role, AgentID: u.AgentID, Team: u.Team, Lang: u.Lang,
		Disabled: u.Disabled}
}

// SaveScorecardAudited is SaveScorecard followed, when it stored a new version, by its audit line
// (scorecard.import) as done by the user in ctx.
func (s *Store) SaveScorecardAudited(ctx context.Context, sc *qa.Scorecard, src []byte) (int, bool, error) {
	v, created, err := s.SaveScorecard(ctx, sc, src)
	if err != nil || !created {
		return v, created, err
	}
	return v, created, s.Audit(ctx, "scorecard.import", "scorecard", int64(v), nil,
		map[string]any{"name": sc.Name, "version": v, "title": sc.Title})
}

// ActivateScorecardAudited is ActivateScorecard followed by its audit line (scorecard.activate),
// with the version active before and after, as done by the user in ctx; activating the version
// that is active already changes and writes nothing. Returns qa.ENotFound.
func (s *Store) ActivateScorecardAudited(ctx context.Context, name string, version int) error {
	list, err := s.Scorecards(ctx)
	if err != nil {
		return err
	}
	before := 0 // none
	for _, sc := range list {
		if sc.Name == name && sc.Active {
			before = sc.Version
		}
	}
	if before == version {
		return nil
	}
	if err := s.ActivateScorecard(ctx, name, version); err != nil {
		return err
	}
	return s.Audit(ctx, "scorecard.activate", "scorecard", int64(version), map[string]any{"name": name, "active_version": before},
		map[string]any{"name": name, "active_version": version})
}

// ImportAudit is what the audit trail keeps of one imported file: its name and counts, no records.
type ImportAudit struct {
	File      string `json:"file"`
	Read      int    `json:"read"`
	Inserted  int    `json:"inserted"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
	Rejected  int    `json:"rejected"`
	Inspected int    `json:"inspected,omitempty"`
	Error     string `json:"error,omitempty"` // when the import stopped early
}

// AuditImport writes the audit line of an import (records.import) as done by the user in ctx.
func (s *Store) AuditImport(ctx context.Context, a ImportAudit) error {
	return s.Audit(ctx, "records.import", "import", 0, nil, a)
}
