package sentiment

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// stc3 is the STC-3 sample: Weibo customer ↔ helpdesk dialogues. Its text
// has no licence for shipping, so it is read from the shared data folder
// and never copied into the repo.
var stc3 = filepath.Join("..", "..", "..", "shared", "data", "stc3_zh")

func openData(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join(stc3, name))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared data missing in CI: %v", err)
		}
		t.Skipf("shared data missing: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func readJSONL(t *testing.T, name string, fn func([]byte) error) {
	sc := bufio.NewScanner(openData(t, name))
	sc.Buffer(nil, 1<<22)
	for sc.Scan() {
		if err := fn(sc.Bytes()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

// TestSTC3 checks the scorer against the STC-3 annotations. The labels have
// no per-turn emotion, but quality S is the annotators' estimate (−2…2) of
// customer satisfaction with the dialogue; customers of the least satisfying
// dialogues should sound more negative than those of the most satisfying.
// It also checks that the distribution over all customer turns is plausible
// for a complaint channel: a real share upset, fewer positive, and most
// turns not extreme.
func TestSTC3(t *testing.T) {
	sat := map[string]float64{}
	readJSONL(t, "labels.jsonl", func(b []byte) error {
		var l struct {
			ID          string
			QualityMean struct{ S float64 } `json:"quality_mean"`
		}
		err := json.Unmarshal(b, &l)
		sat[l.ID] = l.QualityMean.S
		return err
	})
	s := Default()
	var turns, upset, positive, extreme int
	var lowSum, highSum float64
	var lowN, highN int
	readJSONL(t, "conversations.jsonl", func(b []byte) error {
		var c struct {
			ID    string
			Turns []struct{ Speaker, Text string }
		}
		if err := json.Unmarshal(b, &c); err != nil {
			return err
		}
		worst := 1.0
		for _, tr := range c.Turns {
			if tr.Speaker != "customer" {
				continue
			}
			v := s.Score(tr.Text)
			turns++
			switch {
			case v <= Upset:
				upset++
			case v > 0.3:
				positive++
			}
			if v < -0.95 || v > 0.95 {
				extreme++
			}
			worst = min(worst, v)
		}
		switch S, ok := sat[c.ID]; {
		case !ok:
		case S <= -0.5:
			lowSum += worst
			lowN++
		case S >= 0.5:
			highSum += worst
			highN++
		}
		return nil
	})
	pct := func(n int) float64 { return 100 * float64(n) / float64(turns) }
	t.Logf("%d customer turns: %.1f%% upset, %.1f%% positive, %.1f%% extreme", turns, pct(upset), pct(positive), pct(extreme))
	t.Logf("worst customer turn: %.3f mean over %d dialogues with S ≤ -0.5, %.3f over %d with S ≥ 0.5",
		lowSum/float64(lowN), lowN, highSum/float64(highN), highN)
	if turns < 4000 {
		t.Fatalf("only %d customer turns", turns)
	}
	if p := pct(upset); p < 10 || p > 60 {
		t.Errorf("upset share %.1f%% implausible for a complaint channel", p)
	}
	if pct(positive) >= pct(upset) {
		t.Errorf("more positive (%.1f%%) than upset (%.1f%%) turns in a complaint channel", pct(positive), pct(upset))
	}
	if p := pct(extreme); p > 15 {
		t.Errorf("%.1f%% extreme scores: the scale saturates", p)
	}
	if lowN < 50 || highN < 20 {
		t.Fatalf("too few labelled dialogues: %d low, %d high", lowN, highN)
	}
	if low, high := lowSum/float64(lowN), highSum/float64(highN); low >= high {
		t.Errorf("least satisfied dialogues (%.3f) do not sound worse than the most satisfied (%.3f)", low, high)
	}
}
