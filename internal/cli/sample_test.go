package cli_test

import (
	"path/filepath"
	"strings"
	"testing"

	"qloop/internal/cli"
)

// TestSampleCommands: a plan from YAML (with its mistakes reported by file and line), a run that
// prints its strata and creates review tasks, and the sample-size calculator.
func TestSampleCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	data := filepath.Join(dir, "demo.jsonl")
	if _, errOut, code := run(t, "demo", "--records", "300", "--out", data); code != cli.ExitOK {
		t.Fatalf("demo --out: %s", errOut)
	}
	if _, errOut, code := run(t, "import", "--inspect", "--db", db, data); code != cli.ExitOK {
		t.Fatalf("import: %s", errOut)
	}
	if _, errOut, code := runIn(t, "pw-inspector-2026\n", "user", "add", "zhijian", "--role", "inspector", "--password-stdin", "--db", db); code != cli.ExitOK {
		t.Fatalf("user add: %s", errOut)
	}
	bad := write(t, dir, "bad.yaml", "name: monthly\nrate: 0.1\nstrata: [agent]\ninspectors: [{inspector: zhijian, quota: 10}]\n")
	_, errOut, code := run(t, "sample", "plan", "--db", db, bad)
	if code == cli.ExitOK || !strings.Contains(errOut, "bad.yaml") || !strings.Contains(errOut, "[3:1]") {
		t.Fatalf("a plan with an unknown field: exit %d, stderr %q; want the file and line 3", code, errOut)
	}
	// An alias bomb is refused by its line before it is expanded.
	bomb := "name: monthly\nrate: 0.1\nstrata_by: &a [agent, agent, agent, agent, agent, agent, agent, agent]\nchannels: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n" +
		"business_types: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nfull: {tags: &d [*c, *c, *c, *c, *c, *c, *c, *c], business_types: &e [*d, *d, *d, *d, *d, *d, *d, *d], key_customer_tiers: [*e, *e, *e, *e, *e, *e, *e, *e]}\n"
	if _, errOut, code := run(t, "sample", "plan", "--db", db, write(t, dir, "bomb.yaml", bomb)); code == cli.ExitOK || !strings.Contains(errOut, "bomb.yaml:6: aliases") {
		t.Fatalf("an alias bomb: exit %d, stderr %q; want it refused at line 6", code, errOut)
	}
	unknown := write(t, dir, "unknown.yaml", "name: monthly\nrate: 0.1\ninspectors: [{inspector: nobody, quota: 10}]\n")
	if _, errOut, code := run(t, "sample", "plan", "--db", db, unknown); code == cli.ExitOK || !strings.Contains(errOut, "nobody") {
		t.Fatalf("an unknown inspector: exit %d, %q", code, errOut)
	}
	good := write(t, dir, "monthly.yaml", `name: monthly
title: 月度抽检
rate: 0.05
strata_by: [agent, channel]
min_per_agent: 1
inspectors:
  - {inspector: zhijian, quota: 30}
full:
  complaints: true
  score_below: 40
`)
	out, errOut, code := run(t, "sample", "plan", "--db", db, good)
	if code != cli.ExitOK || !strings.Contains(out, `plan "monthly" created`) {
		t.Fatalf("sample plan: %d %q %q", code, out, errOut)
	}
	out, errOut, code = run(t, "sample", "run", "--db", db, "--seed", "7", "monthly")
	if code != cli.ExitOK {
		t.Fatalf("sample run: %d %s", code, errOut)
	}
	for _, want := range []string{"population 300", "review tasks 30", "STRATUM", "agent=A0", "channel=call", "why full:complaint", "inspector zhijian"} {
		if !strings.Contains(out, want) {
			t.Errorf("sample run output lacks %q:\n%s", want, out)
		}
	}
	out, _, _ = run(t, "sample", "run", "--db", db, "--seed", "7", "monthly")
	if !strings.Contains(out, "left out as drawn before 30") {
		t.Errorf("second run does not leave out the records drawn before:\n%s", out)
	}
	out, _, _ = run(t, "sample", "list", "--db", db)
	if !strings.Contains(out, "monthly") || !strings.Contains(out, "月度抽检") {
		t.Errorf("sample list:\n%s", out)
	}
	out, _, code = run(t, "sample", "size", "--population", "1000")
	if code != cli.ExitOK || !strings.HasPrefix(out, "278 records") {
		t.Errorf("sample size = %q", out)
	}
	if _, _, code := run(t, "sample", "size", "--margin", "2"); code != cli.ExitUsage {
		t.Errorf("a margin of 2 was accepted")
	}
}
