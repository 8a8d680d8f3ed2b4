package workflow

import (
	"context"
	"fmt"
	"strings"
	"time"

	"qloop/internal/auth"
	"qloop/internal/mask"
	"qloop/internal/qa"
	"qloop/internal/review"
	"qloop/internal/store"
)

// RaiseDispute disputes review id's score (D1). Until the supervisor decides, the score does not
// count towards the agent's performance.
func (s *Service) RaiseDispute(ctx context.Context, u *auth.User, reviewID int64, reason string) (*review.Dispute, error) {
	rv, err := s.Store.Review(ctx, reviewID)
	if err != nil {
		return nil, err
	}
	if ok, err := s.visibleReview(ctx, u, rv); err != nil {
		return nil, err
	} else if !ok {
		return nil, qa.NewError(qa.ENotFound, fmt.Sprintf("没有复核 %d no review with id %d", reviewID, reviewID))
	}
	var d *review.Dispute
	err = s.Store.Update(ctx, func(tx *store.Tx) error {
		rv, err := tx.ReviewForUpdate(reviewID)
		if err != nil {
			return err
		}
		if err := review.CanRaise(u, rv, s.disputeWindow(), tx.Now(), reason); err != nil {
			return err
		}
		first := rv.Score
		d = &review.Dispute{ReviewID: rv.ID, RecordID: rv.RecordID, AgentID: rv.AgentID, Team: rv.Team, Status: review.DisputeOpen,
			Reason: strings.TrimSpace(reason), RaisedByID: u.ID, RaisedBy: u.Username, RaisedAt: tx.Now(), FirstScore: &first}
		if err := tx.InsertDispute(d); err != nil {
			return err
		}
		if err := tx.SetReviewStatus(rv, review.StatusDisputed); err != nil {
			return err
		}
		// Until decided the record counts with its automatic score (or an earlier final review's).
		if _, _, err := tx.SettleResult(rv.RecordID); err != nil {
			return err
		}
		if _, err := tx.Notify(auth.PermDisputeDecide, "dispute", fmt.Sprintf("新申诉 #%d: 记录 %s new dispute #%d on record %s", d.ID, d.RecordID, d.ID, d.RecordID),
			fmt.Sprintf("/disputes/%d", d.ID)); err != nil {
			return err
		}
		return tx.Audit(u, "dispute.raise", "dispute", d.ID, d.RecordID, map[string]any{"review": rv.ID, "status": review.StatusFinal},
			map[string]any{"review": rv.ID, "status": review.StatusDisputed, "reason": d.Reason})
	})
	return d, err
}

// AssignDispute gives a dispute's blind second review to an inspector other than the first one.
func (s *Service) AssignDispute(ctx context.Context, u *auth.User, id, inspectorID int64) (*review.Dispute, error) {
	insp, err := s.Store.User(ctx, inspectorID)
	if err != nil {
		insp = nil
	}
	var d *review.Dispute
	err = s.Store.Update(ctx, func(tx *store.Tx) error {
		if d, err = tx.DisputeForUpdate(id); err != nil {
			return err
		}
		first, err := tx.ReviewForUpdate(d.ReviewID)
		if err != nil {
			return err
		}
		if insp != nil && insp.Disabled {
			insp = nil
		}
		if err := review.CanAssign(u, d, insp, first.ReviewerID); err != nil {
			return err
		}
		before := *d
		if d.TaskID != 0 { // reassigned: the earlier inspector's task is withdrawn
			if err := tx.SetTask(d.TaskID, review.TaskCancelled, d.RereviewerID); err != nil {
				return err
			}
		}
		tasks := []review.Task{{Kind: review.TaskDispute, RecordID: d.RecordID, InspectorID: insp.ID, Reason: "dispute",
			DisputeID: d.ID, Blind: true, DueAt: tx.Now().Add(s.taskDue())}}
		if err := tx.CreateTasks(tasks); err != nil {
			return err
		}
		d.Status, d.RereviewerID, d.Rereviewer, d.AssignedAt, d.TaskID = review.DisputeRereview, insp.ID, insp.Username, tx.Now(), tasks[0].ID
		if err := tx.SaveDispute(d); err != nil {
			return err
		}
		if err := tx.NotifyUser(insp.ID, "task", fmt.Sprintf("申诉复核任务 (盲审) 记录 %s blind second review of record %s", d.RecordID, d.RecordID),
			fmt.Sprintf("/reviews/%d", tasks[0].ID)); err != nil {
			return err
		}
		return tx.Audit(u, "dispute.assign", "dispute", d.ID, d.RecordID, disputeState(&before), disputeState(d))
	})
	return d, err
}

// DecideDispute is the QA supervisor's decision and sign-off: uphold keeps the first score, amend
// makes the second review's score the one that counts.
func (s *Service) DecideDispute(ctx context.Context, u *auth.User, id int64, decision, note string) (*review.Dispute, error) {
	var d *review.Dispute
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		var err error
		if d, err = tx.DisputeForUpdate(id); err != nil {
			return err
		}
		if err := review.CanDecide(u, d, decision); err != nil {
			return err
		}
		first, err := tx.ReviewForUpdate(d.ReviewID)
		if err != nil {
			return err
		}
		second, err := tx.ReviewForUpdate(d.RereviewID)
		if err != nil {
			return err
		}
		before := *d
		final := first.Score
		if decision == "amend" {
			final = second.Score
			if err := tx.SetReviewStatus(first, review.StatusSuperseded); err != nil {
				return err
			}
			if err := tx.SetReviewStatus(second, review.StatusFinal); err != nil {
				return err
			}
			d.Status = review.DisputeAmended
		} else {
			if err := tx.SetReviewStatus(first, review.StatusFinal); err != nil {
				return err
			}
			d.Status = review.DisputeUpheld
		}
		// The decided score is the record's again: the first review's, or the second's when amended.
		if _, _, err := tx.SettleResult(d.RecordID); err != nil {
			return err
		}
		d.Decision, d.DecisionNote, d.DecidedByID, d.DecidedBy, d.DecidedAt, d.FinalScore =
			decision, strings.TrimSpace(note), u.ID, u.Username, tx.Now(), &final
		if err := tx.SaveDispute(d); err != nil {
			return err
		}
		if _, err := tx.NotifyWhere(func(x *auth.User) bool {
			return x.ID == d.RaisedByID || (x.Can(auth.PermRecordsOwn) && x.AgentID == d.AgentID)
		}, "dispute", fmt.Sprintf("申诉 #%d 已裁决: %s, 最终得分 %.1f dispute #%d decided: %s, final score %.1f", d.ID, decision, final, d.ID, decision, final),
			fmt.Sprintf("/disputes/%d", d.ID)); err != nil {
			return err
		}
		return tx.Audit(u, "dispute.decide", "dispute", d.ID, d.RecordID, disputeState(&before), disputeState(d))
	})
	return d, err
}

// Disputes lists the disputes u may see (their records' scope).
func (s *Service) Disputes(ctx context.Context, u *auth.User, f store.ScopeFilter) ([]review.Dispute, error) {
	f, ok := scopeFilter(u, f)
	if !ok {
		return []review.Dispute{}, nil
	}
	list, err := s.Store.Disputes(ctx, f)
	if err != nil {
		return nil, err
	}
	for i := range list {
		s.forViewer(ctx, u, &list[i])
	}
	return list, nil
}

// maskDispute masks the free text of a dispute for viewers without the personal-data right: an
// agent may quote the customer in their reason.
func maskDispute(u *auth.User, d *review.Dispute) {
	if !u.Can(auth.PermPersonalData) {
		d.Reason, d.DecisionNote = mask.Text(d.Reason), mask.Text(d.DecisionNote)
	}
}

// Dispute returns one dispute u may see.
func (s *Service) Dispute(ctx context.Context, u *auth.User, id int64) (*review.Dispute, error) {
	d, err := s.Store.Dispute(ctx, id)
	if err != nil {
		return nil, err
	}
	if f, ok := scopeFilter(u, store.ScopeFilter{}); !ok || (f.Team != "" && f.Team != d.Team) || (f.AgentID != "" && f.AgentID != d.AgentID) {
		return nil, qa.NewError(qa.ENotFound, fmt.Sprintf("没有申诉 %d no dispute with id %d", id, id))
	}
	s.forViewer(ctx, u, d)
	return d, nil
}

// forViewer masks free text for u and hides the first score from the inspector doing the blind second review.
func (s *Service) forViewer(ctx context.Context, u *auth.User, d *review.Dispute) {
	maskDispute(u, d)
	if d.RereviewerID == u.ID && d.Status == review.DisputeRereview {
		d.FirstScore = nil
	}
}

// WhyNoDispute returns why u may not dispute rv at now (the qa.Error CanRaise gives), or nil when
// u may; the reason a dispute needs is not asked yet. The record page shows it beside the score.
func (s *Service) WhyNoDispute(u *auth.User, rv *review.Review, now time.Time) error {
	return review.CanRaise(u, rv, s.disputeWindow(), now, "-")
}
