package workflow

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"qloop/internal/auth"
	"qloop/internal/qa"
	"qloop/internal/review"
	"qloop/internal/store"
)

// CreateCalibration starts a session on records with inspectors (D2). The scorecard is the one the
// first record was automatically inspected with.
func (s *Service) CreateCalibration(ctx context.Context, u *auth.User, title string, recordIDs []string, inspectorIDs []int64) (*review.Calibration, error) {
	if err := need(u, auth.PermCalibration); err != nil {
		return nil, err
	}
	var errs []string
	if strings.TrimSpace(title) == "" {
		errs = append(errs, "title 不能为空 title is required")
	}
	if len(recordIDs) == 0 {
		errs = append(errs, "record_ids: 至少一条记录 pick at least one record")
	}
	if len(inspectorIDs) < 2 {
		errs = append(errs, "inspector_ids: 至少两名质检员 pick at least two inspectors")
	}
	if len(errs) > 0 {
		return nil, qa.NewError(qa.EInvalid, strings.Join(errs, "; "))
	}
	c := &review.Calibration{Title: strings.TrimSpace(title), Status: review.CalibrationOpen, CreatedBy: u.Username}
	for _, id := range recordIDs {
		id = strings.TrimSpace(id)
		if id == "" || slices.Contains(c.RecordIDs, id) {
			continue
		}
		rec, rev, err := s.record(ctx, u, id)
		if err != nil {
			return nil, err
		}
		sc, _, err := s.inspection(ctx, rec, rev)
		if err != nil {
			return nil, err
		}
		if c.Scorecard == "" {
			c.Scorecard, c.Version = sc.Name, sc.Version
		} else if sc.Name != c.Scorecard {
			return nil, qa.NewError(qa.EInvalid, fmt.Sprintf("记录 %s 用的是质检标准 %s, 与 %s 不同 record %s is judged by scorecard %s, not %s: calibrate one scorecard per session",
				id, sc.Name, c.Scorecard, id, sc.Name, c.Scorecard))
		}
		c.RecordIDs = append(c.RecordIDs, id)
	}
	for _, id := range inspectorIDs {
		iu, err := s.userByID(ctx, id, "inspector_ids")
		if err != nil {
			return nil, err
		}
		if !iu.Can(auth.PermReview) {
			return nil, qa.NewError(qa.EInvalid, fmt.Sprintf("%s 不是质检员 %s is not an inspector", iu.Username, iu.Username))
		}
		if !slices.ContainsFunc(c.Inspectors, func(p review.Participant) bool { return p.ID == id }) {
			c.Inspectors = append(c.Inspectors, review.Participant{ID: iu.ID, Username: iu.Username, Name: iu.Name})
		}
	}
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		if err := tx.InsertCalibration(c); err != nil {
			return err
		}
		for _, p := range c.Inspectors {
			if err := tx.NotifyUser(p.ID, "calibration", fmt.Sprintf("校准 %s 请独立评分 calibration %q: score its records independently", c.Title, c.Title),
				fmt.Sprintf("/calibrations/%d", c.ID)); err != nil {
				return err
			}
		}
		return tx.Audit(u, "calibration.create", "calibration", c.ID, "", nil, map[string]any{"records": c.RecordIDs, "inspectors": len(c.Inspectors)})
	})
	return c, err
}

// participant reports whether u scores in session c.
func participant(u *auth.User, c *review.Calibration) bool {
	return slices.ContainsFunc(c.Inspectors, func(p review.Participant) bool { return p.ID == u.ID })
}

// ScoreCalibration stores u's scoring of one record of an open session (or, with answer, the
// supervisor's calibrated answer).
func (s *Service) ScoreCalibration(ctx context.Context, u *auth.User, id int64, recordID string, items []review.ItemScore, answer bool) (*review.CalScore, error) {
	c, err := s.Store.Calibration(ctx, id)
	if err != nil {
		return nil, err
	}
	switch {
	case answer && !u.Can(auth.PermCalibration):
		return nil, need(u, auth.PermCalibration)
	case !answer && !participant(u, c):
		return nil, qa.NewError(qa.EForbidden, "你不是此次校准的质检员 you are not an inspector of this calibration session")
	case c.Status != review.CalibrationOpen:
		return nil, qa.NewError(qa.EConflict, "校准已结束 the session is closed")
	case !slices.Contains(c.RecordIDs, recordID):
		return nil, qa.NewError(qa.EInvalid, fmt.Sprintf("记录 %s 不在此次校准中 record %s is not in this session", recordID, recordID))
	}
	rec, rev, err := s.record(ctx, u, recordID)
	if err != nil {
		return nil, err
	}
	sc, _, _, err := s.Store.Scorecard(ctx, c.Scorecard, c.Version)
	if err != nil {
		return nil, err
	}
	_, auto, err := s.inspection(ctx, rec, rev)
	if err != nil {
		return nil, err
	}
	if auto != nil && (auto.Scorecard != sc.Name || auto.Version != sc.Version) {
		auto = nil
	}
	// Calibration scores the record from scratch: overriding the automatic result needs no reason.
	for i := range items {
		if strings.TrimSpace(items[i].Reason) == "" {
			items[i].Reason = "calibration"
		}
	}
	scored, ins, err := review.Score(sc, auto, items)
	if err != nil {
		return nil, err
	}
	cs := &review.CalScore{RecordID: recordID, InspectorID: u.ID, Items: scored, Score: ins.Score}
	action := "calibration.score"
	if answer {
		cs.InspectorID, action = 0, "calibration.answer"
	}
	err = s.Store.Update(ctx, func(tx *store.Tx) error {
		if err := tx.SaveCalScore(id, cs); err != nil {
			return err
		}
		return tx.Audit(u, action, "calibration", id, recordID, nil, map[string]any{"score": cs.Score})
	})
	return cs, err
}

// CloseCalibration ends a session: its agreement is then final and shown to its inspectors.
func (s *Service) CloseCalibration(ctx context.Context, u *auth.User, id int64) (*review.Calibration, error) {
	if err := need(u, auth.PermCalibration); err != nil {
		return nil, err
	}
	var c *review.Calibration
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = tx.CalibrationForUpdate(id); err != nil {
			return err
		}
		if c.Status == review.CalibrationClosed {
			return qa.NewError(qa.EConflict, "校准已结束 the session is already closed")
		}
		c.Status, c.ClosedAt = review.CalibrationClosed, tx.Now()
		if err := tx.SaveCalibration(c); err != nil {
			return err
		}
		return tx.Audit(u, "calibration.close", "calibration", id, "", map[string]any{"status": "open"}, map[string]any{"status": "closed"})
	})
	return c, err
}

// CalibrationView is a session as one user may see it.
type CalibrationView struct {
	Session   *review.Calibration `json:"session"`
	Scorecard *qa.Scorecard       `json:"scorecard"`
	Mine      []review.CalScore   `json:"mine"`                // the user's own scorings
	Answers   []review.CalScore   `json:"answers,omitempty"`   // calibrated answers (supervisor, or after closing)
	Scores    []review.CalScore   `json:"scores,omitempty"`    // everyone's scorings (supervisor, or after closing)
	Agreement *review.Agreement   `json:"agreement,omitempty"` // (supervisor, or after closing)
	Trend     []review.TrendPoint `json:"trend,omitempty"`     // agreement over closed sessions, oldest first
}

// Calibration returns session id as u may see it: a participant sees only their own scorings
// while the session is open, so that nobody scores with others' answers in view.
func (s *Service) Calibration(ctx context.Context, u *auth.User, id int64) (*CalibrationView, error) {
	c, err := s.Store.Calibration(ctx, id)
	if err != nil {
		return nil, err
	}
	if !u.Can(auth.PermCalibration) && !participant(u, c) {
		return nil, qa.NewError(qa.ENotFound, fmt.Sprintf("没有校准 %d no calibration session with id %d", id, id))
	}
	sc, _, _, err := s.Store.Scorecard(ctx, c.Scorecard, c.Version)
	if err != nil {
		return nil, err
	}
	v := &CalibrationView{Session: c, Scorecard: sc, Mine: []review.CalScore{}}
	for _, cs := range c.Scores {
		if cs.InspectorID == u.ID {
			v.Mine = append(v.Mine, cs)
		}
	}
	if u.Can(auth.PermCalibration) || c.Status == review.CalibrationClosed {
		v.Answers, v.Scores = c.Answers, c.Scores
		a := review.Analyse(sc, c)
		v.Agreement = &a
		if v.Trend, err = s.calibrationTrend(ctx); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// calibrationTrend computes the overall agreement of every closed session, oldest first.
func (s *Service) calibrationTrend(ctx context.Context) ([]review.TrendPoint, error) {
	list, err := s.Store.Calibrations(ctx)
	if err != nil {
		return nil, err
	}
	var out []review.TrendPoint
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].Status != review.CalibrationClosed {
			continue
		}
		c, err := s.Store.Calibration(ctx, list[i].ID)
		if err != nil {
			return nil, err
		}
		sc, _, _, err := s.Store.Scorecard(ctx, c.Scorecard, c.Version)
		if err != nil {
			return nil, err
		}
		a := review.Analyse(sc, c)
		out = append(out, review.TrendPoint{ID: c.ID, Title: c.Title, At: c.ClosedAt, Alpha: a.Alpha, Agreement: a.Agreement})
	}
	return out, nil
}

// Calibrations lists the sessions u runs or takes part in.
func (s *Service) Calibrations(ctx context.Context, u *auth.User) ([]review.Calibration, error) {
	list, err := s.Store.Calibrations(ctx)
	if err != nil {
		return nil, err
	}
	if u.Can(auth.PermCalibration) {
		return list, nil
	}
	return slices.DeleteFunc(list, func(c review.Calibration) bool { return !participant(u, &c) }), nil
}
