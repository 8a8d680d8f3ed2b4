package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"qloop/internal/auth"
	"qloop/internal/qa"
	"qloop/internal/review"
)

// Tx is one write transaction of the review workflow: a step's reads, its writes and its audit
// line commit together or not at all.
type Tx struct {
	s   *Store
	tx  *sql.Tx
	ctx context.Context
	now time.Time
}

// Update runs fn in one write transaction, committing when fn returns nil. On PostgreSQL the rows
// fn reads with the *ForUpdate methods stay locked until the end, so two steps on one dispute or
// slip cannot both pass their checks; SQLite has one writer at a time anyway.
func (s *Store) Update(ctx context.Context, fn func(tx *Tx) error) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return fn(&Tx{s: s, tx: tx, ctx: ctx, now: s.Now()})
	})
}

// Now is the transaction's clock: every time a step writes is this one.
func (t *Tx) Now() time.Time { return t.now }

func (t *Tx) lock() string {
	if t.s.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// conds builds the WHERE clause of a list query: conditions joined by AND, parameters numbered
// in order, so the same text runs on SQLite and PostgreSQL.
type conds struct {
	where string
	args  []any
}

func newConds() *conds { return &conds{where: "1 = 1"} }

// add appends "cond $n" with v as parameter n; cond ends in its operator, e.g. "agent_id =".
func (c *conds) add(cond string, v any) {
	c.args = append(c.args, v)
	c.where += fmt.Sprintf(" AND %s $%d", cond, len(c.args))
}

// in appends "col IN (…)" over vals; no values, no condition.
func (c *conds) in(col string, vals []string) {
	if len(vals) == 0 {
		return
	}
	ph := make([]string, len(vals))
	for i, v := range vals {
		c.args = append(c.args, v)
		ph[i] = fmt.Sprintf("$%d", len(c.args))
	}
	c.where += " AND " + col + " IN (" + strings.Join(ph, ", ") + ")"
}

// limit appends the LIMIT parameter and returns the clause.
func (c *conds) limit(n int) string {
	c.args = append(c.args, n)
	return fmt.Sprintf(" LIMIT $%d", len(c.args))
}

// setID sets the ID field of the struct v points to; every workflow document has one.
func setID(v any, id int64) { reflect.ValueOf(v).Elem().FieldByName("ID").SetInt(id) }

// insertDoc inserts a row of cols (data last) and returns its id; v's ID is set before data is written.
func (t *Tx) insertDoc(table string, cols []string, vals []any, v any) (int64, error) {
	ph := string(t.s.params(nil, 1, len(cols)+1))
	var id int64
	err := t.tx.QueryRowContext(t.ctx, `INSERT INTO `+table+` (`+strings.Join(cols, ", ")+`, data) VALUES (`+ph+`) RETURNING id`,
		append(vals, "{}")...).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: insert into %s: %w", table, err)
	}
	setID(v, id)
	return id, t.updateDoc(table, id, nil, nil, v)
}

// updateDoc rewrites row id's data and the given columns.
func (t *Tx) updateDoc(table string, id int64, cols []string, vals []any, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	set := "data = $1"
	args := []any{string(data)}
	for i, c := range cols {
		set += fmt.Sprintf(", %s = $%d", c, i+2)
		args = append(args, vals[i])
	}
	args = append(args, id)
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE `+table+` SET `+set+fmt.Sprintf(` WHERE id = $%d`, len(args)), args...); err != nil {
		return fmt.Errorf("store: update %s %d: %w", table, id, err)
	}
	return nil
}

// getDoc reads row id's data into v, or qa.ENotFound naming what (zh, en).
func getDoc(ctx context.Context, q querier, table string, id int64, suffix, zh, en string, v any) error {
	var data string
	err := q.QueryRowContext(ctx, `SELECT data FROM `+table+` WHERE id = $1`+suffix, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return qa.NewError(qa.ENotFound, fmt.Sprintf("没有%s %d no %s with id %d", zh, id, en, id))
	} else if err != nil {
		return fmt.Errorf("store: get %s %d: %w", table, id, err)
	}
	if err := json.Unmarshal([]byte(data), v); err != nil {
		return fmt.Errorf("store: decode %s %d: %w", table, id, err)
	}
	setID(v, id)
	return nil
}

// listDocs runs a query selecting id, data and appends each row's document to out.
func listDocs[T any](ctx context.Context, q querier, query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		var id int64
		var data string
		if err := rows.Scan(&id, &data); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		var v T
		if err := json.Unmarshal([]byte(data), &v); err != nil {
			return nil, fmt.Errorf("store: decode: %w", err)
		}
		setID(&v, id)
		out = append(out, v)
	}
	return out, rows.Err()
}

// Audit appends one line to the audit trail; before and after are marshalled to JSON (nil = none).
func (t *Tx) Audit(actor *auth.User, action, entity string, entityID int64, recordID string, before, after any) error {
	enc := func(v any) (string, error) {
		if v == nil || (reflect.ValueOf(v).Kind() == reflect.Pointer && reflect.ValueOf(v).IsNil()) {
			return "", nil
		}
		b, err := json.Marshal(v)
		return string(b), err
	}
	b, err := enc(before)
	if err != nil {
		return err
	}
	a, err := enc(after)
	if err != nil {
		return err
	}
	var id int64
	name := "system"
	if actor != nil {
		id, name = actor.ID, actor.Username
	}
	_, err = t.tx.ExecContext(t.ctx, `INSERT INTO audit_log (at, actor_id, actor, action, entity, entity_id, record_id, before, after)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, ms(t.now), id, name, action, entity, entityID, recordID, b, a)
	if err != nil {
		return fmt.Errorf("store: audit %s: %w", action, err)
	}
	return nil
}

// AuditFilter selects audit lines: of one record, or of everything, newest first, before an id.
type AuditFilter struct {
	RecordID string
	Entity   string
	Before   int64 // id to page before (0 = newest)
	Limit    int
}

// AuditLog returns audit lines, newest first.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter) ([]review.AuditEntry, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	c := newConds()
	if f.RecordID != "" {
		c.add("record_id =", f.RecordID)
	}
	if f.Entity != "" {
		c.add("entity =", f.Entity)
	}
	if f.Before > 0 {
		c.add("id <", f.Before)
	}
	lim := c.limit(f.Limit)
	rows, err := s.r.QueryContext(ctx, `SELECT id, at, actor_id, actor, action, entity, entity_id, record_id, before, after
		FROM audit_log WHERE `+c.where+` ORDER BY id DESC`+lim, c.args...)
	if err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	defer rows.Close()
	out := []review.AuditEntry{}
	for rows.Next() {
		var e review.AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.RecordID, &e.Before, &e.After); err != nil {
			return nil, fmt.Errorf("store: audit log: %w", err)
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Notify adds an in-app notification for every enabled user holding perm.
func (t *Tx) Notify(perm auth.Perm, kind, text, link string) ([]auth.User, error) {
	return t.NotifyWhere(func(u *auth.User) bool { return u.Can(perm) }, kind, text, link)
}

// NotifyWhere adds an in-app notification for every enabled user for whom ok is true, and returns them.
func (t *Tx) NotifyWhere(ok func(u *auth.User) bool, kind, text, link string) ([]auth.User, error) {
	users, err := t.s.Users(t.ctx)
	if err != nil {
		return nil, err
	}
	var to []auth.User
	for i := range users {
		if users[i].Disabled || !ok(&users[i]) {
			continue
		}
		to = append(to, users[i])
		if err := t.NotifyUser(users[i].ID, kind, text, link); err != nil {
			return nil, err
		}
	}
	return to, nil
}

// NotifyUser adds an in-app notification for one user.
func (t *Tx) NotifyUser(userID int64, kind, text, link string) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO notifications (user_id, kind, text, link, created_at)
		VALUES ($1, $2, $3, $4, $5)`, userID, kind, text, link, ms(t.now))
	if err != nil {
		return fmt.Errorf("store: notify: %w", err)
	}
	return nil
}

// Notifications returns a user's notifications, unread first, newest first.
func (s *Store) Notifications(ctx context.Context, userID int64, limit int) ([]review.Notification, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, kind, text, link, created_at, read_at FROM notifications
		WHERE user_id = $1 ORDER BY read_at > 0, created_at DESC, id DESC LIMIT $2`, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: notifications: %w", err)
	}
	defer rows.Close()
	out := []review.Notification{}
	for rows.Next() {
		n := review.Notification{UserID: userID}
		var at, read int64
		if err := rows.Scan(&n.ID, &n.Kind, &n.Text, &n.Link, &at, &read); err != nil {
			return nil, fmt.Errorf("store: notifications: %w", err)
		}
		n.CreatedAt, n.Read = fromMS(at), read > 0
		out = append(out, n)
	}
	return out, rows.Err()
}

// UnreadNotifications counts a user's unread notifications.
func (s *Store) UnreadNotifications(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at = 0`, userID).Scan(&n)
	return n, err
}

// ReadNotifications marks every notification of the user read.
func (s *Store) ReadNotifications(ctx context.Context, userID int64) error {
	_, err := s.w.ExecContext(ctx, `UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at = 0`, userID, ms(s.Now()))
	return err
}
