package auth

import (
	"context"
	"time"
)

// User is an account of the console and the API.
type User struct {
	ID           int64     `json:"id"`
	Username     string    `json:"username"`
	Name         string    `json:"name"`
	Role         Role      `json:"role"`
	AgentID      string    `json:"agent_id,omitempty"` // agents: the agent_id of their records
	Team         string    `json:"team,omitempty"`     // team leads (and agents): their team
	Lang         string    `json:"lang"`               // zh-CN (default) or en, remembered per user
	Disabled     bool      `json:"disabled"`
	CreatedAt    time.Time `json:"created_at"`
	PasswordHash string    `json:"-"`
}

// Can reports whether u may do p (a disabled user may do nothing).
func (u *User) Can(p Perm) bool { return u != nil && !u.Disabled && Can(u.Role, p) }

// Scope is the part of the records a user may see.
type Scope struct {
	All     bool
	Team    string // when not All and set: only this team's records
	AgentID string // when not All and set: only this agent's records
	None    bool   // may see no record at all
}

// Narrow sets *agent or *team to the scope's limit, for a filter of records or of what hangs on
// them; it reports false when the scope holds nothing.
func (s Scope) Narrow(agent, team *string) bool {
	switch {
	case s.None:
		return false
	case s.Team != "":
		*team = s.Team
	case s.AgentID != "":
		*agent = s.AgentID
	}
	return true
}

// Holds reports whether a record of agent and team is in the scope.
func (s Scope) Holds(agent, team string) bool {
	switch {
	case s.None:
		return false
	case s.All:
		return true
	case s.Team != "":
		return team == s.Team
	default:
		return agent == s.AgentID
	}
}

// Scope returns the records u may see: all, their team's, or their own.
func (u *User) Scope() Scope {
	switch {
	case u.Can(PermRecordsAll):
		return Scope{All: true}
	case u.Can(PermRecordsTeam) && u.Team != "":
		return Scope{Team: u.Team}
	case u.Can(PermRecordsOwn) && u.AgentID != "":
		return Scope{AgentID: u.AgentID}
	}
	return Scope{None: true}
}

type ctxKey struct{}

// WithUser returns ctx carrying the signed-in user.
func WithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, ctxKey{}, u)
}

// FromContext returns the signed-in user, or nil.
func FromContext(ctx context.Context) *User {
	u, _ := ctx.Value(ctxKey{}).(*User)
	return u
}
