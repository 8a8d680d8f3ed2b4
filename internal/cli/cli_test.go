package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qloop/internal/cli"
)

// run executes qloop with args and returns stdout, stderr and the exit status.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(context.Background(), args, &cli.Env{
		Getenv: func(string) string { return "" },
		Stdout: &out, Stderr: &errb,
	})
	return out.String(), errb.String(), code
}

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const goodCall = `{"id":"c-1","channel":"call","started_at":"2026-11-02T09:15:00+08:00","agent_id":"A017","agent_name":"王芳","team":"一组","customer_name":"李建国","customer_phone":"13800138000","business_type":"信用卡","turns":[{"speaker":"agent","text":"您好,请问有什么可以帮您?","start":0,"end":2.1},{"speaker":"customer","text":"我的卡被锁了,你们怎么回事!","start":2.4,"end":5},{"speaker":"agent","text":"我非常理解您现在的心情,我马上帮您处理。","start":5.5,"end":9},{"speaker":"agent","text":"请问您还需要其他帮助吗?","start":20,"end":22},{"speaker":"customer","text":"没有了","start":22.5,"end":23},{"speaker":"agent","text":"感谢您的致电,再见!","start":23.5,"end":25}]}`

const badCall = `{"id":"c-2","channel":"call","started_at":"2026-11-02T10:00:00+08:00","agent_id":"A018","turns":[{"speaker":"agent","text":"喂?","start":0,"end":1},{"speaker":"customer","text":"我要查账单","start":1.5,"end":3},{"speaker":"agent","text":"我再跟你说一遍,去柜台","start":3.5,"end":6},{"speaker":"agent","text":"好,再见","start":6.5,"end":7}]}`

func TestImportInspectShowStats(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	in := write(t, dir, "calls.jsonl", goodCall+"\n"+
		`{"id":"c-3","channel":"call","started_at":"2026-13-02","agent_id":"A1","turns":[{"speaker":"agent","text":"您好"}]}`+"\n"+
		"{not json\n"+
		badCall+"\n"+
		`{"id":"c-4","channel":"call","started_at":"2026-11-02T10:00:00+08:00","turns":[{"speaker":"agent","text":"您好"}]}`+"\n")

	out, errOut, code := run(t, "import", "--db", db, in)
	if code != cli.ExitRejected {
		t.Fatalf("exit = %d, want %d (some lines rejected)\n%s", code, cli.ExitRejected, errOut)
	}
	if !strings.Contains(out, "2 new") || !strings.Contains(out, "3 rejected") {
		t.Errorf("summary = %q", out)
	}
	for _, want := range []string{in + ":2: ", in + ":3: ", in + ":5: ", "agent_id"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	rej, err := os.ReadFile(in + ".rejects.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(rej), "\n"); n != 3 {
		t.Errorf("rejects file has %d lines, want 3:\n%s", n, rej)
	}

	// Re-import: nothing duplicated, nothing changed.
	out, _, _ = run(t, "import", "--db", db, "--rejects", filepath.Join(dir, "r.jsonl"), in)
	if !strings.Contains(out, "0 new, 0 updated, 2 unchanged") {
		t.Errorf("re-import summary = %q", out)
	}

	out, errOut, code = run(t, "inspect", "--db", db, "--json")
	if code != cli.ExitOK {
		t.Fatalf("inspect exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("inspect --json printed %d lines, want 2:\n%s", len(lines), out)
	}
	results := map[string]map[string]any{}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"id", "scorecard", "version", "score", "passed", "fatal", "findings"} {
			if _, ok := m[k]; !ok {
				t.Errorf("line lacks %q: %s", k, l)
			}
		}
		results[m["id"].(string)] = m
	}
	if results["c-1"]["passed"] != true || results["c-2"]["passed"] != false {
		t.Errorf("c-1 passed=%v c-2 passed=%v", results["c-1"]["passed"], results["c-2"]["passed"])
	}
	var forbidden map[string]any
	for _, f := range results["c-2"]["findings"].([]any) {
		f := f.(map[string]any)
		if f["item"] == "forbidden" {
			forbidden = f
		}
	}
	if forbidden == nil || forbidden["result"] != "fail" || forbidden["text"] != "我再跟你说一遍" || forbidden["turn"] != float64(2) || forbidden["start"] != 3.5 {
		t.Errorf("forbidden finding = %v", forbidden)
	}

	// A second run finds nothing left to do.
	out, errOut, _ = run(t, "inspect", "--db", db, "--json")
	if strings.TrimSpace(out) != "" || !strings.Contains(errOut, "0 inspections") {
		t.Errorf("second inspect did work again: %q %q", out, errOut)
	}

	out, _, code = run(t, "show", "c-2", "--db", db)
	if code != 0 || !strings.Contains(out, "【我再跟你说一遍】") || !strings.Contains(out, "✗ forbidden") {
		t.Errorf("show output:\n%s", out)
	}
	_, errOut, code = run(t, "show", "nope", "--db", db)
	if code == 0 || !strings.Contains(errOut, "nope") {
		t.Errorf("show of a missing id: code %d, %s", code, errOut)
	}

	// The failed items by the scorecard's names, not their ids.
	out, _, _ = run(t, "stats", "--db", db)
	for _, want := range []string{"records: 2", "inspections: 2", "服务忌语", "开场白"} {
		if !strings.Contains(out, want) {
			t.Errorf("stats lacks %q:\n%s", want, out)
		}
	}
	for _, id := range []string{"forbidden", "opening"} {
		if strings.Contains(out, id) {
			t.Errorf("stats shows the item id %q:\n%s", id, out)
		}
	}
}

func TestReimportChangedRecordIsReinspected(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	run(t, "import", "--db", db, "--inspect", write(t, dir, "a.jsonl", badCall+"\n"))
	fixed := strings.Replace(badCall, "喂?", "您好,请问有什么可以帮您?", 1)
	out, _, _ := run(t, "import", "--db", db, write(t, dir, "b.jsonl", fixed+"\n"))
	if !strings.Contains(out, "0 new, 1 updated") {
		t.Fatalf("summary = %q", out)
	}
	out, _, _ = run(t, "inspect", "--db", db, "--json")
	if !strings.Contains(out, `"id":"c-2"`) {
		t.Fatalf("the changed record was not inspected again: %q", out)
	}
	show, _, _ := run(t, "show", "c-2", "--db", db)
	if !strings.Contains(show, "rev 2") {
		t.Errorf("show lacks the revision:\n%s", show)
	}
}

func TestScorecardCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	call := write(t, dir, "c.jsonl", goodCall+"\n")
	run(t, "import", "--db", db, call) // creates the database; nothing is inspected yet
	out, _, code := run(t, "scorecard", "list", "--db", db)
	if code != 0 {
		t.Fatal(out)
	}
	for _, name := range []string{"activity", "aftersales", "callcenter"} {
		if !strings.Contains(out, name) {
			t.Errorf("list lacks default %s:\n%s", name, out)
		}
	}
	src, _, _ := run(t, "scorecard", "show", "callcenter", "--yaml", "--db", db)
	if !strings.Contains(src, "name: callcenter") {
		t.Fatalf("show --yaml:\n%s", src)
	}
	// A typo is reported with file and line, and nothing is stored.
	typo := write(t, dir, "typo.yaml", strings.Replace(src, "kind: passfail", "kind: passfial", 1))
	_, errOut, code := run(t, "scorecard", "validate", typo)
	if code == 0 || !strings.Contains(errOut, typo+":") || !strings.Contains(errOut, "passfial") {
		t.Fatalf("validate typo: code %d\n%s", code, errOut)
	}
	_, _, code = run(t, "scorecard", "import", "--db", db, typo)
	if code == 0 {
		t.Fatal("import of a broken scorecard succeeded")
	}
	// Inspect with v1, then import and activate v2: v1's inspection stays, v2 adds its own.
	run(t, "import", "--db", db, "--inspect", call)
	v2 := write(t, dir, "v2.yaml", strings.Replace(src, "pass_score: 80", "pass_score: 90", 1))
	out, _, code = run(t, "scorecard", "import", "--db", db, "--activate", v2)
	if code != 0 || !strings.Contains(out, "callcenter v2") {
		t.Fatalf("import v2: %s", out)
	}
	out, _, _ = run(t, "scorecard", "import", "--db", db, v2)
	if !strings.Contains(out, "unchanged") {
		t.Errorf("re-importing the same file made a new version: %s", out)
	}
	run(t, "inspect", "--db", db)
	show, _, _ := run(t, "show", "c-1", "--db", db)
	if !strings.Contains(show, "callcenter v1") || !strings.Contains(show, "callcenter v2") {
		t.Errorf("show should list both versions' inspections:\n%s", show)
	}
	out, _, _ = run(t, "scorecard", "activate", "callcenter", "--version", "1", "--db", db)
	if !strings.Contains(out, "callcenter v1 is active") {
		t.Errorf("activate: %s", out)
	}
}

func TestInspectFileWithoutStoring(t *testing.T) {
	dir := t.TempDir()
	in := write(t, dir, "calls.jsonl", goodCall+"\n"+badCall+"\n")
	db := filepath.Join(dir, "never.db")
	out, errOut, code := run(t, "inspect", "--file", in, "--scorecard", "callcenter", "--json", "--db", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], `{"id":"c-1"`) || !strings.HasPrefix(lines[1], `{"id":"c-2"`) {
		t.Fatalf("want c-1 then c-2 in file order:\n%s", out)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("inspect --file created a database")
	}
	// A scorecard file under trial.
	tmp := filepath.Join(dir, "tmp.db")
	run(t, "import", "--db", tmp, in)
	card, _, _ := run(t, "scorecard", "show", "callcenter", "--yaml", "--db", tmp)
	trial := write(t, dir, "trial.yaml", strings.Replace(card, "pass_score: 80", "pass_score: 101", 1))
	_, errOut, code = run(t, "inspect", "--file", in, "--scorecard", trial)
	if code == 0 || !strings.Contains(errOut, "pass_score") {
		t.Errorf("a broken trial scorecard should be reported: %d %s", code, errOut)
	}
}

func TestUsageErrors(t *testing.T) {
	_, errOut, code := run(t, "frobnicate")
	if code != cli.ExitUsage || !strings.Contains(errOut, "unknown command") {
		t.Errorf("unknown command: %d %s", code, errOut)
	}
	_, _, code = run(t, "import")
	if code != cli.ExitUsage {
		t.Errorf("import without files: %d", code)
	}
	out, _, code := run(t, "help")
	if code != 0 || !strings.Contains(out, "scorecard") {
		t.Errorf("help: %d %s", code, out)
	}
}

// TestMissingDatabaseIsRefused: a mistyped --db must not become a new empty database; only import
// and demo create one.
func TestMissingDatabaseIsRefused(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"show", "c-1"}, {"stats"}, {"inspect"}, {"scorecard", "list"}, {"sample", "list"}, {"serve", "--addr", "127.0.0.1:0"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			db := filepath.Join(dir, "nope.db")
			// serve would listen until its context ends: before the fix it must fail, not hang.
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			var out, errb bytes.Buffer
			code := cli.Main(ctx, append(args, "--db", db), &cli.Env{Getenv: func(string) string { return "" }, Stdout: &out, Stderr: &errb})
			errOut := errb.String()
			if code != cli.ExitError || !strings.Contains(errOut, db) || !strings.Contains(errOut, "does not exist") ||
				strings.Contains(errOut, "not found") {
				t.Errorf("exit %d, stderr:\n%s", code, errOut)
			}
			if _, err := os.Stat(db); err == nil {
				t.Errorf("%s created the database", args[0])
			}
		})
	}
	db := filepath.Join(dir, "new.db")
	if _, errOut, code := run(t, "import", "--db", db, write(t, dir, "c.jsonl", goodCall+"\n")); code != cli.ExitOK {
		t.Fatalf("import into a new database: %d %s", code, errOut)
	}
	if out, errOut, code := run(t, "stats", "--db", db); code != cli.ExitOK || !strings.Contains(out, "records: 1") {
		t.Errorf("stats on the database import created: %d %s %s", code, out, errOut)
	}
}

// TestStatsWithoutInspections says there is nothing to average instead of printing averages of 0.0.
func TestStatsWithoutInspections(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	run(t, "import", "--db", db, write(t, dir, "c.jsonl", goodCall+"\n"))
	out, errOut, code := run(t, "stats", "--db", db)
	if code != cli.ExitOK || strings.Contains(out, "0.0") || !strings.Contains(out, "qloop inspect") {
		t.Errorf("stats with 0 inspections: %d\n%s%s", code, out, errOut)
	}
}

// TestShowOverlappingFindings marks the union of overlapping failed spans once, never 【【…】…】.
func TestShowOverlappingFindings(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	// Turn 2 interrupts the customer (the whole turn) and holds a taboo (a part of it); turn 3 says
	// the same taboo twice, and both are marked.
	rec := `{"id":"c-9","channel":"call","started_at":"2026-11-02T10:00:00+08:00","agent_id":"A018","turns":[` +
		`{"speaker":"agent","text":"我再跟你说一遍。","start":0,"end":1},{"speaker":"customer","text":"我要查账单,上个月的那笔","start":1.5,"end":6},` +
		`{"speaker":"agent","text":"你有病吧,去柜台","start":3.5,"end":6.5},{"speaker":"agent","text":"你明白吗?你明白吗?好,再见","start":7,"end":9}]}`
	run(t, "import", "--inspect", "--db", db, write(t, dir, "c.jsonl", rec+"\n"))
	out, errOut, code := run(t, "show", "c-9", "--db", db)
	if code != cli.ExitOK {
		t.Fatalf("show: %d %s", code, errOut)
	}
	for _, want := range []string{"坐席: 【我再跟你说一遍】。\n", "坐席: 【你有病吧,去柜台】\n", "坐席: 【你明白吗】?【你明白吗】?好,再见\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "【【") {
		t.Errorf("nested marks:\n%s", out)
	}
}

// TestErrorsPrintedOnce: a missing input or a broken workbook is reported on one line, not twice.
func TestErrorsPrintedOnce(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	for _, file := range []string{filepath.Join(dir, "missing.jsonl"), write(t, dir, "bad.xlsx", "not a workbook")} {
		_, errOut, code := run(t, "import", "--db", db, file)
		if code != cli.ExitError || strings.Count(errOut, filepath.Base(file)) != 1 {
			t.Errorf("import %s: exit %d, stderr:\n%s", filepath.Base(file), code, errOut)
		}
	}
}

// TestHelpExitsZero: asking for help is not a usage error, for qloop and each command alike.
func TestHelpExitsZero(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"import", "-h"}, {"show", "--help"}, {"stats", "-h"}, {"demo", "-h"},
		{"scorecard", "import", "-h"}, {"scorecard", "-h"}, {"sample", "run", "-h"}, {"user", "add", "-h"}} {
		out, errOut, code := run(t, args...)
		if code != cli.ExitOK || !strings.Contains(out+errOut, "Usage") {
			t.Errorf("qloop %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
		}
	}
	if _, _, code := run(t, "import", "--no-such-flag"); code != cli.ExitUsage {
		t.Errorf("an unknown flag: exit %d, want %d", code, cli.ExitUsage)
	}
}
