package store_test

import (
	"strings"
	"testing"
	"time"

	"qloop/internal/auth"
	"qloop/internal/knowledge"
	"qloop/internal/qa"
	"qloop/internal/review"
	"qloop/internal/sample"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
)

// TestWorkflowStore: tasks, reviews with problems, disputes, slips, calibration scores, plans,
// knowledge and notifications round-trip on both databases, and the audit trail is append-only.
func TestWorkflowStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if _, err := s.UpsertRecords(ctx, []qa.Record{rec("w-1", "您好"), rec("w-2", "再见")}, "t"); err != nil {
			t.Fatal(err)
		}
		u := &auth.User{Username: "insp", Role: auth.RoleInspector}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		var rv review.Review
		err := s.Update(ctx, func(tx *store.Tx) error {
			tasks := []review.Task{{Kind: review.TaskSample, RecordID: "w-1", InspectorID: u.ID, Reason: "random", Blind: true, DueAt: tx.Now().Add(time.Hour)}}
			if err := tx.CreateTasks(tasks); err != nil {
				return err
			}
			rv = review.Review{TaskID: tasks[0].ID, RecordID: "w-1", ReviewerID: u.ID, Kind: review.KindReview, Status: review.StatusFinal,
				Score: 60, AgentID: "A001", Problems: []review.Problem{{CustomerProblem: "锁卡", Dimension: "d", Behaviour: "生硬", Severity: "严重", Major: true}}}
			if err := tx.InsertReview(&rv); err != nil {
				return err
			}
			if err := tx.Audit(u, "review.submit", "review", rv.ID, "w-1", nil, map[string]any{"score": 60}); err != nil {
				return err
			}
			_, err := tx.Notify(auth.PermIncidents, "incident", "x", "/incidents")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if rv.ID == 0 || rv.Problems[0].ID == 0 || rv.Problems[0].ReviewID != rv.ID {
			t.Fatalf("ids not set: %+v", rv)
		}
		got, err := s.Reviews(ctx, "w-1")
		if err != nil || len(got) != 1 || got[0].ID != rv.ID || got[0].Problems[0].Behaviour != "生硬" || got[0].CreatedAt.IsZero() {
			t.Fatalf("Reviews = %+v, %v", got, err)
		}
		blind, err := s.BlindFor(ctx, u.ID, "w-1")
		if err != nil || !blind {
			t.Fatalf("BlindFor = %v, %v", blind, err)
		}
		tasks, err := s.Tasks(ctx, store.TaskFilter{InspectorID: u.ID, Status: review.TaskOpen})
		if err != nil || len(tasks) != 1 || tasks[0].Inspector != "insp" || tasks[0].AgentID != "A017" {
			t.Fatalf("Tasks = %+v, %v", tasks, err)
		}
		sampled, err := s.SampledRecords(ctx)
		if err != nil || !sampled["w-1"] || sampled["w-2"] {
			t.Fatalf("SampledRecords = %v, %v", sampled, err)
		}

		// The audit trail refuses UPDATE and DELETE, and the failed transaction leaves it whole.
		for name, tamper := range map[string]func(tx *store.Tx) error{
			"update": store.UpdateAudit,
			"delete": store.DeleteAudit,
		} {
			err := s.Update(ctx, tamper)
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Fatalf("%s of audit_log: %v, want it refused as append-only", name, err)
			}
		}
		log, err := s.AuditLog(ctx, store.AuditFilter{RecordID: "w-1"})
		if err != nil || len(log) != 1 || log[0].Actor != "insp" || log[0].After != `{"score":60}` {
			t.Fatalf("AuditLog = %+v, %v", log, err)
		}

		// A dispute and a slip keep their state across writes; lists filter by scope.
		d := &review.Dispute{ReviewID: rv.ID, RecordID: "w-1", AgentID: "A001", Team: "一组", Status: review.DisputeOpen, RaisedAt: time.Now()}
		sl := &review.Slip{ReviewID: rv.ID, RecordID: "w-1", AgentID: "A001", Team: "一组", Step: review.SlipQASign, DueAt: time.Now()}
		err = s.Update(ctx, func(tx *store.Tx) error {
			if err := tx.InsertDispute(d); err != nil {
				return err
			}
			if err := tx.InsertSlip(sl); err != nil {
				return err
			}
			d2, err := tx.DisputeForUpdate(d.ID)
			if err != nil {
				return err
			}
			d2.Status = review.DisputeRereview
			return tx.SaveDispute(d2)
		})
		if err != nil {
			t.Fatal(err)
		}
		open, err := s.Disputes(ctx, store.ScopeFilter{Team: "一组", Open: true})
		if err != nil || len(open) != 1 || open[0].Status != review.DisputeRereview {
			t.Fatalf("Disputes = %+v, %v", open, err)
		}
		if other, _ := s.Disputes(ctx, store.ScopeFilter{AgentID: "A999"}); len(other) != 0 {
			t.Fatalf("another agent's disputes = %+v", other)
		}
		if slips, err := s.Slips(ctx, store.ScopeFilter{AgentID: "A001", Open: true}); err != nil || len(slips) != 1 {
			t.Fatalf("Slips = %+v, %v", slips, err)
		}
		if _, err := s.Dispute(ctx, 424242); qa.ErrorCode(err) != qa.ENotFound {
			t.Fatalf("missing dispute: %v", err)
		}

		// Calibration scores: one per (record, inspector), replaced on resubmission; inspector 0 is the answer.
		c := &review.Calibration{Title: "t", Status: review.CalibrationOpen, RecordIDs: []string{"w-1"}}
		err = s.Update(ctx, func(tx *store.Tx) error {
			if err := tx.InsertCalibration(c); err != nil {
				return err
			}
			for _, cs := range []review.CalScore{{RecordID: "w-1", InspectorID: u.ID, Score: 10}, {RecordID: "w-1", InspectorID: u.ID, Score: 20}, {RecordID: "w-1", Score: 30}} {
				if err := tx.SaveCalScore(c.ID, &cs); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		cal, err := s.Calibration(ctx, c.ID)
		if err != nil || len(cal.Scores) != 1 || cal.Scores[0].Score != 20 || len(cal.Answers) != 1 || cal.SubmittedBy[u.ID] != 1 {
			t.Fatalf("Calibration = %+v, %v", cal, err)
		}

		// Plans by name: saving again replaces; knowledge by topic.
		p := &store.SamplingPlan{Plan: sample.Plan{Name: "月度", Rate: 0.1}}
		for i, wantCreated := range []bool{true, false} {
			var created bool
			if err := s.Update(ctx, func(tx *store.Tx) (err error) { created, err = tx.SavePlan(p); return err }); err != nil || created != wantCreated {
				t.Fatalf("SavePlan #%d: created %v, %v", i, created, err)
			}
		}
		if ps, _ := s.Plans(ctx); len(ps) != 1 || ps[0].Plan.Name != "月度" {
			t.Fatalf("Plans = %+v", ps)
		}
		e := &knowledge.Entry{Topic: "年费", Triggers: []string{"年费"}, Facts: []knowledge.Fact{{Name: "免", Any: []string{"免年费"}}}}
		if err := s.Update(ctx, func(tx *store.Tx) error { return tx.SaveKnowledge(e) }); err != nil {
			t.Fatal(err)
		}
		e2 := &knowledge.Entry{Topic: "年费", Answer: "首年免年费", Triggers: []string{"年费"}, Facts: e.Facts}
		if err := s.Update(ctx, func(tx *store.Tx) error { return tx.SaveKnowledge(e2) }); err != nil || e2.ID != e.ID {
			t.Fatalf("SaveKnowledge by topic: id %d vs %d, %v", e2.ID, e.ID, err)
		}
		if kb, _ := s.Knowledge(ctx); len(kb) != 1 || kb[0].Answer != "首年免年费" {
			t.Fatalf("Knowledge = %+v", kb)
		}
	})
}

// TestCandidates: the sampler's view of records carries complaint, transfers, escalation and the
// customer's mood.
func TestCandidates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		calm := rec("c-calm", "您好")
		angry := rec("c-angry", "您好")
		angry.Turns = append(angry.Turns, qa.Turn{Speaker: qa.SpeakerCustomer, Text: "你们太差了, 我非常不满意, 我要投诉!"})
		ticket := qa.Record{ID: "c-ticket", Channel: qa.ChannelTicket, StartedAt: calm.StartedAt, AgentID: "A003",
			Ticket: &qa.Ticket{Transfers: 3, Escalated: true, Category: "投诉"}}
		if _, err := s.UpsertRecords(ctx, []qa.Record{calm, angry, ticket}, "t"); err != nil {
			t.Fatal(err)
		}
		cs, err := s.Candidates(ctx, time.Time{}, time.Time{}, nil, nil)
		if err != nil || len(cs) != 3 {
			t.Fatalf("Candidates = %+v, %v", cs, err)
		}
		by := map[string]sample.Candidate{}
		for _, c := range cs {
			by[c.ID] = c
		}
		if by["c-calm"].Upset || !by["c-angry"].Upset || !by["c-ticket"].Complaint || by["c-ticket"].Transfers != 3 || !by["c-ticket"].Escalated {
			t.Fatalf("candidates = %+v", by)
		}
		if cs, _ := s.Candidates(ctx, time.Time{}, time.Time{}, []string{qa.ChannelTicket}, nil); len(cs) != 1 {
			t.Fatalf("channel filter: %+v", cs)
		}
	})
}
