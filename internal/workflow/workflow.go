// Package workflow carries out the steps of human review and fairness (C2–C4, D1–D3, B4, H4) for a
// signed-in user: it checks the user's permission (auth.Matrix) and record scope, applies the state
// machines of package review, and writes each step with its audit line in one transaction. The API
// and the console both call it, so the rules hold the same on every surface.
package workflow

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"qloop/internal/auth"
	"qloop/internal/knowledge"
	"qloop/internal/mask"
	"qloop/internal/qa"
	"qloop/internal/review"
	"qloop/internal/store"
	"qloop/internal/view"
)

// Service runs the workflow on a store.
type Service struct {
	Store *store.Store
	Log   *slog.Logger
	// DisputeWindow is how long after a review its score may be disputed (default 7 days).
	DisputeWindow time.Duration
	// TaskDue is how long a review task may stay open (default 3 days).
	TaskDue time.Duration
	// Webhook, when set, receives a JSON POST for every major incident.
	Webhook string
	// BaseURL prefixes links sent out of qloop (the webhook), e.g. http://qa.example.com.
	BaseURL string
	Client  *http.Client
}

func (s *Service) disputeWindow() time.Duration {
	if s.DisputeWindow > 0 {
		return s.DisputeWindow
	}
	return 7 * 24 * time.Hour
}

func (s *Service) taskDue() time.Duration {
	if s.TaskDue > 0 {
		return s.TaskDue
	}
	return 3 * 24 * time.Hour
}

func need(u *auth.User, p auth.Perm) error {
	if !u.Can(p) {
		return qa.NewError(qa.EForbidden, "你的角色不能执行此操作 your role may not do this; see docs/roles.md")
	}
	return nil
}

// record loads a record u may see, or not-found word for word like a missing one.
func (s *Service) record(ctx context.Context, u *auth.User, id string) (*qa.Record, int, error) {
	rec, rev, err := s.Store.Record(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	if !view.Visible(u, rec) {
		return nil, 0, qa.NewError(qa.ENotFound, fmt.Sprintf("record %q not found", id))
	}
	return rec, rev, nil
}

// visibleReview reports whether u may see rv: its record is in u's scope, and u is not reviewing
// the record blind (a second reviewer sees only their own review until it is in).
func (s *Service) visibleReview(ctx context.Context, u *auth.User, rv *review.Review) (bool, error) {
	if !view.Visible(u, &qa.Record{AgentID: rv.AgentID, Team: rv.Team}) {
		return false, nil
	}
	if rv.ReviewerID == u.ID {
		return true, nil
	}
	blind, err := s.Store.BlindFor(ctx, u.ID, rv.RecordID)
	return !blind, err
}

// scopeFilter narrows a workflow list to u's records.
func scopeFilter(u *auth.User, f store.ScopeFilter) (store.ScopeFilter, bool) {
	sc := u.Scope()
	switch {
	case sc.None:
		return f, false
	case sc.Team != "":
		f.Team = sc.Team
	case sc.AgentID != "":
		f.AgentID = sc.AgentID
	}
	return f, true
}

// inspection returns the automatic inspection a review of rec starts from: the latest one of the
// record's current revision, else the latest at all; with its scorecard version.
func (s *Service) inspection(ctx context.Context, rec *qa.Record, rev int) (*qa.Scorecard, *qa.Inspection, error) {
	ins, err := s.Store.Inspections(ctx, rec.ID)
	if err != nil {
		return nil, nil, err
	}
	var auto *qa.Inspection
	for i := range ins {
		if ins[i].RecordRev == rev {
			auto = &ins[i]
			break
		}
	}
	if auto == nil && len(ins) > 0 {
		auto = &ins[0]
	}
	if auto != nil {
		sc, _, _, err := s.Store.Scorecard(ctx, auto.Scorecard, auto.Version)
		return sc, auto, err
	}
	active, err := s.Store.ActiveScorecards(ctx)
	if err != nil {
		return nil, nil, err
	}
	for i := range active {
		if active[i].AppliesTo.Matches(rec) {
			return &active[i], nil, nil
		}
	}
	return nil, nil, qa.NewError(qa.EInvalid, fmt.Sprintf("记录 %q 没有适用的质检标准 no active scorecard applies to record %q: import or activate one", rec.ID, rec.ID))
}

// userByID returns an enabled user, or invalid naming what for.
func (s *Service) userByID(ctx context.Context, id int64, what string) (*auth.User, error) {
	u, err := s.Store.User(ctx, id)
	if err != nil || u.Disabled {
		return nil, qa.NewError(qa.EInvalid, fmt.Sprintf("%s: 没有可用的账号 %d no enabled account with id %d", what, id, id))
	}
	return u, nil
}

// incidentEvent is the webhook's body: no customer personal data, only what to act on and a link.
type incidentEvent struct {
	Event     string    `json:"event"`
	ID        int64     `json:"id"`
	RecordID  string    `json:"record_id"`
	AgentID   string    `json:"agent_id"`
	Team      string    `json:"team"`
	Severity  string    `json:"severity"`
	Summary   string    `json:"summary"`
	Reporter  string    `json:"reported_by"`
	CreatedAt time.Time `json:"created_at"`
	Link      string    `json:"link"`
}

// postIncident sends one incident to the webhook; failures are logged, never block the review.
func (s *Service) postIncident(in review.Incident) {
	if s.Webhook == "" {
		return
	}
	ev := incidentEvent{Event: "incident.created", ID: in.ID, RecordID: in.RecordID, AgentID: in.AgentID, Team: in.Team,
		Severity: in.Severity, Summary: mask.Text(in.Summary), Reporter: in.ReportedBy, CreatedAt: in.CreatedAt,
		Link: s.BaseURL + "/incidents"}
	body, _ := json.Marshal(ev)
	client := s.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	go func() {
		for attempt := range 3 {
			resp, err := client.Post(s.Webhook, "application/json", bytes.NewReader(body))
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode < 300 {
					s.Log.Info("incident webhook delivered", "incident", in.ID, "status", resp.StatusCode)
					return
				}
				err = fmt.Errorf("status %d", resp.StatusCode)
			}
			s.Log.Warn("incident webhook failed", "incident", in.ID, "attempt", attempt+1, "err", err)
			time.Sleep(time.Duration(attempt+1) * time.Second)
		}
	}()
}

// Knowledge returns the compiled knowledge base.
func (s *Service) Knowledge(ctx context.Context) (*knowledge.Base, error) {
	entries, err := s.Store.Knowledge(ctx)
	if err != nil {
		return nil, err
	}
	return knowledge.Compile(entries)
}

// SaveKnowledge creates or replaces a knowledge-base entry.
func (s *Service) SaveKnowledge(ctx context.Context, u *auth.User, e *knowledge.Entry) error {
	if err := need(u, auth.PermKnowledgeEdit); err != nil {
		return err
	}
	if err := e.Validate(); err != nil {
		return err
	}
	e.UpdatedBy = u.Username
	return s.Store.Update(ctx, func(tx *store.Tx) error {
		if err := tx.SaveKnowledge(e); err != nil {
			return err
		}
		return tx.Audit(u, "knowledge.save", "knowledge", e.ID, "", nil, e)
	})
}

// DeleteKnowledge removes a knowledge-base entry.
func (s *Service) DeleteKnowledge(ctx context.Context, u *auth.User, id int64) error {
	if err := need(u, auth.PermKnowledgeEdit); err != nil {
		return err
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteKnowledge(id); err != nil {
			return err
		}
		return tx.Audit(u, "knowledge.delete", "knowledge", id, "", nil, nil)
	})
}

// History returns the audit trail of a record as u may see it: nothing of it while u reviews the
// record blind, except u's own steps.
func (s *Service) History(ctx context.Context, u *auth.User, recordID string) ([]review.AuditEntry, error) {
	if _, _, err := s.record(ctx, u, recordID); err != nil {
		return nil, err
	}
	entries, err := s.Store.AuditLog(ctx, store.AuditFilter{RecordID: recordID, Limit: 500})
	if err != nil {
		return nil, err
	}
	blind, err := s.Store.BlindFor(ctx, u.ID, recordID)
	if err != nil {
		return nil, err
	}
	if blind {
		entries = slices.DeleteFunc(entries, func(e review.AuditEntry) bool { return e.ActorID != u.ID })
	}
	if !u.Can(auth.PermPersonalData) {
		for i := range entries {
			entries[i].Before, entries[i].After = mask.Text(entries[i].Before), mask.Text(entries[i].After)
		}
	}
	return entries, nil
}

// RecordReviews returns the reviews of a record that u may see.
func (s *Service) RecordReviews(ctx context.Context, u *auth.User, recordID string) ([]review.Review, error) {
	all, err := s.Store.Reviews(ctx, recordID)
	if err != nil {
		return nil, err
	}
	out := []review.Review{}
	for i := range all {
		ok, err := s.visibleReview(ctx, u, &all[i])
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, maskReview(u, all[i]))
		}
	}
	return out, nil
}

// maskReview masks the free text of a review for viewers without the personal-data right: an
// inspector may quote the customer.
func maskReview(u *auth.User, rv review.Review) review.Review {
	if u.Can(auth.PermPersonalData) {
		return rv
	}
	rv.Comment = mask.Text(rv.Comment)
	items := slices.Clone(rv.Items)
	for i := range items {
		items[i].Reason, items[i].Note = mask.Text(items[i].Reason), mask.Text(items[i].Note)
	}
	rv.Items = items
	ps := slices.Clone(rv.Problems)
	for i := range ps {
		ps[i].CustomerProblem, ps[i].Behaviour = mask.Text(ps[i].CustomerProblem), mask.Text(ps[i].Behaviour)
	}
	rv.Problems = ps
	return rv
}
