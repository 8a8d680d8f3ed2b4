package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"qloop/internal/qa"
)

// transcript assembles the one call of a subtitle or ASR file: metadata from the sidecar and
// Options.Meta, turns from cues. Any bad cue rejects the whole call (every bad cue is reported),
// because a transcript with a missing utterance would be scored as if it had never been said.
type transcript struct {
	s        *sink
	m        *Mapping
	rec      qa.Record
	speakers map[string]string // sidecar "speakers": label → agent/customer/system
	failed   bool
	last     string // speaker of the previous turn, for cues that do not repeat it
}

// sidecar is NAME.meta.json: a canonical record without turns, plus speaker labels.
type sidecar struct {
	wireRecord
	Speakers map[string]string `json:"speakers"`
}

// newTranscript gathers the call's metadata: defaults (id = file base name, channel = call), then the
// sidecar next to the file, then the fields set in opt.Meta.
func newTranscript(s *sink, opt Options) *transcript {
	t := &transcript{s: s, m: opt.Mapping}
	base := filepath.Base(s.file)
	t.rec.ID = strings.TrimSuffix(base, filepath.Ext(base))
	t.rec.Channel = qa.ChannelCall
	path := sidecarPath(s.file)
	if data, err := os.ReadFile(path); err == nil {
		var sc sidecar
		if err := json.Unmarshal(trimBOM(data), &sc); err != nil {
			t.fail(0, "", fmt.Sprintf("sidecar %s: %s", path, jsonReason(data, err)))
		} else if meta, err := sc.record(); err != nil {
			t.fail(0, "", fmt.Sprintf("sidecar %s: %v", path, err))
		} else {
			mergeMeta(&t.rec, &meta)
			t.speakers = sc.Speakers
			for label, sp := range sc.Speakers {
				if sp != qa.SpeakerAgent && sp != qa.SpeakerCustomer && sp != qa.SpeakerSystem {
					t.fail(0, "", fmt.Sprintf("sidecar %s: speaker %q maps to %q: use agent, customer or system", path, label, sp))
				}
			}
		}
	}
	if opt.Meta != nil {
		mergeMeta(&t.rec, opt.Meta)
	}
	return t
}

// sidecarPath is NAME.meta.json beside NAME.vtt (or .srt, .json).
func sidecarPath(name string) string {
	return strings.TrimSuffix(name, filepath.Ext(name)) + ".meta.json"
}

// mergeMeta copies the fields src sets onto dst; turns are never metadata.
func mergeMeta(dst, src *qa.Record) {
	for _, f := range []struct{ d, s *string }{
		{&dst.ID, &src.ID}, {&dst.Channel, &src.Channel}, {&dst.AgentID, &src.AgentID},
		{&dst.AgentName, &src.AgentName}, {&dst.Team, &src.Team}, {&dst.CustomerID, &src.CustomerID},
		{&dst.CustomerName, &src.CustomerName}, {&dst.CustomerPhone, &src.CustomerPhone},
		{&dst.CustomerTier, &src.CustomerTier}, {&dst.BusinessType, &src.BusinessType},
		{&dst.Recording, &src.Recording},
	} {
		if *f.s != "" {
			*f.d = *f.s
		}
	}
	if !src.StartedAt.IsZero() {
		dst.StartedAt = src.StartedAt
	}
	if src.Ticket != nil {
		tk := *src.Ticket
		dst.Ticket = &tk
	}
	if src.Tags != nil {
		dst.Tags = append([]string(nil), src.Tags...)
	}
}

// fail rejects one piece and, with it, the call.
func (t *transcript) fail(line int, raw, reason string) {
	t.failed = true
	t.s.bad(line, raw, reason)
}

// label resolves a speaker label: sidecar speakers first, then the mapping's names.
func (t *transcript) label(label string) (string, error) {
	if sp, ok := t.speakers[label]; ok {
		return sp, nil
	}
	return t.m.speaker(label)
}

// add appends a turn; an empty speaker continues the previous turn's speaker.
func (t *transcript) add(line int, raw, speaker, text string, start, end float64) {
	if speaker == "" {
		speaker = t.last
	}
	if speaker == "" {
		t.fail(line, raw, "no speaker for this cue: start the text with 坐席：/客户： (or agent:/customer:) or use a <v agent> voice tag")
		return
	}
	t.last = speaker
	t.rec.Turns = append(t.rec.Turns, qa.Turn{Speaker: speaker, Text: text, Start: qa.Seconds(start), End: qa.Seconds(end)})
}

// finish emits the call, or rejects it when metadata is missing or a cue was bad.
func (t *transcript) finish() error {
	if t.failed {
		t.s.sum.Read++
		return nil
	}
	var missing []string
	if strings.TrimSpace(t.rec.AgentID) == "" {
		missing = append(missing, "agent_id")
	}
	if t.rec.StartedAt.IsZero() {
		missing = append(missing, "started_at")
	}
	if len(missing) > 0 {
		t.s.fail(0, "", fmt.Sprintf("call %q has no %s: put them in %s (e.g. {\"agent_id\": \"A017\", \"started_at\": \"2026-11-02T09:15:00+08:00\"}) or pass --agent and --started-at",
			t.rec.ID, strings.Join(missing, " or "), filepath.Base(sidecarPath(t.s.file))))
		return nil
	}
	return t.s.record(0, "", t.rec)
}

var (
	voiceTag = regexp.MustCompile(`^<v(?:\.[^\s>]*)?\s+([^>]*)>`)
	anyTag   = regexp.MustCompile(`<[^>]*>`)
)

// cueLine splits one text line of a cue into a speaker label (from a <v …> voice tag or a leading
// "坐席：" / "agent:" prefix) and the plain text. ok is false when an explicit label is unknown.
func (t *transcript) cueLine(s string) (speaker, text string, err error) {
	s = strings.TrimSpace(s)
	label := ""
	if m := voiceTag.FindStringSubmatch(s); m != nil {
		label, s = strings.TrimSpace(m[1]), s[len(m[0]):]
	}
	s = strings.TrimSpace(html.UnescapeString(anyTag.ReplaceAllString(s, "")))
	s = strings.TrimSpace(strings.TrimPrefix(s, "- "))
	if label == "" {
		if l, rest, ok := speakerPrefix(s); ok {
			label, s = l, rest
		}
	}
	if label == "" {
		return "", s, nil
	}
	sp, err := t.label(label)
	return sp, s, err
}

// speakerPrefix finds "label：text" or "label: text" where label is short and looks like a name
// (not a clock time like 10:30).
func speakerPrefix(s string) (label, rest string, ok bool) {
	i := strings.IndexAny(s, ":：")
	if i <= 0 {
		return "", "", false
	}
	label = strings.TrimSpace(s[:i])
	r, _ := utf8.DecodeRuneInString(label)
	if label == "" || utf8.RuneCountInString(label) > 12 || unicode.IsDigit(r) || strings.ContainsAny(label, "，。,.!?！？") {
		return "", "", false
	}
	_, size := utf8.DecodeRuneInString(s[i:])
	return label, strings.TrimSpace(s[i+size:]), true
}

// errNoCues is reported when a subtitle file holds no cue at all.
var errNoCues = errors.New("no cues found: expected blocks like \"00:00:01.000 --> 00:00:03.000\" followed by the text")
