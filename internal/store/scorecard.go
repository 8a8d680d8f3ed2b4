package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"qloop/internal/qa"
)

// ScorecardInfo describes one stored scorecard version.
type ScorecardInfo struct {
	Name      string
	Version   int
	Title     string
	Active    bool
	CreatedAt time.Time
}

// SaveScorecard stores sc with its YAML source src. When the latest version of sc.Name has the same
// source, that version is returned with created false; otherwise sc is stored as the next version
// and sc.Version is set to it. Returns qa.EInvalid without a name, qa.EConflict if another writer
// stored the same version first.
func (s *Store) SaveScorecard(ctx context.Context, sc *qa.Scorecard, src []byte) (int, bool, error) {
	if strings.TrimSpace(sc.Name) == "" {
		return 0, false, qa.NewError(qa.EInvalid, "scorecard name is required")
	}
	var version int
	var created bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var latest int
		var latestSrc string
		err := tx.QueryRowContext(ctx, `SELECT version, src FROM scorecards WHERE name = $1
			ORDER BY version DESC LIMIT 1`, sc.Name).Scan(&latest, &latestSrc)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err == nil && bytes.Equal([]byte(latestSrc), src) {
			version = latest
			return nil
		}
		version, created = latest+1, true
		stored := *sc
		stored.Version = version
		data, err := json.Marshal(&stored)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO scorecards (name, version, title, src, data, active, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name, version) DO NOTHING`,
			sc.Name, version, sc.Title, string(src), string(data), false, ms(s.Now()))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return qa.NewError(qa.EConflict, fmt.Sprintf("scorecard %q version %d was saved by someone else; try again", sc.Name, version))
		}
		return nil
	})
	if err != nil {
		return 0, false, fmt.Errorf("store: save scorecard %q: %w", sc.Name, err)
	}
	sc.Version = version
	return version, created, nil
}

// ActivateScorecard makes version the only active version of name. Returns qa.ENotFound if that
// version does not exist.
func (s *Store) ActivateScorecard(ctx context.Context, name string, version int) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM scorecards WHERE name = $1 AND version = $2`,
			name, version).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return scorecardNotFound(name, version)
		} else if err != nil {
			return err
		}
		// Two statements: a unique index is checked row by row, so switching in one would collide.
		if _, err := tx.ExecContext(ctx, `UPDATE scorecards SET active = $1
			WHERE name = $2 AND version <> $3 AND active`, false, name, version); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE scorecards SET active = $1 WHERE name = $2 AND version = $3`,
			true, name, version)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: activate scorecard %q v%d: %w", name, version, err)
	}
	return nil
}

// ActiveScorecards returns the active version of every scorecard, by name.
func (s *Store) ActiveScorecards(ctx context.Context) ([]qa.Scorecard, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT name, data FROM scorecards WHERE active ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: list active scorecards: %w", err)
	}
	defer rows.Close()
	var out []qa.Scorecard
	for rows.Next() {
		var name, data string
		if err := rows.Scan(&name, &data); err != nil {
			return nil, fmt.Errorf("store: list active scorecards: %w", err)
		}
		var sc qa.Scorecard
		if err := json.Unmarshal([]byte(data), &sc); err != nil {
			return nil, fmt.Errorf("store: decode scorecard %q: %w", name, err)
		}
		out = append(out, sc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list active scorecards: %w", err)
	}
	return out, nil
}

// Scorecard returns one version of scorecard name with its source and whether it is active.
// Version 0 means the active version, or the latest when none is active. Returns qa.ENotFound.
func (s *Store) Scorecard(ctx context.Context, name string, version int) (*qa.Scorecard, []byte, bool, error) {
	q := `SELECT data, src, active FROM scorecards WHERE name = $1 AND version = $2`
	args := []any{name, version}
	if version == 0 {
		q = `SELECT data, src, active FROM scorecards WHERE name = $1
			ORDER BY CASE WHEN active THEN 1 ELSE 0 END DESC, version DESC LIMIT 1`
		args = args[:1]
	}
	var data, src string
	var active bool
	err := s.r.QueryRowContext(ctx, q, args...).Scan(&data, &src, &active)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, false, scorecardNotFound(name, version)
	} else if err != nil {
		return nil, nil, false, fmt.Errorf("store: get scorecard %q v%d: %w", name, version, err)
	}
	var sc qa.Scorecard
	if err := json.Unmarshal([]byte(data), &sc); err != nil {
		return nil, nil, false, fmt.Errorf("store: decode scorecard %q v%d: %w", name, version, err)
	}
	return &sc, []byte(src), active, nil
}

// Scorecards lists every stored version, by name and version.
func (s *Store) Scorecards(ctx context.Context) ([]ScorecardInfo, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT name, version, title, active, created_at
		FROM scorecards ORDER BY name, version`)
	if err != nil {
		return nil, fmt.Errorf("store: list scorecards: %w", err)
	}
	defer rows.Close()
	var out []ScorecardInfo
	for rows.Next() {
		var in ScorecardInfo
		var at int64
		if err := rows.Scan(&in.Name, &in.Version, &in.Title, &in.Active, &at); err != nil {
			return nil, fmt.Errorf("store: list scorecards: %w", err)
		}
		in.CreatedAt = fromMS(at)
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list scorecards: %w", err)
	}
	return out, nil
}

func scorecardNotFound(name string, version int) error {
	if version == 0 {
		return qa.NewError(qa.ENotFound, fmt.Sprintf("scorecard %q not found", name))
	}
	return qa.NewError(qa.ENotFound, fmt.Sprintf("scorecard %q version %d not found", name, version))
}
