package demo

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"qloop/internal/qa"
)

// sample is the default data set (seed 1, 6,000 records), generated once for all tests.
var sample = sync.OnceValues(func() ([]byte, []qa.Record) {
	var buf bytes.Buffer
	if err := Generate(&buf, Options{Seed: 1}); err != nil {
		panic(err)
	}
	var recs []qa.Record
	sc := bufio.NewScanner(bytes.NewReader(buf.Bytes()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r qa.Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			panic(err)
		}
		recs = append(recs, r)
	}
	return buf.Bytes(), recs
})

func generate(t testing.TB, opt Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Generate(&buf, opt); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDeterminism(t *testing.T) {
	a := generate(t, Options{Seed: 7, Records: 2000})
	b := generate(t, Options{Seed: 7, Records: 2000})
	c := generate(t, Options{Seed: 8, Records: 2000})
	if !bytes.Equal(a, b) {
		t.Error("same seed gave different output")
	}
	if bytes.Equal(a, c) {
		t.Error("different seeds gave the same output")
	}
}

func TestCanonicalLines(t *testing.T) {
	data, recs := sample()
	if len(recs) != 6000 {
		t.Fatalf("got %d records, want 6000", len(recs))
	}
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	for i, line := range lines {
		if err := recs[i].Validate(); err != nil {
			t.Fatalf("record %s: %v", recs[i].ID, err)
		}
		// Each line is exactly one json.Marshal of the record.
		again, err := json.Marshal(&recs[i])
		if err != nil || !bytes.Equal(again, line) {
			t.Fatalf("line %d is not canonical json.Marshal output", i+1)
		}
	}
}

func TestCountsAndMix(t *testing.T) {
	_, recs := sample()
	want := map[string]float64{qa.ChannelCall: 0.55, qa.ChannelChat: 0.30, qa.ChannelTicket: 0.15}
	got := map[string]int{}
	ids := map[string]bool{}
	idRe := regexp.MustCompile(`^([cmt])-(\d{8})-\d{4,}$`)
	prefix := map[string]string{"c": qa.ChannelCall, "m": qa.ChannelChat, "t": qa.ChannelTicket}
	for _, r := range recs {
		got[r.Channel]++
		if ids[r.ID] {
			t.Fatalf("duplicate id %s", r.ID)
		}
		ids[r.ID] = true
		m := idRe.FindStringSubmatch(r.ID)
		if m == nil || prefix[m[1]] != r.Channel || m[2] != r.StartedAt.Format("20060102") {
			t.Fatalf("id %s does not match channel %s / date %s", r.ID, r.Channel, r.StartedAt)
		}
		if r.Channel == qa.ChannelCall && r.Recording != "rec/"+r.ID+".wav" {
			t.Fatalf("call %s has recording %q", r.ID, r.Recording)
		}
		if r.Channel == qa.ChannelTicket && (r.Ticket == nil || len(r.Turns) > 3) {
			t.Fatalf("ticket %s: ticket %v, %d turns", r.ID, r.Ticket, len(r.Turns))
		}
	}
	for ch, share := range want {
		if s := float64(got[ch]) / float64(len(recs)); s < share-0.03 || s > share+0.03 {
			t.Errorf("%s share %.3f, want %.2f ± 0.03", ch, s, share)
		}
	}
	for _, n := range []int{1, 17, 250} {
		if c := bytes.Count(generate(t, Options{Seed: 3, Records: n}), []byte("\n")); c != n {
			t.Errorf("Records %d: got %d lines", n, c)
		}
	}
}

func TestDatesInRange(t *testing.T) {
	tests := []struct {
		name string
		opt  Options
	}{
		{"default", Options{Seed: 1, Records: 3000}},
		{"one month from mid-month", Options{Seed: 2, Records: 500, Months: 1, Start: time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt, _ := tt.opt.withDefaults()
			from, to := opt.Start, opt.Start.AddDate(0, opt.Months, 0)
			for _, r := range decode(t, generate(t, tt.opt)) {
				if r.StartedAt.Before(from) || !r.StartedAt.Before(to) {
					t.Fatalf("%s started %s, outside [%s, %s)", r.ID, r.StartedAt, from, to)
				}
				if _, off := r.StartedAt.Zone(); off != func() int { _, o := from.Zone(); return o }() {
					t.Fatalf("%s has offset %d", r.ID, off)
				}
				if tk := r.Ticket; tk != nil {
					if !tk.CreatedAt.Equal(r.StartedAt) || tk.FirstResponseAt.Before(*tk.CreatedAt) ||
						(tk.ResolvedAt != nil && tk.ResolvedAt.Before(*tk.FirstResponseAt)) || !tk.DueAt.After(*tk.CreatedAt) {
						t.Fatalf("%s has inconsistent ticket times", r.ID)
					}
				}
			}
		})
	}
}

func decode(t testing.TB, data []byte) []qa.Record {
	t.Helper()
	var recs []qa.Record
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var r qa.Record
		if err := dec.Decode(&r); err == io.EOF {
			return recs
		} else if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
}

func TestAgents(t *testing.T) {
	agents := Agents(Options{Seed: 1})
	if len(agents) != 30 {
		t.Fatalf("got %d agents", len(agents))
	}
	teams, leads, levels, names := map[string]int{}, map[string]int{}, map[string]int{}, map[string]bool{}
	for _, a := range agents {
		teams[a.Team]++
		levels[a.Level]++
		if a.Lead {
			leads[a.Team]++
		}
		if names[a.Name] {
			t.Errorf("duplicate agent name %s", a.Name)
		}
		names[a.Name] = true
	}
	for _, team := range teamNames {
		if teams[team] != 6 || leads[team] != 1 {
			t.Errorf("team %s: %d agents, %d leads", team, teams[team], leads[team])
		}
	}
	for _, l := range []string{"excellent", "good", "average", "poor", "improving"} {
		if levels[l] == 0 {
			t.Errorf("no %s agent", l)
		}
	}
	byID := map[string]Agent{}
	for _, a := range agents {
		byID[a.ID] = a
	}
	_, recs := sample()
	for _, r := range recs {
		if a, ok := byID[r.AgentID]; !ok || a.Name != r.AgentName || a.Team != r.Team {
			t.Fatalf("%s names agent %s %s %s, not in the roster", r.ID, r.AgentID, r.AgentName, r.Team)
		}
	}
	if got := Agents(Options{Seed: 1, Agents: 3}); len(got) != 3 || got[2].Team != "三组" {
		t.Errorf("3 agents: %+v", got)
	}
}

func TestOptionsErrors(t *testing.T) {
	if err := Generate(io.Discard, Options{Records: -1}); err == nil {
		t.Error("negative Records accepted")
	}
}

func TestCheckDigits(t *testing.T) {
	if got := IDCheckDigit("11010519491231002"); got != 'X' {
		t.Errorf("IDCheckDigit = %c, want X", got)
	}
	for _, tt := range []struct {
		in   string
		want bool
	}{{"4111111111111111", true}, {"4111111111111112", false}, {"6212261202000000000", false}, {"", false}, {"12a4", false}} {
		if got := LuhnValid(tt.in); got != tt.want {
			t.Errorf("LuhnValid(%q) = %v", tt.in, got)
		}
	}
}

// TestPersonalData checks the numbers customers speak: valid mobiles, ID numbers and card numbers.
func TestPersonalData(t *testing.T) {
	_, recs := sample()
	phoneRe := regexp.MustCompile(`^1[3-9]\d{9}$`)
	idRe := regexp.MustCompile(`(?:身份证号是|^)(\d{17}[\dX])(?:。|$)`)
	cardRe := regexp.MustCompile(`(?:卡号是|^)(\d{16}|\d{19})(?:。|$)`)
	ids, cards, addrs, phones := 0, 0, 0, 0
	for _, r := range recs {
		if r.CustomerPhone != "" && !phoneRe.MatchString(r.CustomerPhone) {
			t.Fatalf("%s: phone %q", r.ID, r.CustomerPhone)
		}
		for _, tu := range r.Turns {
			if tu.Speaker != qa.SpeakerCustomer {
				continue
			}
			if m := idRe.FindStringSubmatch(tu.Text); m != nil {
				ids++
				if IDCheckDigit(m[1]) != m[1][17] {
					t.Errorf("%s: ID number %s has a wrong check digit", r.ID, m[1])
				}
			}
			if m := cardRe.FindStringSubmatch(tu.Text); m != nil {
				cards++
				if !LuhnValid(m[1]) {
					t.Errorf("%s: card %s fails Luhn", r.ID, m[1])
				}
			}
			if strings.Contains(tu.Text, "我现在住在") {
				addrs++
			}
			if strings.Contains(tu.Text, "打我手机") {
				phones++
			}
		}
	}
	if ids < 50 || cards < 50 || addrs < 20 || phones < 20 {
		t.Errorf("too little personal data: %d ID numbers, %d cards, %d addresses, %d phones", ids, cards, addrs, phones)
	}
}

func BenchmarkGenerate(b *testing.B) {
	const n = 20000
	iters := 0
	for b.Loop() {
		if err := Generate(io.Discard, Options{Seed: 1, Records: n}); err != nil {
			b.Fatal(err)
		}
		iters++
	}
	b.ReportMetric(float64(n*iters)/b.Elapsed().Seconds(), "records/s")
}

// TestToday: with Today set, the records cover the three months up to and including it, so this
// month and last month both have data, and the same seed and day give the same records.
func TestToday(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	tests := []struct {
		name  string
		today time.Time
		from  string // first day
	}{
		{"mid-month", time.Date(2027, 1, 15, 16, 30, 0, 0, cst), "2026-10-16"},
		{"first of the month", time.Date(2026, 12, 1, 0, 0, 0, 0, cst), "2026-09-02"},
		// Three months before 1 June is 1 March: going forward from 28 February would end on 28 May.
		{"after a short month", time.Date(2026, 5, 31, 9, 0, 0, 0, cst), "2026-03-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := Options{Seed: 4, Records: 1500, Today: tt.today}
			data := generate(t, opt)
			if !bytes.Equal(data, generate(t, opt)) {
				t.Error("the same seed and today gave different records")
			}
			y, m, d := tt.today.Date()
			end := time.Date(y, m, d+1, 0, 0, 0, 0, cst)
			from, _ := time.ParseInLocation(time.DateOnly, tt.from, cst)
			thisMonth := time.Date(y, m, 1, 0, 0, 0, 0, cst)
			lastMonth := thisMonth.AddDate(0, -1, 0)
			var inThis, inLast, onToday int
			for _, r := range decode(t, data) {
				if r.StartedAt.Before(from) || !r.StartedAt.Before(end) {
					t.Fatalf("%s started %s, outside [%s, %s)", r.ID, r.StartedAt, from, end)
				}
				switch {
				case !r.StartedAt.Before(end.AddDate(0, 0, -1)):
					onToday++
					inThis++
				case !r.StartedAt.Before(thisMonth):
					inThis++
				case !r.StartedAt.Before(lastMonth):
					inLast++
				}
			}
			if inThis == 0 || inLast == 0 || onToday == 0 {
				t.Errorf("this month %d, last month %d, today %d records: want some in each", inThis, inLast, onToday)
			}
			if s, e, _ := Span(opt); !s.Equal(from) || !e.Equal(end) {
				t.Errorf("Span = %s … %s, want %s … %s", s, e, from, end)
			}
		})
	}
}

// TestRedLines: some agents insult customers (the red line), in their own words in the transcript,
// and it is the weak agents who do, mostly with upset or complaining customers.
func TestRedLines(t *testing.T) {
	_, recs := sample()
	level := map[string]string{}
	for _, a := range Agents(Options{Seed: 1}) {
		level[a.ID] = a.Level
	}
	abusive, weak, channels := 0, 0, map[string]int{}
	for _, r := range recs {
		for _, tu := range r.Turns {
			if tu.Speaker == qa.SpeakerAgent && slices.Contains(abuseLines, tu.Text) {
				abusive++
				channels[r.Channel]++
				if l := level[r.AgentID]; l == "poor" || l == "improving" || l == "average" {
					weak++
				}
				break
			}
		}
	}
	t.Logf("%d of %d records cross the red line (%v), %d by average, poor or improving agents", abusive, len(recs), channels, weak)
	if abusive < 10 || abusive > len(recs)/50 {
		t.Errorf("%d records with an insult, want a few (10 … 2%%)", abusive)
	}
	if channels[qa.ChannelCall] == 0 || channels[qa.ChannelChat] == 0 {
		t.Errorf("insults by channel %v: want calls and chats", channels)
	}
	if weak < abusive*3/4 {
		t.Errorf("only %d of %d insults come from weak agents", weak, abusive)
	}
}
