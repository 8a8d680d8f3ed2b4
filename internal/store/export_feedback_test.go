package store

import "context"

// TamperFeedbackCheck tries to change and to delete check id; it returns nil if either worked.
func (s *Store) TamperFeedbackCheck(ctx context.Context, id int64) error {
	_, upd := s.w.ExecContext(ctx, `UPDATE feedback_checks SET status = 'resolved' WHERE id = $1`, id)
	_, del := s.w.ExecContext(ctx, `DELETE FROM feedback_checks WHERE id = $1`, id)
	if upd == nil || del == nil {
		return nil
	}
	return upd
}
