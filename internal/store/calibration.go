package store

import (
	"context"
	"encoding/json"
	"fmt"

	"qloop/internal/knowledge"
	"qloop/internal/review"
)

// InsertCalibration stores a session (ID set).
func (t *Tx) InsertCalibration(c *review.Calibration) error {
	c.CreatedAt = t.now
	_, err := t.insertDoc("calibrations", []string{"status", "created_at"}, []any{c.Status, ms(c.CreatedAt)}, c)
	return err
}

// CalibrationForUpdate returns session id (without its scores), locked until the transaction ends.
func (t *Tx) CalibrationForUpdate(id int64) (*review.Calibration, error) {
	var c review.Calibration
	return &c, getDoc(t.ctx, t.tx, "calibrations", id, t.lock(), "校准", "calibration session", &c)
}

// SaveCalibration writes a session's state.
func (t *Tx) SaveCalibration(c *review.Calibration) error {
	return t.updateDoc("calibrations", c.ID, []string{"status"}, []any{c.Status}, c)
}

// SaveCalScore stores (or replaces) one scoring of a record in a session; inspector 0 is the calibrated answer.
func (t *Tx) SaveCalScore(calID int64, s *review.CalScore) error {
	s.At = t.now
	data, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = t.tx.ExecContext(t.ctx, `INSERT INTO calibration_scores (calibration_id, record_id, inspector_id, data)
		VALUES ($1, $2, $3, $4) ON CONFLICT (calibration_id, record_id, inspector_id) DO UPDATE SET data = excluded.data`,
		calID, s.RecordID, s.InspectorID, string(data))
	if err != nil {
		return fmt.Errorf("store: save calibration score: %w", err)
	}
	return nil
}

// Calibration returns session id with every scoring and calibrated answer.
func (s *Store) Calibration(ctx context.Context, id int64) (*review.Calibration, error) {
	var c review.Calibration
	if err := getDoc(ctx, s.r, "calibrations", id, "", "校准", "calibration session", &c); err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT inspector_id, data FROM calibration_scores WHERE calibration_id = $1
		ORDER BY record_id, inspector_id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: calibration scores: %w", err)
	}
	defer rows.Close()
	c.SubmittedBy = map[int64]int{}
	for rows.Next() {
		var insp int64
		var data string
		if err := rows.Scan(&insp, &data); err != nil {
			return nil, err
		}
		var sc review.CalScore
		if err := json.Unmarshal([]byte(data), &sc); err != nil {
			return nil, fmt.Errorf("store: decode calibration score: %w", err)
		}
		if insp == 0 {
			c.Answers = append(c.Answers, sc)
		} else {
			c.Scores = append(c.Scores, sc)
			c.SubmittedBy[insp]++
		}
	}
	return &c, rows.Err()
}

// Calibrations returns every session, newest first (without scores).
func (s *Store) Calibrations(ctx context.Context) ([]review.Calibration, error) {
	return listDocs[review.Calibration](ctx, s.r, `SELECT id, data FROM calibrations ORDER BY created_at DESC, id DESC LIMIT 500`)
}

// SaveKnowledge creates or replaces (by ID, else by topic) a knowledge-base entry.
func (t *Tx) SaveKnowledge(e *knowledge.Entry) error {
	e.UpdatedAt = t.now
	if e.ID == 0 {
		var id int64
		if err := t.tx.QueryRowContext(t.ctx, `SELECT id FROM knowledge WHERE topic = $1`, e.Topic).Scan(&id); err == nil {
			e.ID = id
		}
	}
	if e.ID == 0 {
		_, err := t.insertDoc("knowledge", []string{"topic", "updated_at"}, []any{e.Topic, ms(e.UpdatedAt)}, e)
		return err
	}
	var old knowledge.Entry
	if err := getDoc(t.ctx, t.tx, "knowledge", e.ID, "", "知识条目", "knowledge entry", &old); err != nil {
		return err
	}
	return t.updateDoc("knowledge", e.ID, []string{"topic", "updated_at"}, []any{e.Topic, ms(e.UpdatedAt)}, e)
}

// DeleteKnowledge removes entry id.
func (t *Tx) DeleteKnowledge(id int64) error {
	res, err := t.tx.ExecContext(t.ctx, `DELETE FROM knowledge WHERE id = $1`, id)
	return oneRow(res, err, "知识条目", "knowledge entry", id)
}

// Knowledge returns every knowledge-base entry by topic.
func (s *Store) Knowledge(ctx context.Context) ([]knowledge.Entry, error) {
	return listDocs[knowledge.Entry](ctx, s.r, `SELECT id, data FROM knowledge ORDER BY topic`)
}
