package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"qloop/internal/qa"
	"qloop/internal/sample"
	"qloop/internal/sentiment"
)

// SamplingPlan is a stored sampling plan.
type SamplingPlan struct {
	ID        int64       `json:"id"`
	Plan      sample.Plan `json:"plan"`
	CreatedBy string      `json:"created_by"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
}

// PlanRun is one run of a plan: what it drew from each stratum and why.
type PlanRun struct {
	ID       int64         `json:"id"`
	PlanID   int64         `json:"plan_id"`
	Seed     int64         `json:"seed"`
	RanBy    string        `json:"ran_by"`
	RanAt    time.Time     `json:"ran_at"`
	DueAt    time.Time     `json:"due_at"`
	Excluded int           `json:"excluded"` // records left out because an earlier run already drew them
	Tasks    int           `json:"tasks"`    // review tasks created
	Result   sample.Result `json:"result"`
}

// SavePlan creates the plan or, when one of that name exists, replaces it.
func (t *Tx) SavePlan(p *SamplingPlan) (created bool, err error) {
	var id int64
	err = t.tx.QueryRowContext(t.ctx, `SELECT id FROM sampling_plans WHERE name = $1`+t.lock(), p.Plan.Name).Scan(&id)
	p.UpdatedAt = t.now
	if err == nil {
		var old SamplingPlan
		if err := getDoc(t.ctx, t.tx, "sampling_plans", id, "", "抽样计划", "sampling plan", &old); err != nil {
			return false, err
		}
		p.ID, p.CreatedAt, p.CreatedBy = id, old.CreatedAt, old.CreatedBy
		return false, t.updateDoc("sampling_plans", id, []string{"updated_at"}, []any{ms(t.now)}, p)
	}
	p.CreatedAt = t.now
	_, err = t.insertDoc("sampling_plans", []string{"name", "created_by", "created_at", "updated_at"},
		[]any{p.Plan.Name, p.CreatedBy, ms(t.now), ms(t.now)}, p)
	return true, err
}

// Plans returns every sampling plan by name.
func (s *Store) Plans(ctx context.Context) ([]SamplingPlan, error) {
	return listDocs[SamplingPlan](ctx, s.r, `SELECT id, data FROM sampling_plans ORDER BY name`)
}

// Plan returns plan id.
func (s *Store) Plan(ctx context.Context, id int64) (*SamplingPlan, error) {
	var p SamplingPlan
	return &p, getDoc(ctx, s.r, "sampling_plans", id, "", "抽样计划", "sampling plan", &p)
}

// PlanByName returns the plan named name.
func (s *Store) PlanByName(ctx context.Context, name string) (*SamplingPlan, error) {
	var id int64
	if err := s.r.QueryRowContext(ctx, `SELECT id FROM sampling_plans WHERE name = $1`, name).Scan(&id); err != nil {
		return nil, qa.NewError(qa.ENotFound, fmt.Sprintf("没有抽样计划 %q no sampling plan named %q", name, name))
	}
	return s.Plan(ctx, id)
}

// InsertRun stores a run (ID set).
func (t *Tx) InsertRun(r *PlanRun) error {
	r.RanAt = t.now
	_, err := t.insertDoc("plan_runs", []string{"plan_id", "ran_at"}, []any{r.PlanID, ms(r.RanAt)}, r)
	return err
}

// SaveRun rewrites a run.
func (t *Tx) SaveRun(r *PlanRun) error { return t.updateDoc("plan_runs", r.ID, nil, nil, r) }

// Runs returns a plan's runs, newest first.
func (s *Store) Runs(ctx context.Context, planID int64) ([]PlanRun, error) {
	return listDocs[PlanRun](ctx, s.r, `SELECT id, data FROM plan_runs WHERE plan_id = $1 ORDER BY ran_at DESC, id DESC LIMIT 100`, planID)
}

// Candidates returns what the sampler needs of every current record started in [from, to) (zero =
// unbounded) on the given channels and business types (empty = all). Transfers, escalation and
// the customer's mood come from each record's JSON, so this reads whole records: a batch job.
func (s *Store) Candidates(ctx context.Context, from, to time.Time, channels, businessTypes []string) ([]sample.Candidate, error) {
	c := newConds()
	if !from.IsZero() {
		c.add("r.started_at >=", ms(from))
	}
	if !to.IsZero() {
		c.add("r.started_at <", ms(to))
	}
	c.in("r.channel", channels)
	c.in("r.business_type", businessTypes)
	rows, err := s.r.QueryContext(ctx, `SELECT r.auto_score, v.data FROM records r
		JOIN record_revisions v ON v.record_id = r.id AND v.rev = r.rev WHERE `+c.where+` ORDER BY r.id`, c.args...)
	if err != nil {
		return nil, fmt.Errorf("store: sampling candidates: %w", err)
	}
	defer rows.Close()
	mood := sentiment.Default()
	var out []sample.Candidate
	for rows.Next() {
		var score *float64
		var data []byte
		if err := rows.Scan(&score, &data); err != nil {
			return nil, fmt.Errorf("store: sampling candidates: %w", err)
		}
		var r qa.Record
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, fmt.Errorf("store: decode record: %w", err)
		}
		c := sample.Candidate{ID: r.ID, AgentID: r.AgentID, Team: r.Team, Channel: r.Channel, BusinessType: r.BusinessType,
			CustomerTier: r.CustomerTier, StartedAt: r.StartedAt, Score: score, Complaint: r.IsComplaint(), Tags: r.Tags}
		if r.Ticket != nil {
			c.Transfers, c.Escalated = r.Ticket.Transfers, r.Ticket.Escalated
		}
		for _, t := range r.Turns {
			if t.Speaker == qa.SpeakerCustomer && mood.Score(t.Text) <= sentiment.Upset {
				c.Upset = true
				break
			}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
