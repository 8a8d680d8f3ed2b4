package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"qloop/internal/qa"
	"qloop/internal/review"
)

const taskCols = `t.id, t.kind, t.record_id, t.inspector_id, u.username, t.status, t.reason, t.stratum, t.plan_id, t.run_id,
	t.dispute_id, t.blind, t.due_at, t.created_at, t.done_at, r.agent_id, r.channel, r.started_at, r.auto_score`

const taskFrom = ` FROM review_tasks t JOIN users u ON u.id = t.inspector_id JOIN records r ON r.id = t.record_id`

func scanTask(row scanner) (review.Task, error) {
	var t review.Task
	var due, created, done, started int64
	var score sql.NullFloat64
	err := row.Scan(&t.ID, &t.Kind, &t.RecordID, &t.InspectorID, &t.Inspector, &t.Status, &t.Reason, &t.Stratum,
		&t.PlanID, &t.RunID, &t.DisputeID, &t.Blind, &due, &created, &done, &t.AgentID, &t.Channel, &started, &score)
	t.DueAt, t.CreatedAt, t.DoneAt, t.StartedAt = fromMS(due), fromMS(created), fromMS(done), fromMS(started)
	if score.Valid {
		t.AutoScore = &score.Float64
	}
	return t, err
}

// CreateTasks stores tasks (their ID and CreatedAt are set).
func (t *Tx) CreateTasks(tasks []review.Task) error {
	for i := range tasks {
		k := &tasks[i]
		k.CreatedAt, k.Status = t.now, review.TaskOpen
		err := t.tx.QueryRowContext(t.ctx, `INSERT INTO review_tasks (kind, record_id, inspector_id, status, reason, stratum,
			plan_id, run_id, dispute_id, blind, due_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			RETURNING id`, k.Kind, k.RecordID, k.InspectorID, k.Status, k.Reason, k.Stratum, k.PlanID, k.RunID, k.DisputeID,
			k.Blind, ms(k.DueAt), ms(k.CreatedAt)).Scan(&k.ID)
		if err != nil {
			return fmt.Errorf("store: create task for %q: %w", k.RecordID, err)
		}
	}
	return nil
}

// TaskForUpdate returns task id, locked until the transaction ends.
func (t *Tx) TaskForUpdate(id int64) (review.Task, error) {
	tk, err := scanTask(t.tx.QueryRowContext(t.ctx, `SELECT `+taskCols+taskFrom+` WHERE t.id = $1`+t.lockOf("t"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return tk, qa.NewError(qa.ENotFound, fmt.Sprintf("没有复核任务 %d no review task with id %d", id, id))
	}
	return tk, err
}

func (t *Tx) lockOf(table string) string {
	if t.s.dialect == Postgres {
		return " FOR UPDATE OF " + table
	}
	return ""
}

// SetTask changes a task's status and inspector; done sets its done time.
func (t *Tx) SetTask(id int64, status string, inspectorID int64) error {
	done := int64(0)
	if status == review.TaskDone {
		done = ms(t.now)
	}
	res, err := t.tx.ExecContext(t.ctx, `UPDATE review_tasks SET status = $2, inspector_id = $3, done_at = $4 WHERE id = $1`,
		id, status, inspectorID, done)
	return oneRow(res, err, "复核任务", "review task", id)
}

// TaskFilter selects tasks.
type TaskFilter struct {
	InspectorID int64  // 0 = everyone's
	Status      string // "" = any
	RecordID    string
	RunID       int64
	Limit       int
}

// Tasks returns tasks, open ones by due time first, then newest.
func (s *Store) Tasks(ctx context.Context, f TaskFilter) ([]review.Task, error) {
	c := newConds()
	if f.InspectorID != 0 {
		c.add("t.inspector_id =", f.InspectorID)
	}
	if f.Status != "" {
		c.add("t.status =", f.Status)
	}
	if f.RecordID != "" {
		c.add("t.record_id =", f.RecordID)
	}
	if f.RunID != 0 {
		c.add("t.run_id =", f.RunID)
	}
	lim := c.limit(pageSize(f.Limit))
	rows, err := s.r.QueryContext(ctx, `SELECT `+taskCols+taskFrom+` WHERE `+c.where+
		` ORDER BY t.status = 'open' DESC, t.due_at, t.id DESC`+lim, c.args...)
	if err != nil {
		return nil, fmt.Errorf("store: list tasks: %w", err)
	}
	defer rows.Close()
	out := []review.Task{}
	for rows.Next() {
		tk, err := scanTask(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list tasks: %w", err)
		}
		out = append(out, tk)
	}
	return out, rows.Err()
}

// Task returns one task.
func (s *Store) Task(ctx context.Context, id int64) (review.Task, error) {
	tk, err := scanTask(s.r.QueryRowContext(ctx, `SELECT `+taskCols+taskFrom+` WHERE t.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return tk, qa.NewError(qa.ENotFound, fmt.Sprintf("没有复核任务 %d no review task with id %d", id, id))
	}
	return tk, err
}

// BlindFor reports whether user has an open blind task on record: then earlier reviews stay hidden from them.
func (s *Store) BlindFor(ctx context.Context, userID int64, recordID string) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM review_tasks WHERE inspector_id = $1 AND record_id = $2
		AND status = 'open' AND blind`, userID, recordID).Scan(&n)
	return n > 0, err
}

// SampledRecords returns the ids among the records from..to that already have a sampling task (any state).
func (s *Store) SampledRecords(ctx context.Context) (map[string]bool, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT record_id FROM review_tasks WHERE kind = 'sample' AND status <> 'cancelled'`)
	if err != nil {
		return nil, fmt.Errorf("store: sampled records: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// InsertReview stores rv and its problems (their IDs are set).
func (t *Tx) InsertReview(rv *review.Review) error {
	rv.CreatedAt = t.now
	if _, err := t.insertDoc("reviews", []string{"record_id", "task_id", "reviewer_id", "kind", "status", "agent_id", "team",
		"score", "passed", "created_at"}, []any{rv.RecordID, rv.TaskID, rv.ReviewerID, rv.Kind, rv.Status, rv.AgentID, rv.Team,
		rv.Score, rv.Passed, ms(rv.CreatedAt)}, rv); err != nil {
		return err
	}
	for i := range rv.Problems {
		p := &rv.Problems[i]
		p.ReviewID, p.RecordID, p.AgentID = rv.ID, rv.RecordID, rv.AgentID
		err := t.tx.QueryRowContext(t.ctx, `INSERT INTO problems (review_id, record_id, agent_id, service_time, customer_problem,
			dimension, item, behaviour, severity, major) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			p.ReviewID, p.RecordID, p.AgentID, ms(p.ServiceTime), p.CustomerProblem, p.Dimension, p.Item, p.Behaviour,
			p.Severity, p.Major).Scan(&p.ID)
		if err != nil {
			return fmt.Errorf("store: insert problem: %w", err)
		}
	}
	return t.updateDoc("reviews", rv.ID, nil, nil, rv)
}

// ReviewForUpdate returns review id, locked until the transaction ends.
func (t *Tx) ReviewForUpdate(id int64) (*review.Review, error) {
	var rv review.Review
	return &rv, getDoc(t.ctx, t.tx, "reviews", id, t.lock(), "复核", "review", &rv)
}

// SetReviewStatus changes a review's status.
func (t *Tx) SetReviewStatus(rv *review.Review, status string) error {
	rv.Status = status
	return t.updateDoc("reviews", rv.ID, []string{"status"}, []any{status}, rv)
}

// Review returns review id.
func (s *Store) Review(ctx context.Context, id int64) (*review.Review, error) {
	var rv review.Review
	return &rv, getDoc(ctx, s.r, "reviews", id, "", "复核", "review", &rv)
}

// Reviews returns the reviews of a record, oldest first.
func (s *Store) Reviews(ctx context.Context, recordID string) ([]review.Review, error) {
	return listDocs[review.Review](ctx, s.r, `SELECT id, data FROM reviews WHERE record_id = $1 ORDER BY created_at, id`, recordID)
}

// ReviewFilter selects reviews for lists.
type ReviewFilter struct {
	AgentID, Team string
	From, To      time.Time
	Limit         int
}

// ReviewList returns reviews newest first.
func (s *Store) ReviewList(ctx context.Context, f ReviewFilter) ([]review.Review, error) {
	c := newConds()
	if f.AgentID != "" {
		c.add("agent_id =", f.AgentID)
	}
	if f.Team != "" {
		c.add("team =", f.Team)
	}
	if !f.From.IsZero() {
		c.add("created_at >=", ms(f.From))
	}
	if !f.To.IsZero() {
		c.add("created_at <", ms(f.To))
	}
	lim := c.limit(pageSize(f.Limit))
	return listDocs[review.Review](ctx, s.r, `SELECT id, data FROM reviews WHERE `+c.where+` ORDER BY created_at DESC, id DESC`+lim, c.args...)
}

// InsertDispute stores d (ID set).
func (t *Tx) InsertDispute(d *review.Dispute) error {
	_, err := t.insertDoc("disputes", []string{"review_id", "record_id", "status", "agent_id", "team", "raised_at"},
		[]any{d.ReviewID, d.RecordID, d.Status, d.AgentID, d.Team, ms(d.RaisedAt)}, d)
	return err
}

// DisputeForUpdate returns dispute id, locked until the transaction ends.
func (t *Tx) DisputeForUpdate(id int64) (*review.Dispute, error) {
	var d review.Dispute
	return &d, getDoc(t.ctx, t.tx, "disputes", id, t.lock(), "申诉", "dispute", &d)
}

// SaveDispute writes d's state.
func (t *Tx) SaveDispute(d *review.Dispute) error {
	return t.updateDoc("disputes", d.ID, []string{"status"}, []any{d.Status}, d)
}

// Dispute returns dispute id.
func (s *Store) Dispute(ctx context.Context, id int64) (*review.Dispute, error) {
	var d review.Dispute
	return &d, getDoc(ctx, s.r, "disputes", id, "", "申诉", "dispute", &d)
}

// ScopeFilter narrows workflow lists to a viewer's records: a team, an agent, or everything.
type ScopeFilter struct {
	Team, AgentID string
	RecordID      string
	Open          bool // only what is not finished
	Limit         int
}

// query returns "SELECT id, data FROM table WHERE … ORDER BY order LIMIT …" over f, with openCond
// when f.Open, and its arguments.
func (f ScopeFilter) query(table, openCond, order string) (string, []any) {
	c := newConds()
	if f.Team != "" {
		c.add("team =", f.Team)
	}
	if f.AgentID != "" {
		c.add("agent_id =", f.AgentID)
	}
	if f.RecordID != "" {
		c.add("record_id =", f.RecordID)
	}
	if f.Open {
		c.where += " AND " + openCond
	}
	lim := c.limit(pageSize(f.Limit))
	return `SELECT id, data FROM ` + table + ` WHERE ` + c.where + ` ORDER BY ` + order + lim, c.args
}

// pageSize bounds a list's length: 200 unless asked for 1–1000.
func pageSize(n int) int {
	if n <= 0 || n > 1000 {
		return 200
	}
	return n
}

// Disputes returns disputes newest first.
func (s *Store) Disputes(ctx context.Context, f ScopeFilter) ([]review.Dispute, error) {
	q, args := f.query("disputes", "status NOT IN ('upheld', 'amended')", "raised_at DESC, id DESC")
	return listDocs[review.Dispute](ctx, s.r, q, args...)
}

// InsertSlip stores sl (ID set).
func (t *Tx) InsertSlip(sl *review.Slip) error {
	_, err := t.insertDoc("slips", []string{"review_id", "record_id", "step", "agent_id", "team", "due_at", "created_at"},
		[]any{sl.ReviewID, sl.RecordID, sl.Step, sl.AgentID, sl.Team, ms(sl.DueAt), ms(sl.CreatedAt)}, sl)
	return err
}

// SlipForUpdate returns slip id, locked until the transaction ends.
func (t *Tx) SlipForUpdate(id int64) (*review.Slip, error) {
	var sl review.Slip
	return &sl, getDoc(t.ctx, t.tx, "slips", id, t.lock(), "沟通单", "slip", &sl)
}

// SaveSlip writes sl's state.
func (t *Tx) SaveSlip(sl *review.Slip) error {
	return t.updateDoc("slips", sl.ID, []string{"step", "due_at"}, []any{sl.Step, ms(sl.DueAt)}, sl)
}

// Slip returns slip id.
func (s *Store) Slip(ctx context.Context, id int64) (*review.Slip, error) {
	var sl review.Slip
	return &sl, getDoc(ctx, s.r, "slips", id, "", "沟通单", "slip", &sl)
}

// Slips returns slips, open ones by due time first.
func (s *Store) Slips(ctx context.Context, f ScopeFilter) ([]review.Slip, error) {
	q, args := f.query("slips", "step <> 'closed'", "step = 'closed', due_at, id DESC")
	return listDocs[review.Slip](ctx, s.r, q, args...)
}

// InsertIncident stores in (ID set).
func (t *Tx) InsertIncident(in *review.Incident) error {
	_, err := t.insertDoc("incidents", []string{"record_id", "status", "created_at"}, []any{in.RecordID, in.Status, ms(in.CreatedAt)}, in)
	return err
}

// IncidentForUpdate returns incident id, locked until the transaction ends.
func (t *Tx) IncidentForUpdate(id int64) (*review.Incident, error) {
	var in review.Incident
	return &in, getDoc(t.ctx, t.tx, "incidents", id, t.lock(), "重大事故", "incident", &in)
}

// SaveIncident writes in's state.
func (t *Tx) SaveIncident(in *review.Incident) error {
	return t.updateDoc("incidents", in.ID, []string{"status"}, []any{in.Status}, in)
}

// Incidents returns incidents, open ones first, newest first.
func (s *Store) Incidents(ctx context.Context, openOnly bool) ([]review.Incident, error) {
	where := "1 = 1"
	if openOnly {
		where = "status = 'open'"
	}
	return listDocs[review.Incident](ctx, s.r, `SELECT id, data FROM incidents WHERE `+where+` ORDER BY status = 'open' DESC, created_at DESC, id DESC LIMIT 500`)
}
