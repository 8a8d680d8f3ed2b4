package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"qloop/internal/auth"
	"qloop/internal/qa"
)

// touchEvery is how stale sessions.last_seen and api_tokens.last_used may get before a request
// writes them again: at most one write a minute per session or token, not one per request.
const touchEvery = time.Minute

const userCols = `u.id, u.username, u.name, u.role, u.agent_id, u.team, u.lang, u.disabled, u.password_hash, u.created_at`

type scanner interface{ Scan(dest ...any) error }

// scanUser reads userCols, followed by extra columns, from row.
func scanUser(row scanner, extra ...any) (*auth.User, error) {
	var u auth.User
	var created int64
	dest := append([]any{&u.ID, &u.Username, &u.Name, &u.Role, &u.AgentID, &u.Team, &u.Lang, &u.Disabled,
		&u.PasswordHash, &created}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	u.CreatedAt = fromMS(created)
	return &u, nil
}

// CreateUser stores u (validated and normalized by u.Validate) with u.PasswordHash, sets u.ID and
// u.CreatedAt, and audits it as done by the user in ctx. Returns qa.EInvalid for a bad user,
// qa.EConflict when the username is taken or another account already has u.AgentID.
func (s *Store) CreateUser(ctx context.Context, u *auth.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	now := s.Now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.agentIDFree(ctx, tx, u.AgentID, 0); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO users (username, name, role, agent_id, team, lang, disabled,
			password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (username) DO NOTHING RETURNING id`,
			u.Username, u.Name, string(u.Role), u.AgentID, u.Team, u.Lang, u.Disabled, u.PasswordHash, ms(now)).Scan(&u.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return qa.NewError(qa.EConflict, fmt.Sprintf("用户名 %q 已存在 the username %q is taken", u.Username, u.Username))
		} else if err != nil {
			return err
		}
		return s.auditTx(ctx, tx, "user.create", "user", u.ID, nil, auditOfUser(u))
	})
	if err != nil {
		return fmt.Errorf("store: create user %q: %w", u.Username, err)
	}
	u.CreatedAt = fromMS(ms(now))
	return nil
}

// agentIDFree returns qa.EConflict when an account other than except already has agentID: a
// second account on one agent id would let two people see that agent's records. On PostgreSQL a
// transaction lock keeps two concurrent creations from both passing; SQLite has one writer.
func (s *Store) agentIDFree(ctx context.Context, tx *sql.Tx, agentID string, except int64) error {
	if agentID == "" {
		return nil
	}
	if s.dialect == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('qloop.users.agent_id'))`); err != nil {
			return err
		}
	}
	var other string
	err := tx.QueryRowContext(ctx, `SELECT username FROM users WHERE agent_id = $1 AND id <> $2 ORDER BY id LIMIT 1`,
		agentID, except).Scan(&other)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return err
	}
	return qa.NewError(qa.EConflict, fmt.Sprintf("坐席工号 %q 已有账号 %q the agent id %q already has the account %q: "+
		"change or disable that one instead of adding a second", agentID, other, agentID, other))
}

// Ended is what a password change or a disabling ended: the user's sessions and API tokens.
type Ended struct {
	Sessions int64 `json:"sessions"`
	Tokens   int64 `json:"tokens"`
}

// endAccess deletes userID's sessions and revokes their API tokens inside tx.
func endAccess(ctx context.Context, tx *sql.Tx, userID int64) (Ended, error) {
	var e Ended
	res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	if err == nil {
		e.Sessions, err = res.RowsAffected()
	}
	if err != nil {
		return e, err
	}
	res, err = tx.ExecContext(ctx, `UPDATE api_tokens SET revoked = $2 WHERE user_id = $1 AND NOT revoked`, userID, true)
	if err == nil {
		e.Tokens, err = res.RowsAffected()
	}
	return e, err
}

// UpdateUser saves u's name, role, agent id, team, language and disabled flag (not the username
// or password) and audits the change, with the account before and after, as done by the user in
// ctx; an unchanged account writes nothing. Disabling a user also ends their sessions and revokes
// their API tokens, so enabling them again does not bring those back. Returns qa.EInvalid for a
// bad user, qa.ENotFound if u.ID does not exist, qa.EConflict if another account has u.AgentID.
func (s *Store) UpdateUser(ctx context.Context, u *auth.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		lock := ""
		if s.dialect == Postgres {
			lock = " FOR UPDATE"
		}
		old, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userCols+` FROM users u WHERE u.id = $1`+lock, u.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return qa.NewError(qa.ENotFound, fmt.Sprintf("没有用户 %d no user with id %d", u.ID, u.ID))
		} else if err != nil {
			return err
		}
		before, after := auditOfUser(old), auditOfUser(u)
		after.Username = old.Username // the username never changes
		if before == after {
			return nil
		}
		if u.AgentID != old.AgentID {
			if err := s.agentIDFree(ctx, tx, u.AgentID, u.ID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET name = $2, role = $3, agent_id = $4, team = $5, lang = $6,
			disabled = $7 WHERE id = $1`, u.ID, u.Name, string(u.Role), u.AgentID, u.Team, u.Lang, u.Disabled); err != nil {
			return err
		}
		action := "user.update"
		var ended *Ended
		switch {
		case u.Disabled && !old.Disabled:
			action = "user.disable"
			e, err := endAccess(ctx, tx, u.ID)
			if err != nil {
				return err
			}
			ended = &e
		case !u.Disabled && old.Disabled:
			action = "user.enable"
		}
		return s.auditTx(ctx, tx, action, "user", u.ID, before, struct {
			userAudit
			Ended *Ended `json:"ended,omitempty"`
		}{after, ended})
	})
	if err != nil {
		return fmt.Errorf("store: update user %d: %w", u.ID, err)
	}
	return nil
}

// User returns the user with id, or qa.ENotFound.
func (s *Store) User(ctx context.Context, id int64) (*auth.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users u WHERE u.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, qa.NewError(qa.ENotFound, fmt.Sprintf("没有用户 %d no user with id %d", id, id))
	} else if err != nil {
		return nil, fmt.Errorf("store: get user %d: %w", id, err)
	}
	return u, nil
}

// UserByUsername returns the user named name (compared case-insensitively), or qa.ENotFound.
func (s *Store) UserByUsername(ctx context.Context, name string) (*auth.User, error) {
	name = auth.NormalizeUsername(name)
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users u WHERE u.username = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, qa.NewError(qa.ENotFound, fmt.Sprintf("没有用户 %q no user named %q", name, name))
	} else if err != nil {
		return nil, fmt.Errorf("store: get user %q: %w", name, err)
	}
	return u, nil
}

// Users returns every user, ordered by username.
func (s *Store) Users(ctx context.Context) ([]auth.User, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+userCols+` FROM users u ORDER BY u.username`)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	var out []auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		out = append(out, *u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	return out, nil
}

// SetPassword stores hash (from auth.HashPassword) as user id's password; see ChangePassword.
func (s *Store) SetPassword(ctx context.Context, id int64, hash string) error {
	_, err := s.ChangePassword(ctx, id, hash)
	return err
}

// ChangePassword stores hash (from auth.HashPassword) as user id's password and, in the same
// transaction, ends the user's sessions and revokes their API tokens (a leaked secret must not
// outlive the new password), audited as done by the user in ctx. It returns what it ended.
// Returns qa.ENotFound.
func (s *Store) ChangePassword(ctx context.Context, id int64, hash string) (Ended, error) {
	var e Ended
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, id, hash)
		if err := oneRow(res, err, "用户", "user", id); err != nil {
			return err
		}
		if e, err = endAccess(ctx, tx, id); err != nil {
			return err
		}
		return s.auditTx(ctx, tx, "user.passwd", "user", id, nil, map[string]any{"password": "changed", "ended": e})
	})
	if err != nil {
		return e, fmt.Errorf("store: set password of user %d: %w", id, err)
	}
	return e, nil
}

// CreateSession stores a session of userID, known by idHash (auth.HashToken of the cookie value),
// valid until expires.
func (s *Store) CreateSession(ctx context.Context, userID int64, idHash string, expires time.Time) error {
	now := ms(s.Now())
	_, err := s.w.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, expires_at, last_seen)
		VALUES ($1, $2, $3, $4, $5)`, idHash, userID, now, ms(expires), now)
	if err != nil {
		return fmt.Errorf("store: create session of user %d: %w", userID, err)
	}
	return nil
}

var errUnauthorized = qa.NewError(qa.EUnauthorized, "请重新登录 please sign in again")

// SessionUser returns the user of the session idHash at now, refreshing its last_seen at most once
// a minute. Returns qa.EUnauthorized if the session is missing or expired or the user disabled.
func (s *Store) SessionUser(ctx context.Context, idHash string, now time.Time) (*auth.User, error) {
	var expires, seen int64
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userCols+`, se.expires_at, se.last_seen
		FROM sessions se JOIN users u ON u.id = se.user_id WHERE se.id_hash = $1`, idHash), &expires, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errUnauthorized
	} else if err != nil {
		return nil, fmt.Errorf("store: get session: %w", err)
	}
	if u.Disabled || ms(now) >= expires {
		return nil, errUnauthorized
	}
	if ms(now)-seen >= touchEvery.Milliseconds() {
		if _, err := s.w.ExecContext(ctx, `UPDATE sessions SET last_seen = $2 WHERE id_hash = $1 AND last_seen < $2`,
			idHash, ms(now)); err != nil {
			return nil, fmt.Errorf("store: touch session: %w", err)
		}
	}
	return u, nil
}

// Sessions lists the sessions of userID not expired at now, most recently seen first.
func (s *Store) Sessions(ctx context.Context, userID int64, now time.Time) ([]auth.Session, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id_hash, created_at, expires_at, last_seen FROM sessions
		WHERE user_id = $1 AND expires_at > $2 ORDER BY last_seen DESC, id_hash`, userID, ms(now))
	if err != nil {
		return nil, fmt.Errorf("store: list sessions of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []auth.Session
	for rows.Next() {
		se := auth.Session{UserID: userID}
		var created, expires, seen int64
		if err := rows.Scan(&se.IDHash, &created, &expires, &seen); err != nil {
			return nil, fmt.Errorf("store: list sessions of user %d: %w", userID, err)
		}
		se.CreatedAt, se.ExpiresAt, se.LastSeen = fromMS(created), fromMS(expires), fromMS(seen)
		out = append(out, se)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list sessions of user %d: %w", userID, err)
	}
	return out, nil
}

// DeleteSession ends the session idHash (signing out); a missing session is not an error.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of userID, e.g. after a password change, and returns how
// many there were.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	if err != nil {
		return 0, fmt.Errorf("store: delete sessions of user %d: %w", userID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: delete sessions of user %d: %w", userID, err)
	}
	return n, nil
}

// DeleteExpiredSessions removes sessions that expired before now; run it now and then.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, ms(now)); err != nil {
		return fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return nil
}

// CreateAPIToken stores a personal API token of userID called name, known by hash (auth.HashToken
// of the plain token), audited as done by the user in ctx, and returns its id. Returns
// qa.ENotFound if the user does not exist.
func (s *Store) CreateAPIToken(ctx context.Context, userID int64, name, hash string) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM users WHERE id = $1`, userID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return qa.NewError(qa.ENotFound, fmt.Sprintf("没有用户 %d no user with id %d", userID, userID))
		} else if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at)
			VALUES ($1, $2, $3, $4) RETURNING id`, userID, name, hash, ms(s.Now())).Scan(&id); err != nil {
			return err
		}
		return s.auditTx(ctx, tx, "token.create", "token", id, nil, map[string]any{"user_id": userID, "name": name})
	})
	if err != nil {
		return 0, fmt.Errorf("store: create API token of user %d: %w", userID, err)
	}
	return id, nil
}

// APITokenUser returns the owner of the API token hash, noting its use at most once a minute.
// Returns qa.EUnauthorized if the token is unknown or revoked or its owner disabled.
func (s *Store) APITokenUser(ctx context.Context, hash string) (*auth.User, error) {
	var id, used int64
	var revoked bool
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userCols+`, t.id, t.last_used, t.revoked
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1`, hash), &id, &used, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, qa.NewError(qa.EUnauthorized, "API 令牌无效 the API token is not valid")
	} else if err != nil {
		return nil, fmt.Errorf("store: get API token: %w", err)
	}
	if revoked || u.Disabled {
		return nil, qa.NewError(qa.EUnauthorized, "API 令牌已失效 the API token was revoked or its user disabled")
	}
	if now := ms(s.Now()); now-used >= touchEvery.Milliseconds() {
		if _, err := s.w.ExecContext(ctx, `UPDATE api_tokens SET last_used = $2 WHERE id = $1 AND last_used < $2`,
			id, now); err != nil {
			return nil, fmt.Errorf("store: touch API token: %w", err)
		}
	}
	return u, nil
}

// APITokens lists the API tokens of userID, newest first, revoked ones included.
func (s *Store) APITokens(ctx context.Context, userID int64) ([]auth.APIToken, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, name, created_at, last_used, revoked FROM api_tokens
		WHERE user_id = $1 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: list API tokens of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []auth.APIToken
	for rows.Next() {
		t := auth.APIToken{UserID: userID}
		var created, used int64
		if err := rows.Scan(&t.ID, &t.Name, &created, &used, &t.Revoked); err != nil {
			return nil, fmt.Errorf("store: list API tokens of user %d: %w", userID, err)
		}
		t.CreatedAt, t.LastUsed = fromMS(created), fromMS(used)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list API tokens of user %d: %w", userID, err)
	}
	return out, nil
}

// RevokeAPIToken revokes token id of userID, audited as done by the user in ctx. Returns
// qa.ENotFound if userID has no such token.
func (s *Store) RevokeAPIToken(ctx context.Context, userID, id int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var name string
		var revoked bool
		err := tx.QueryRowContext(ctx, `SELECT name, revoked FROM api_tokens WHERE id = $1 AND user_id = $2`, id, userID).
			Scan(&name, &revoked)
		if errors.Is(err, sql.ErrNoRows) {
			return qa.NewError(qa.ENotFound, fmt.Sprintf("没有API 令牌 %d no API token with id %d", id, id))
		} else if err != nil || revoked {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked = $3 WHERE id = $2 AND user_id = $1`,
			userID, id, true); err != nil {
			return err
		}
		return s.auditTx(ctx, tx, "token.revoke", "token", id, map[string]any{"user_id": userID, "name": name, "revoked": false},
			map[string]any{"user_id": userID, "name": name, "revoked": true})
	})
	if err != nil {
		return fmt.Errorf("store: revoke API token %d: %w", id, err)
	}
	return nil
}

// oneRow turns the result of an UPDATE by id into nil, err, or qa.ENotFound when no row matched.
func oneRow(res sql.Result, err error, zh, en string, id int64) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return qa.NewError(qa.ENotFound, fmt.Sprintf("没有%s %d no %s with id %d", zh, id, en, id))
	}
	return nil
}
