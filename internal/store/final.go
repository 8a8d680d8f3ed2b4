package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"qloop/internal/qa"
	"qloop/internal/review"

	gojson "github.com/goccy/go-json"
)

// Score sources: where a record's final score comes from.
const (
	SourceReview = "review" // a final human review (人工复核)
	SourceAuto   = "auto"   // the latest automatic inspection (自动质检)
)

// scoreSource returns the source of a result: "" when not inspected.
func scoreSource(scorecard string, reviewID int64) string {
	switch {
	case reviewID != 0:
		return SourceReview
	case scorecard != "":
		return SourceAuto
	}
	return ""
}

// FinalResult is the score a record counts with everywhere (lists, rankings, dashboard, stats):
// its newest final review's where there is one, else its latest automatic inspection's. Source
// says which; AutoScore is the latest automatic score, shown beside a reviewed one.
type FinalResult struct {
	Score     *float64 `json:"score"` // nil: not inspected or reviewed
	Passed    bool     `json:"passed"`
	Fatal     bool     `json:"fatal"`
	Scorecard string   `json:"scorecard"`
	Version   int      `json:"version"`
	Failed    []string `json:"failed"`       // failed item ids
	Source    string   `json:"score_source"` // review, auto, or "" when not inspected
	ReviewID  int64    `json:"review_id,omitempty"`
	AutoScore *float64 `json:"auto_score"`
}

func (r result) final(auto *float64) FinalResult {
	f := FinalResult{Passed: r.passed, Fatal: r.fatal, Scorecard: r.scorecard, Version: r.version,
		Failed: r.failed, Source: scoreSource(r.scorecard, r.review), ReviewID: r.review, AutoScore: auto}
	if f.Failed == nil {
		f.Failed = []string{}
	}
	if r.scorecard != "" {
		score := r.score
		f.Score = &score
	}
	return f
}

// Final returns record id's final result, or qa.ENotFound.
func (s *Store) Final(ctx context.Context, id string) (FinalResult, error) {
	var res result
	var card, failed sql.NullString
	var version sql.NullInt64
	var score, auto sql.NullFloat64
	var passed, fatal sql.NullBool
	err := s.r.QueryRowContext(ctx, `SELECT scorecard, version, score, passed, fatal, failed, review_id, auto_score
		FROM records WHERE id = $1`, id).Scan(&card, &version, &score, &passed, &fatal, &failed, &res.review, &auto)
	if errors.Is(err, sql.ErrNoRows) {
		return FinalResult{}, recordNotFound(id)
	} else if err != nil {
		return FinalResult{}, fmt.Errorf("store: final result of %q: %w", id, err)
	}
	res.scorecard, res.version, res.score, res.passed, res.fatal = card.String, int(version.Int64), score.Float64, passed.Bool, fatal.Bool
	if failed.String != "" {
		if err := gojson.Unmarshal([]byte(failed.String), &res.failed); err != nil {
			return FinalResult{}, fmt.Errorf("store: decode failed items of %q: %w", id, err)
		}
	}
	var autoScore *float64
	if auto.Valid {
		autoScore = &auto.Float64
	}
	return res.final(autoScore), nil
}

// SettleResult makes record id's final result what its reviews and inspections say now: the newest
// final review (by creation), else the latest automatic inspection, else nothing. It moves the
// record's contribution to the rollup from the old result to the new one in the same transaction
// and returns both. Every workflow step that makes a review final or takes that away (a submitted
// review, a raised dispute, a decision) calls it.
func (t *Tx) SettleResult(id string) (before, after FinalResult, err error) {
	wrap := func(err error) error { return fmt.Errorf("store: settle the result of %q: %w", id, err) }
	var autoCard sql.NullString
	var autoVersion sql.NullInt64
	var auto sql.NullFloat64
	// Locked on PostgreSQL, so that an inspection saved at the same time waits for this one.
	err = t.tx.QueryRowContext(t.ctx, `SELECT auto_scorecard, auto_version, auto_score FROM records WHERE id = $1`+t.lock(), id).
		Scan(&autoCard, &autoVersion, &auto)
	if errors.Is(err, sql.ErrNoRows) {
		return before, after, recordNotFound(id)
	} else if err != nil {
		return before, after, wrap(err)
	}
	metas, err := t.s.recordMeta(t.ctx, t.tx, []string{id})
	if err != nil {
		return before, after, wrap(err)
	}
	meta := metas[id]
	next, err := t.finalResult(id, autoCard.String, int(autoVersion.Int64))
	if err != nil {
		return before, after, wrap(err)
	}
	var autoScore *float64
	if auto.Valid {
		autoScore = &auto.Float64
	}
	before, after = meta.res.final(autoScore), next.final(autoScore)
	if sameResult(meta.res, next) {
		return before, after, nil
	}
	failed, err := gojson.Marshal(after.Failed)
	if err != nil {
		return before, after, wrap(err)
	}
	args := []any{id, nil, nil, nil, nil, nil, nil, next.review}
	if next.scorecard != "" {
		args = []any{id, next.score, next.passed, next.fatal, next.scorecard, next.version, string(failed), next.review}
	}
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE records SET score = $2, passed = $3, fatal = $4, scorecard = $5,
		version = $6, failed = $7, review_id = $8 WHERE id = $1`, args...); err != nil {
		return before, after, wrap(err)
	}
	roll := newRollup()
	roll.add(meta.key, meta.res, -1)
	roll.add(meta.key, next, 1)
	if err := t.s.applyRollup(t.ctx, t.tx, roll); err != nil {
		return before, after, wrap(err)
	}
	return before, after, nil
}

func sameResult(a, b result) bool {
	return a.scorecard == b.scorecard && a.version == b.version && a.score == b.score && a.passed == b.passed &&
		a.fatal == b.fatal && a.review == b.review && slices.Equal(a.failed, b.failed)
}

// finalResult reads what record id's final result should be: its newest final review's, else that
// of its latest automatic inspection (autoCard, autoVersion; "" = none).
func (t *Tx) finalResult(id, autoCard string, autoVersion int) (result, error) {
	var rvID int64
	var data string
	err := t.tx.QueryRowContext(t.ctx, `SELECT id, data FROM reviews WHERE record_id = $1 AND status = $2
		ORDER BY created_at DESC, id DESC LIMIT 1`, id, review.StatusFinal).Scan(&rvID, &data)
	switch {
	case err == nil:
		var rv review.Review
		if err := gojson.Unmarshal([]byte(data), &rv); err != nil {
			return result{}, fmt.Errorf("decode review %d: %w", rvID, err)
		}
		res := result{scorecard: rv.Scorecard, version: rv.Version, score: rv.Score, passed: rv.Passed,
			fatal: rv.Fatal, failed: []string{}, review: rvID}
		for _, it := range rv.Items {
			if it.Result == qa.ResultFail {
				res.failed = append(res.failed, it.Item)
			}
		}
		return res, nil
	case !errors.Is(err, sql.ErrNoRows):
		return result{}, err
	case autoCard == "":
		return result{}, nil
	}
	var in qa.Inspection
	var findings []byte
	err = t.tx.QueryRowContext(t.ctx, `SELECT score, passed, fatal, findings FROM inspections
		WHERE scorecard = $1 AND version = $2 AND record_id = $3`, autoCard, autoVersion, id).
		Scan(&in.Score, &in.Passed, &in.Fatal, &findings)
	if errors.Is(err, sql.ErrNoRows) {
		return result{}, nil
	} else if err != nil {
		return result{}, err
	}
	if err := gojson.Unmarshal(findings, &in.Findings); err != nil {
		return result{}, fmt.Errorf("decode inspection %s v%d: %w", autoCard, autoVersion, err)
	}
	in.RecordID, in.Scorecard, in.Version = id, autoCard, autoVersion
	e, err := encodeInspection(&in, t.now)
	return e.res, err
}
