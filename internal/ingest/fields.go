package ingest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"qloop/internal/qa"
)

// chinaTime is the offset assumed for timestamps written without one: the exports qloop meets come
// from systems running on China Standard Time.
var chinaTime = time.FixedZone("CST", 8*3600)

// localLayouts are the offset-less layouts real exports use. Go's "1", "2" and "15" accept one or two
// digits, so "2026/11/2 9:15" and "2026-11-02 09:15" both match.
var localLayouts = []string{
	"2006-1-2 15:04:05.999999999",
	"2006-1-2 15:04",
	"2006/1/2 15:04:05.999999999",
	"2006/1/2 15:04",
	"2006-1-2T15:04:05.999999999",
	"2006-1-2",
	"2006/1/2",
	"2006年1月2日 15:04:05",
	"2006年1月2日 15:04",
}

// parseTime reads an RFC 3339 timestamp or one of localLayouts (taken as +08:00). field names the
// value in the error message.
func parseTime(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range localLayouts {
		if t, err := time.ParseInLocation(layout, s, chinaTime); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%s %q is not a date: use RFC 3339 like 2026-11-02T09:15:00+08:00 (or 2026-11-02 09:15:00, taken as +08:00)", field, s)
}

// parseSeconds reads a number of seconds ("12.5"), or a clock offset "mm:ss" / "hh:mm:ss(.fff)".
func parseSeconds(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		return v, v == v && v < 1e12 && v > -1e12 // reject NaN and absurd values
	}
	return parseClock(strings.Replace(s, ",", ".", 1))
}

// parseClock reads "hh:mm:ss.fff" or "mm:ss.fff" (WebVTT, and SRT after replacing the comma).
func parseClock(s string) (float64, bool) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	var total float64
	for i, p := range parts {
		last := i == len(parts)-1
		if p == "" || strings.TrimLeft(p, "0123456789.") != "" || (!last && strings.Contains(p, ".")) {
			return 0, false
		}
		v, err := strconv.ParseFloat(p, 64)
		if err != nil || (i > 0 && v >= 60) {
			return 0, false
		}
		total = total*60 + v
	}
	return total, true
}

// parseBool reads the yes/no spellings exports use.
func parseBool(field, s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "0", "false", "no", "n", "否", "未升级", "f":
		return false, nil
	case "1", "true", "yes", "y", "是", "已升级", "t":
		return true, nil
	}
	return false, fmt.Errorf("%s %q is not yes/no: use true/false, 是/否 or 1/0", field, s)
}

// splitTags splits a tag cell on the separators people type: , ， ; ； 、 |.
func splitTags(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		return strings.ContainsRune(",，;；、|", r)
	})
	var out []string
	for _, t := range f {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// wireRecord is the JSON shape of a canonical record, with timestamps as strings so that the
// offset-less form real exports use can be accepted and reported precisely.
type wireRecord struct {
	ID            string      `json:"id"`
	Channel       string      `json:"channel"`
	StartedAt     string      `json:"started_at"`
	AgentID       string      `json:"agent_id"`
	AgentName     string      `json:"agent_name"`
	Team          string      `json:"team"`
	CustomerID    string      `json:"customer_id"`
	CustomerName  string      `json:"customer_name"`
	CustomerPhone string      `json:"customer_phone"`
	CustomerTier  string      `json:"customer_tier"`
	BusinessType  string      `json:"business_type"`
	Recording     string      `json:"recording"`
	Turns         []qa.Turn   `json:"turns"`
	Ticket        *wireTicket `json:"ticket"`
	Tags          []string    `json:"tags"`
}

type wireTicket struct {
	CreatedAt       string `json:"created_at"`
	FirstResponseAt string `json:"first_response_at"`
	ResolvedAt      string `json:"resolved_at"`
	DueAt           string `json:"due_at"`
	Status          string `json:"status"`
	Category        string `json:"category"`
	Transfers       int    `json:"transfers"`
	Escalated       bool   `json:"escalated"`
	Solution        string `json:"solution"`
}

// record converts w, failing on the first timestamp that cannot be read.
func (w *wireRecord) record() (qa.Record, error) {
	rec := qa.Record{
		ID: w.ID, Channel: w.Channel, AgentID: w.AgentID, AgentName: w.AgentName, Team: w.Team,
		CustomerID: w.CustomerID, CustomerName: w.CustomerName, CustomerPhone: w.CustomerPhone,
		CustomerTier: w.CustomerTier, BusinessType: w.BusinessType, Recording: w.Recording,
		Turns: w.Turns, Tags: w.Tags,
	}
	if w.StartedAt != "" {
		t, err := parseTime("started_at", w.StartedAt)
		if err != nil {
			return rec, err
		}
		rec.StartedAt = t
	}
	if w.Ticket != nil {
		tk := &qa.Ticket{Status: w.Ticket.Status, Category: w.Ticket.Category, Transfers: w.Ticket.Transfers,
			Escalated: w.Ticket.Escalated, Solution: w.Ticket.Solution}
		for _, f := range []struct {
			name string
			s    string
			dst  **time.Time
		}{
			{"ticket.created_at", w.Ticket.CreatedAt, &tk.CreatedAt},
			{"ticket.first_response_at", w.Ticket.FirstResponseAt, &tk.FirstResponseAt},
			{"ticket.resolved_at", w.Ticket.ResolvedAt, &tk.ResolvedAt},
			{"ticket.due_at", w.Ticket.DueAt, &tk.DueAt},
		} {
			if f.s == "" {
				continue
			}
			t, err := parseTime(f.name, f.s)
			if err != nil {
				return rec, err
			}
			*f.dst = &t
		}
		rec.Ticket = tk
	}
	return rec, nil
}
