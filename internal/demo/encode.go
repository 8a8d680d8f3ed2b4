package demo

import (
	"encoding/json"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"qloop/internal/qa"
)

// appendRecord appends exactly the bytes json.Marshal(r) produces. encoding/json's reflection was about
// three quarters of the generation time; TestCanonicalLines and TestAppendMatchesMarshal keep the two
// byte-identical, and anything outside the fast paths falls back to json.Marshal itself.
func appendRecord(b []byte, r *qa.Record) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, r.ID)
	b = append(b, `,"channel":`...)
	b = appendString(b, r.Channel)
	b = append(b, `,"started_at":`...)
	b = appendTime(b, r.StartedAt)
	b = append(b, `,"agent_id":`...)
	b = appendString(b, r.AgentID)
	b = appendOpt(b, `,"agent_name":`, r.AgentName)
	b = appendOpt(b, `,"team":`, r.Team)
	b = appendOpt(b, `,"customer_id":`, r.CustomerID)
	b = appendOpt(b, `,"customer_name":`, r.CustomerName)
	b = appendOpt(b, `,"customer_phone":`, r.CustomerPhone)
	b = appendOpt(b, `,"customer_tier":`, r.CustomerTier)
	b = appendOpt(b, `,"business_type":`, r.BusinessType)
	b = appendOpt(b, `,"recording":`, r.Recording)
	if len(r.Turns) > 0 {
		b = append(b, `,"turns":[`...)
		for i := range r.Turns {
			if i > 0 {
				b = append(b, ',')
			}
			t := &r.Turns[i]
			b = append(b, `{"speaker":`...)
			b = appendString(b, t.Speaker)
			b = append(b, `,"text":`...)
			b = appendString(b, t.Text)
			if t.Start != nil {
				b = append(b, `,"start":`...)
				b = appendFloat(b, *t.Start)
			}
			if t.End != nil {
				b = append(b, `,"end":`...)
				b = appendFloat(b, *t.End)
			}
			b = appendOpt(b, `,"event":`, t.Event)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if tk := r.Ticket; tk != nil {
		b = append(b, `,"ticket":{`...)
		n := len(b)
		b = appendOptTime(b, `"created_at":`, tk.CreatedAt, len(b) > n)
		b = appendOptTime(b, `"first_response_at":`, tk.FirstResponseAt, len(b) > n)
		b = appendOptTime(b, `"resolved_at":`, tk.ResolvedAt, len(b) > n)
		b = appendOptTime(b, `"due_at":`, tk.DueAt, len(b) > n)
		if len(b) > n {
			b = append(b, ',')
		}
		if tk.Status != "" {
			b = appendString(append(b, `"status":`...), tk.Status)
			b = append(b, ',')
		}
		if tk.Category != "" {
			b = appendString(append(b, `"category":`...), tk.Category)
			b = append(b, ',')
		}
		b = strconv.AppendInt(append(b, `"transfers":`...), int64(tk.Transfers), 10)
		b = strconv.AppendBool(append(b, `,"escalated":`...), tk.Escalated)
		b = appendOpt(b, `,"solution":`, tk.Solution)
		b = append(b, '}')
	}
	if len(r.Tags) > 0 {
		b = append(b, `,"tags":[`...)
		for i, t := range r.Tags {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, t)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func appendOpt(b []byte, key, v string) []byte {
	if v == "" {
		return b
	}
	return appendString(append(b, key...), v)
}

func appendOptTime(b []byte, key string, t *time.Time, comma bool) []byte {
	if t == nil {
		return b
	}
	if comma {
		b = append(b, ',')
	}
	return appendTime(append(b, key...), *t)
}

func appendTime(b []byte, t time.Time) []byte {
	if y := t.Year(); y < 0 || y > 9999 {
		return appendMarshal(b, t)
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// appendFloat follows encoding/json: 'f' format inside [1e-6, 1e21), which covers every time we write.
func appendFloat(b []byte, v float64) []byte {
	if a := math.Abs(v); v != 0 && (a < 1e-6 || a >= 1e21) || math.IsNaN(v) || math.IsInf(v, 0) {
		return appendMarshal(b, v)
	}
	// Times are stored in tenths: when v is the double nearest n/10, its shortest form is n/10 in decimal,
	// which integer formatting writes much faster than the general algorithm.
	if n := math.Round(v * 10); !math.Signbit(v) && n < 1e15 && n/10 == v {
		i := int64(n)
		b = strconv.AppendInt(b, i/10, 10)
		if d := i % 10; d != 0 {
			b = append(b, '.', byte('0'+d))
		}
		return b
	}
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}

// appendString copies s verbatim when encoding/json would not escape any of it.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' ||
			(c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2]&^1 == 0xA8) { // U+2028, U+2029
			return appendMarshal(b, s)
		}
	}
	if !utf8.ValidString(s) {
		return appendMarshal(b, s)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendMarshal(b []byte, v any) []byte {
	out, err := json.Marshal(v)
	if err != nil { // only NaN or ±Inf floats, which the generator never makes
		return append(b, "null"...)
	}
	return append(b, out...)
}
