package workflow

import (
	"context"
	"fmt"
	"strings"

	"qloop/internal/auth"
	"qloop/internal/knowledge"
	"qloop/internal/mask"
	"qloop/internal/qa"
	"qloop/internal/review"
	"qloop/internal/sample"
	"qloop/internal/store"
	"qloop/internal/view"
)

// SavePlan stores a sampling plan after checking it and its inspectors.
func (s *Service) SavePlan(ctx context.Context, u *auth.User, p sample.Plan) (*store.SamplingPlan, bool, error) {
	if err := need(u, auth.PermSampling); err != nil {
		return nil, false, err
	}
	if err := p.Validate(); err != nil {
		return nil, false, err
	}
	var bad []string
	for _, q := range p.Inspectors {
		iu, err := s.Store.UserByUsername(ctx, q.Inspector)
		if err != nil || iu.Disabled || !iu.Can(auth.PermReview) {
			bad = append(bad, q.Inspector)
		}
	}
	if len(bad) > 0 {
		return nil, false, qa.NewError(qa.EInvalid, fmt.Sprintf("inspectors: %s 不是可用的质检员账号 are not enabled inspector accounts",
			strings.Join(bad, ", ")))
	}
	sp := &store.SamplingPlan{Plan: p, CreatedBy: u.Username}
	var created bool
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		var err error
		if created, err = tx.SavePlan(sp); err != nil {
			return err
		}
		return tx.Audit(u, "plan.save", "plan", sp.ID, "", nil, sp.Plan)
	})
	return sp, created, err
}

// RunPlan draws a sample by plan id with seed (0 = from the clock) and creates a review task for
// every assigned draw. Records an earlier run drew are left out, so running a plan again never
// gives a record to review twice.
func (s *Service) RunPlan(ctx context.Context, u *auth.User, planID, seed int64) (*store.PlanRun, error) {
	if err := need(u, auth.PermSampling); err != nil {
		return nil, err
	}
	sp, err := s.Store.Plan(ctx, planID)
	if err != nil {
		return nil, err
	}
	p := sp.Plan
	from, to := p.From, p.To
	if p.Special != nil {
		from, to = p.Special.From, p.Special.To
	}
	cands, err := s.Store.Candidates(ctx, from, to, p.Channels, p.BusinessTypes)
	if err != nil {
		return nil, err
	}
	sampled, err := s.Store.SampledRecords(ctx)
	if err != nil {
		return nil, err
	}
	run := &store.PlanRun{PlanID: planID, Seed: seed, RanBy: u.Username}
	kept := cands[:0]
	for _, c := range cands {
		if sampled[c.ID] {
			run.Excluded++
			continue
		}
		kept = append(kept, c)
	}
	if run.Seed == 0 {
		run.Seed = s.Store.Now().UnixNano()
	}
	res, err := sample.Run(p, kept, run.Seed)
	if err != nil {
		return nil, err
	}
	run.Result = res
	inspectors := map[string]int64{}
	for _, q := range p.Inspectors {
		iu, err := s.Store.UserByUsername(ctx, q.Inspector)
		if err != nil {
			return nil, qa.NewError(qa.EInvalid, fmt.Sprintf("质检员 %q 不存在 inspector %q no longer exists: edit the plan", q.Inspector, q.Inspector))
		}
		inspectors[q.Inspector] = iu.ID
	}
	err = s.Store.Update(ctx, func(tx *store.Tx) error {
		run.DueAt = tx.Now().Add(s.taskDue())
		if p.Special != nil {
			run.DueAt = p.Special.Deadline()
		}
		if err := tx.InsertRun(run); err != nil {
			return err
		}
		var tasks []review.Task
		for _, d := range res.Draws {
			if d.Inspector == "" {
				continue
			}
			tasks = append(tasks, review.Task{Kind: review.TaskSample, RecordID: d.RecordID, InspectorID: inspectors[d.Inspector],
				Reason: d.Reason, Stratum: d.Stratum, PlanID: planID, RunID: run.ID, DueAt: run.DueAt})
		}
		if err := tx.CreateTasks(tasks); err != nil {
			return err
		}
		for _, tk := range tasks { // each drawn record's history starts with why it was drawn
			if err := tx.Audit(u, "task.create", "task", tk.ID, tk.RecordID, nil, map[string]any{"plan": p.Name, "run": run.ID,
				"reason": tk.Reason, "stratum": tk.Stratum, "inspector_id": tk.InspectorID}); err != nil {
				return err
			}
		}
		run.Tasks = len(tasks)
		if err := tx.SaveRun(run); err != nil {
			return err
		}
		for name, n := range res.ByInspector {
			if n > 0 {
				if err := tx.NotifyUser(inspectors[name], "task", fmt.Sprintf("抽样计划 %s 分配了 %d 条复核任务 %d review tasks from plan %s", p.Name, n, n, p.Name), "/reviews"); err != nil {
					return err
				}
			}
		}
		return tx.Audit(u, "plan.run", "plan", planID, "", nil, map[string]any{"run": run.ID, "seed": run.Seed,
			"population": res.Population, "drawn": len(res.Draws), "tasks": run.Tasks, "unassigned": res.Unassigned, "excluded": run.Excluded})
	})
	return run, err
}

// AssignTask gives a record to an inspector by hand (a supervisor's decision outside any plan).
func (s *Service) AssignTask(ctx context.Context, u *auth.User, recordID string, inspectorID int64) (*review.Task, error) {
	if err := need(u, auth.PermReviewManage); err != nil {
		return nil, err
	}
	if _, _, err := s.record(ctx, u, recordID); err != nil {
		return nil, err
	}
	iu, err := s.userByID(ctx, inspectorID, "inspector_id")
	if err != nil {
		return nil, err
	}
	if !iu.Can(auth.PermReview) {
		return nil, qa.NewError(qa.EInvalid, fmt.Sprintf("%s 不是质检员 %s is not an inspector", iu.Username, iu.Username))
	}
	open, err := s.Store.Tasks(ctx, store.TaskFilter{RecordID: recordID, Status: review.TaskOpen})
	if err != nil {
		return nil, err
	}
	for _, o := range open {
		if o.Kind == review.TaskSample {
			return nil, qa.NewError(qa.EConflict, fmt.Sprintf("记录 %s 已有待复核任务 (%s) record %s already waits for review by %s", recordID, o.Inspector, recordID, o.Inspector))
		}
	}
	t := review.Task{Kind: review.TaskSample, RecordID: recordID, InspectorID: iu.ID, Reason: "manual"}
	err = s.Store.Update(ctx, func(tx *store.Tx) error {
		t.DueAt = tx.Now().Add(s.taskDue())
		ts := []review.Task{t}
		if err := tx.CreateTasks(ts); err != nil {
			return err
		}
		t = ts[0]
		if err := tx.NotifyUser(iu.ID, "task", "新的复核任务 a new review task: "+recordID, fmt.Sprintf("/reviews/%d", t.ID)); err != nil {
			return err
		}
		return tx.Audit(u, "task.assign", "task", t.ID, recordID, nil, map[string]any{"inspector": iu.Username})
	})
	t.Inspector = iu.Username
	return &t, err
}

// Tasks returns review tasks: an inspector's own queue, or everyone's for a supervisor.
func (s *Service) Tasks(ctx context.Context, u *auth.User, f store.TaskFilter) ([]review.Task, error) {
	if err := need(u, auth.PermReview); err != nil {
		return nil, err
	}
	if !u.Can(auth.PermReviewManage) {
		f.InspectorID = u.ID
	}
	return s.Store.Tasks(ctx, f)
}

// Form is what a reviewer sees: the record (masked as their role requires), the automatic results,
// the item scores to start from and the knowledge base's standard answers for the topics raised.
type Form struct {
	Task      review.Task        `json:"task"`
	Record    *qa.Record         `json:"record"`
	Scorecard *qa.Scorecard      `json:"scorecard"`
	Auto      *qa.Inspection     `json:"auto"`
	Items     []review.ItemScore `json:"items"`
	Knowledge []knowledge.Result `json:"knowledge"`
	Review    *review.Review     `json:"review,omitempty"` // the submitted review, once done
	Dispute   *review.Dispute    `json:"dispute,omitempty"`
}

// Form returns task id's review form; only its inspector (or a supervisor) may open it.
func (s *Service) Form(ctx context.Context, u *auth.User, taskID int64) (*Form, error) {
	if err := need(u, auth.PermReview); err != nil {
		return nil, err
	}
	t, err := s.Store.Task(ctx, taskID)
	if err != nil {
		return nil, err
	}
	if t.InspectorID != u.ID && !u.Can(auth.PermReviewManage) {
		return nil, qa.NewError(qa.ENotFound, fmt.Sprintf("没有复核任务 %d no review task with id %d", taskID, taskID))
	}
	rec, rev, err := s.record(ctx, u, t.RecordID)
	if err != nil {
		return nil, err
	}
	sc, auto, err := s.inspection(ctx, rec, rev)
	if err != nil {
		return nil, err
	}
	kb, err := s.Knowledge(ctx)
	if err != nil {
		return nil, err
	}
	f := &Form{Task: t, Scorecard: sc, Items: review.Prefill(sc, auto)}
	var ins []qa.Inspection
	if auto != nil {
		ins = []qa.Inspection{*auto}
	}
	f.Record, ins = view.Record(u, rec, ins)
	if len(ins) > 0 {
		f.Auto = &ins[0]
	}
	f.Knowledge = kb.Check(f.Record) // on the record as u sees it: quoted text is masked too
	if f.Knowledge == nil {
		f.Knowledge = []knowledge.Result{}
	}
	if t.DisputeID != 0 {
		if d, err := s.Store.Dispute(ctx, t.DisputeID); err == nil {
			dc := *d
			dc.FirstScore = nil // blind: the second reviewer does not see the first score
			f.Dispute = &dc
		}
	}
	if t.Status == review.TaskDone {
		all, err := s.Store.Reviews(ctx, t.RecordID)
		if err != nil {
			return nil, err
		}
		for i := range all {
			if all[i].TaskID == t.ID {
				rv := maskReview(u, all[i])
				f.Review = &rv
			}
		}
	}
	return f, nil
}

// Submit stores the review of task id by its inspector; a first review is final at once and becomes
// the record's score (store.Tx.SettleResult). A problem marked major becomes a major
// incident: the QA supervisor and the operations manager are told at once (C4). The second review
// of a dispute moves the dispute on to the supervisor's decision.
func (s *Service) Submit(ctx context.Context, u *auth.User, taskID int64, in review.Input) (*review.Review, error) {
	if err := need(u, auth.PermReview); err != nil {
		return nil, err
	}
	t, err := s.Store.Task(ctx, taskID)
	if err != nil {
		return nil, err
	}
	if t.InspectorID != u.ID {
		return nil, qa.NewError(qa.EForbidden, "只有被分派的质检员可以提交此复核 only the inspector the task is assigned to may submit it")
	}
	rec, rev, err := s.record(ctx, u, t.RecordID)
	if err != nil {
		return nil, err
	}
	sc, auto, err := s.inspection(ctx, rec, rev)
	if err != nil {
		return nil, err
	}
	items, scored, err := review.Score(sc, auto, in.Items)
	if err != nil {
		return nil, err
	}
	for i := range in.Problems {
		if in.Problems[i].ServiceTime.IsZero() {
			in.Problems[i].ServiceTime = rec.StartedAt
		}
	}
	if err := review.ValidateProblems(sc, in.Problems); err != nil {
		return nil, err
	}
	rv := &review.Review{TaskID: t.ID, RecordID: rec.ID, Rev: rev, Scorecard: sc.Name, Version: sc.Version, ReviewerID: u.ID,
		Reviewer: u.Username, Kind: review.KindReview, Status: review.StatusFinal, Items: items, Score: scored.Score,
		Passed: scored.Passed, Fatal: scored.Fatal, Comment: strings.TrimSpace(in.Comment), Problems: in.Problems,
		AgentID: rec.AgentID, Team: rec.Team}
	if rv.Problems == nil {
		rv.Problems = []review.Problem{}
	}
	if auto != nil {
		rv.AutoScore = &auto.Score
	}
	if t.Kind == review.TaskDispute {
		rv.Kind, rv.Status = review.KindRereview, review.StatusSecond
	}
	var incidents []review.Incident
	err = s.Store.Update(ctx, func(tx *store.Tx) error {
		cur, err := tx.TaskForUpdate(t.ID)
		if err != nil {
			return err
		}
		if cur.Status != review.TaskOpen || cur.InspectorID != u.ID {
			return qa.NewError(qa.EConflict, "此复核任务已完成或已转派 this task is already done or was reassigned")
		}
		if err := tx.InsertReview(rv); err != nil {
			return err
		}
		// A final review is the record's score from now on, in every list and figure.
		if _, _, err := tx.SettleResult(rec.ID); err != nil {
			return err
		}
		if err := tx.SetTask(t.ID, review.TaskDone, u.ID); err != nil {
			return err
		}
		if err := tx.Audit(u, "review.submit", "review", rv.ID, rec.ID, nil, map[string]any{"kind": rv.Kind,
			"scorecard": rv.Scorecard, "version": rv.Version, "score": rv.Score, "passed": rv.Passed, "auto_score": rv.AutoScore}); err != nil {
			return err
		}
		for _, it := range rv.Items {
			if it.Override {
				if err := tx.Audit(u, "review.override", "review", rv.ID, rec.ID,
					map[string]any{"item": it.Item, "result": it.Auto, "level": it.AutoLevel},
					map[string]any{"item": it.Item, "result": it.Result, "level": it.Level, "reason": it.Reason}); err != nil {
					return err
				}
			}
		}
		if t.Kind == review.TaskDispute {
			d, err := tx.DisputeForUpdate(t.DisputeID)
			if err != nil {
				return err
			}
			before := *d
			d.Status, d.RereviewID, d.RereviewedAt, d.SecondScore = review.DisputeDecision, rv.ID, tx.Now(), &rv.Score
			if err := tx.SaveDispute(d); err != nil {
				return err
			}
			if err := tx.Audit(u, "dispute.rereview", "dispute", d.ID, rec.ID, disputeState(&before), disputeState(d)); err != nil {
				return err
			}
			if _, err := tx.Notify(auth.PermDisputeDecide, "dispute", fmt.Sprintf("申诉 #%d 复核完成, 待裁决 dispute #%d is re-reviewed and waits for your decision", d.ID, d.ID), fmt.Sprintf("/disputes/%d", d.ID)); err != nil {
				return err
			}
		}
		for _, p := range rv.Problems {
			if !p.Major {
				continue
			}
			inc := review.Incident{ProblemID: p.ID, ReviewID: rv.ID, RecordID: rec.ID, AgentID: rec.AgentID, Team: rec.Team,
				Severity: p.Severity, Summary: p.Behaviour, Status: "open", ReportedBy: u.Username, CreatedAt: tx.Now()}
			if err := tx.InsertIncident(&inc); err != nil {
				return err
			}
			if _, err := tx.Notify(auth.PermIncidents, "incident", fmt.Sprintf("重大事故 #%d: 坐席 %s, 记录 %s major incident #%d: agent %s, record %s",
				inc.ID, rec.AgentID, rec.ID, inc.ID, rec.AgentID, rec.ID), "/incidents"); err != nil {
				return err
			}
			if err := tx.Audit(u, "incident.report", "incident", inc.ID, rec.ID, nil, map[string]any{"severity": inc.Severity, "problem": p.ID}); err != nil {
				return err
			}
			incidents = append(incidents, inc)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, inc := range incidents {
		s.postIncident(inc)
	}
	return rv, nil
}

// disputeState is what the audit trail keeps of a dispute step.
func disputeState(d *review.Dispute) map[string]any {
	return map[string]any{"status": d.Status, "rereviewer": d.Rereviewer, "decision": d.Decision,
		"first_score": d.FirstScore, "second_score": d.SecondScore, "final_score": d.FinalScore}
}

// CloseIncident closes a major incident with a note.
func (s *Service) CloseIncident(ctx context.Context, u *auth.User, id int64, note string) (*review.Incident, error) {
	if err := need(u, auth.PermIncidents); err != nil {
		return nil, err
	}
	if strings.TrimSpace(note) == "" {
		return nil, qa.NewError(qa.EInvalid, "请写明处理结果 say how the incident was handled")
	}
	var inc *review.Incident
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		var err error
		if inc, err = tx.IncidentForUpdate(id); err != nil {
			return err
		}
		if inc.Status == "closed" {
			return qa.NewError(qa.EConflict, "此事故已关闭 the incident is already closed")
		}
		inc.Status, inc.ClosedBy, inc.ClosedAt, inc.CloseNote = "closed", u.Username, tx.Now(), strings.TrimSpace(note)
		if err := tx.SaveIncident(inc); err != nil {
			return err
		}
		return tx.Audit(u, "incident.close", "incident", id, inc.RecordID, map[string]any{"status": "open"},
			map[string]any{"status": "closed", "note": inc.CloseNote})
	})
	return inc, err
}

// Incidents lists major incidents for those who receive them.
func (s *Service) Incidents(ctx context.Context, u *auth.User, openOnly bool) ([]review.Incident, error) {
	if err := need(u, auth.PermIncidents); err != nil {
		return nil, err
	}
	list, err := s.Store.Incidents(ctx, openOnly)
	if err == nil && !u.Can(auth.PermPersonalData) {
		for i := range list {
			list[i].Summary, list[i].CloseNote = mask.Text(list[i].Summary), mask.Text(list[i].CloseNote)
		}
	}
	return list, err
}
