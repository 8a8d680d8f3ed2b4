package workflow

import (
	"context"
	"fmt"
	"strings"

	"qloop/internal/auth"
	"qloop/internal/mask"
	"qloop/internal/qa"
	"qloop/internal/review"
	"qloop/internal/store"
)

// CreateSlip writes a communication slip about a failed review (D3); it goes to the QA supervisor first.
func (s *Service) CreateSlip(ctx context.Context, u *auth.User, reviewID int64, problem, suggestion string) (*review.Slip, error) {
	rv, err := s.Store.Review(ctx, reviewID)
	if err != nil {
		return nil, err
	}
	if ok, err := s.visibleReview(ctx, u, rv); err != nil {
		return nil, err
	} else if !ok {
		return nil, qa.NewError(qa.ENotFound, fmt.Sprintf("没有复核 %d no review with id %d", reviewID, reviewID))
	}
	if err := review.CanCreateSlip(u, rv, problem); err != nil {
		return nil, err
	}
	sl := &review.Slip{ReviewID: rv.ID, RecordID: rv.RecordID, AgentID: rv.AgentID, Team: rv.Team, Step: review.SlipQASign,
		Problem: strings.TrimSpace(problem), Suggestion: strings.TrimSpace(suggestion), CreatedByID: u.ID, CreatedBy: u.Username}
	err = s.Store.Update(ctx, func(tx *store.Tx) error {
		sl.CreatedAt, sl.DueAt = tx.Now(), tx.Now().Add(review.SlipDue[review.SlipQASign])
		sl.Steps = []review.SlipStep{{Step: "create", UserID: u.ID, User: u.Username, Note: sl.Problem, At: tx.Now()}}
		if err := tx.InsertSlip(sl); err != nil {
			return err
		}
		if _, err := tx.Notify(auth.PermSlipSign, "slip", fmt.Sprintf("沟通单 #%d 待签批 slip #%d waits for your signature", sl.ID, sl.ID), fmt.Sprintf("/slips/%d", sl.ID)); err != nil {
			return err
		}
		return tx.Audit(u, "slip.create", "slip", sl.ID, sl.RecordID, nil, map[string]any{"step": sl.Step, "review": rv.ID})
	})
	return sl, err
}

// AdvanceSlip takes the slip's current step: the supervisor's or team lead's signature, the team
// lead's note of the talk, the agent's acknowledgement with feedback, or the inspector's close.
func (s *Service) AdvanceSlip(ctx context.Context, u *auth.User, id int64, note string) (*review.Slip, error) {
	var sl *review.Slip
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		var err error
		if sl, err = tx.SlipForUpdate(id); err != nil {
			return err
		}
		if err := s.slipVisible(u, sl); err != nil {
			return err
		}
		if err := review.CanAdvance(u, sl, note); err != nil {
			return err
		}
		from := sl.Step
		sl.Steps = append(sl.Steps, review.SlipStep{Step: from, UserID: u.ID, User: u.Username, Note: strings.TrimSpace(note), At: tx.Now()})
		sl.Step = review.NextStep(from)
		sl.DueAt = tx.Now().Add(review.SlipDue[sl.Step])
		if sl.Step == review.SlipClosed {
			sl.DueAt = tx.Now()
		}
		if err := tx.SaveSlip(sl); err != nil {
			return err
		}
		link := fmt.Sprintf("/slips/%d", sl.ID)
		text := fmt.Sprintf("沟通单 #%d 待你处理 slip #%d waits for you", sl.ID, sl.ID)
		var who func(x *auth.User) bool
		switch sl.Step {
		case review.SlipLeadSign, review.SlipTalk:
			who = func(x *auth.User) bool { return x.Can(auth.PermSlipLead) && x.Team == sl.Team }
		case review.SlipAgentAck:
			who = func(x *auth.User) bool { return x.Can(auth.PermSlipAck) && x.AgentID == sl.AgentID }
		case review.SlipClose:
			who = func(x *auth.User) bool { return x.ID == sl.CreatedByID }
		}
		if who != nil && sl.Step != review.SlipTalk {
			if _, err := tx.NotifyWhere(who, "slip", text, link); err != nil {
				return err
			}
		}
		return tx.Audit(u, "slip."+from, "slip", sl.ID, sl.RecordID, map[string]any{"step": from},
			map[string]any{"step": sl.Step, "note": strings.TrimSpace(note)})
	})
	return sl, err
}

// slipVisible reports not-found when u may not see the slip's record.
func (s *Service) slipVisible(u *auth.User, sl *review.Slip) error {
	f, ok := scopeFilter(u, store.ScopeFilter{})
	if !ok || (f.Team != "" && f.Team != sl.Team) || (f.AgentID != "" && f.AgentID != sl.AgentID) {
		return qa.NewError(qa.ENotFound, fmt.Sprintf("没有沟通单 %d no slip with id %d", sl.ID, sl.ID))
	}
	return nil
}

// Slips lists the slips u may see.
func (s *Service) Slips(ctx context.Context, u *auth.User, f store.ScopeFilter) ([]review.Slip, error) {
	f, ok := scopeFilter(u, f)
	if !ok {
		return []review.Slip{}, nil
	}
	list, err := s.Store.Slips(ctx, f)
	for i := range list {
		maskSlip(u, &list[i])
	}
	return list, err
}

// Slip returns one slip u may see.
func (s *Service) Slip(ctx context.Context, u *auth.User, id int64) (*review.Slip, error) {
	sl, err := s.Store.Slip(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.slipVisible(u, sl); err != nil {
		return nil, err
	}
	maskSlip(u, sl)
	return sl, nil
}

func maskSlip(u *auth.User, sl *review.Slip) {
	if u.Can(auth.PermPersonalData) {
		return
	}
	sl.Problem, sl.Suggestion = mask.Text(sl.Problem), mask.Text(sl.Suggestion)
	for i := range sl.Steps {
		sl.Steps[i].Note = mask.Text(sl.Steps[i].Note)
	}
}
