package scorecard_test

import (
	"errors"
	"strings"
	"testing"

	"qloop/internal/qa"
	"qloop/internal/rules"
	"qloop/internal/scorecard"
)

func TestDefaultsParseAndCompile(t *testing.T) {
	ds := scorecard.Defaults()
	var names []string
	for _, d := range ds {
		names = append(names, d.Name)
		sc, err := scorecard.Parse(d.Src, d.Name)
		if err != nil {
			t.Fatalf("%s: %v", d.Name, err)
		}
		if sc.Name != d.Name {
			t.Errorf("file %s declares name %s", d.Name, sc.Name)
		}
		if _, err := rules.Compile(sc, rules.Options{}); err != nil {
			t.Errorf("%s: compile: %v", d.Name, err)
		}
	}
	if got := strings.Join(names, ","); got != "activity,aftersales,callcenter" {
		t.Fatalf("defaults = %s, want activity,aftersales,callcenter", got)
	}
}

func TestCallcenterStableItemIDs(t *testing.T) {
	sc, _, err := scorecard.DefaultByName("callcenter")
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, d := range sc.Dimensions {
		for _, it := range d.Items {
			have[it.ID] = true
		}
	}
	for _, id := range []string{"opening", "closing", "forbidden", "interrupt", "surname", "hold", "empathy", "complaint_confirm", "silence"} {
		if !have[id] {
			t.Errorf("callcenter lacks stable item %s (FORMAT.md)", id)
		}
	}
}

const valid = `name: demo
title: 演示
pass_score: 60
dimensions:
  - id: norms
    name: 服务规范
    weight: 1
    items:
      - id: opening
        name: 开场白
        kind: passfail
        check:
          type: phrase
          position: first
          all_of: [[您好]]
`

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		wantLine int
		want     string
	}{
		{"unknown key typo", strings.Replace(valid, "pass_score", "pass_scor", 1), 3, "unknown field"},
		{"bad kind", strings.Replace(valid, "kind: passfail", "kind: passfial", 1), 11, `kind "passfial" is not one of passfail, scale, deduction`},
		{"unknown check type", strings.Replace(valid, "type: phrase", "type: phrases", 1), 13, `check type "phrases" is unknown`},
		{"bad position", strings.Replace(valid, "position: first", "position: begin", 1), 14, `position "begin"`},
		{"field of another check", strings.Replace(valid, "position: first", "position: first\n          max: 20", 1), 15, "max is not used by a phrase check"},
		{"missing lexicon", strings.Replace(valid, "[[您好]]", "[[\"@greet\"]]", 1), 15, `lexicon "@greet" is not defined`},
		{"bad severity", strings.Replace(valid, "kind: passfail", "kind: passfail\n        severity: 很严重", 1), 12, "severity"},
		{"bad regex", strings.Replace(valid, "type: phrase\n          position: first\n          all_of: [[您好]]", "type: regex\n          pattern: \"([\"", 1), 14, "does not compile"},
		{"bad expr", strings.Replace(valid, "type: phrase\n          position: first\n          all_of: [[您好]]", "type: expr\n          expr: ticket.transfer < 2", 1), 14, "expression does not compile"},
		{"yaml syntax", valid + "  - id: [oops\n", 16, ""},
		{"wrong type", strings.Replace(valid, "pass_score: 60", "pass_score: sixty", 1), 3, ""},
		{"duplicate item", strings.Replace(valid, "          all_of: [[您好]]\n", "          all_of: [[您好]]\n      - id: opening\n        name: 又一个\n        kind: passfail\n", 1), 16, "used twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scorecard.Parse([]byte(tt.src), "demo.yaml")
			if err == nil {
				t.Fatal("want an error")
			}
			var ps scorecard.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error is %T, want Problems", err)
			}
			if qa.ErrorCode(err) != qa.EInvalid {
				t.Errorf("code = %s, want invalid", qa.ErrorCode(err))
			}
			msg := err.Error()
			if !strings.Contains(msg, "demo.yaml:") {
				t.Errorf("message lacks the file: %s", msg)
			}
			if ps[0].Line != tt.wantLine {
				t.Errorf("line = %d, want %d: %s", ps[0].Line, tt.wantLine, msg)
			}
			if tt.want != "" && !strings.Contains(msg, tt.want) {
				t.Errorf("message %q lacks %q", msg, tt.want)
			}
		})
	}
}

func TestParseValid(t *testing.T) {
	sc, err := scorecard.Parse([]byte(valid), "demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Dimensions[0].Items[0].Check.AllOf[0][0] != "您好" {
		t.Fatalf("parsed %+v", sc)
	}
}
