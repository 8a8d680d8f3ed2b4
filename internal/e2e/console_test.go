// Package e2e drives the web console in a real browser: Debian's chromium, headless, through chromedp.
//
// The test starts the real program (`qloop demo … --addr 127.0.0.1:0`) in-process, logs in as several
// roles and walks through the main pages. It saves a full-page screenshot of each main page to a
// temporary directory, or, with QLOOP_SCREENSHOTS=docs/screenshots, to the README's screenshots
// (a relative directory is taken from the repository root). Without /usr/bin/chromium it skips;
// under CI=true it fails.
//
//	apt-get install chromium fonts-wqy-microhei
//	go test ./internal/e2e/ -run TestConsole -v
//	QLOOP_SCREENSHOTS=docs/screenshots go test ./internal/e2e/   # regenerate the README's screenshots
package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"qloop/internal/cli"
	"qloop/internal/demo"
)

// demoRecords is how many records the demo generates: enough for several agents and filters, fast.
const demoRecords = 400

// EnvScreenshots names the variable that sends the screenshots to a directory of the repository
// (docs/screenshots for the README) instead of a temporary one, so a test run leaves a clone clean.
const EnvScreenshots = "QLOOP_SCREENSHOTS"

// screenshotDir is where shots go; TestMain sets it.
var screenshotDir string

func TestMain(m *testing.M) {
	dir := os.Getenv(EnvScreenshots)
	tmp := ""
	switch {
	case dir == "":
		var err error
		if tmp, err = os.MkdirTemp("", "qloop-screenshots-"); err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			os.Exit(1)
		}
		dir = tmp
	case !filepath.IsAbs(dir):
		dir = filepath.Join("..", "..", dir) // the tests run in internal/e2e
	}
	screenshotDir = dir
	code := m.Run()
	if tmp != "" {
		os.RemoveAll(tmp)
	}
	os.Exit(code)
}

// syncBuffer collects the program's output; the server writes from its own goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// chromiumPath finds the browser, or skips (fails under CI=true) with how to install it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	const how = "browser tests need Debian's chromium and a Chinese font: apt-get install -y chromium fonts-wqy-microhei"
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium found; " + how)
	}
	t.Skip("no chromium found; " + how)
	return ""
}

// startDemo runs `qloop demo` in the background and returns the console's base URL.
func startDemo(t *testing.T, ctx context.Context) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "e2e.db")
	ready := make(chan string, 1)
	done := make(chan int, 1)
	var out syncBuffer
	env := &cli.Env{
		Getenv: func(string) string { return "" }, // no QLOOP_DB or profiling from the caller's shell
		Stdin:  strings.NewReader(""),
		Stdout: &out,
		Stderr: &out,
		Ready:  func(addr string) { ready <- addr },
	}
	runCtx, stop := context.WithCancel(ctx)
	go func() {
		done <- cli.Main(runCtx, []string{"demo", "--db", db, "--records", strconv.Itoa(demoRecords), "--addr", "127.0.0.1:0"}, env)
	}()
	t.Cleanup(func() {
		stop()
		select {
		case <-done: // the store is closed before TempDir removes the database
		case <-time.After(10 * time.Second):
			t.Error("qloop demo did not stop within 10 s of its context ending")
		}
		if t.Failed() {
			t.Logf("qloop demo output:\n%s", out.String())
		}
	})
	select {
	case addr := <-ready:
		return "http://" + addr
	case code := <-done:
		t.Fatalf("qloop demo exited with %d before serving:\n%s", code, out.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("qloop demo did not serve within 30 s:\n%s", out.String())
	}
	return ""
}

// browser holds one headless chromium for the whole test; each role gets its own browser context
// (its own cookie jar) in a new tab.
type browser struct {
	ctx  context.Context
	base string
}

func newBrowser(t *testing.T, ctx context.Context, base string) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 800),
		// A Chinese browser, as the console's users have: Accept-Language and the date inputs' format.
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
		// The allocator makes (and removes) a fresh --user-data-dir of its own.
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	if err := chromedp.Do(bctx); err != nil {
		if os.Getenv("CI") != "true" && errors.Is(err, exec.ErrNotFound) {
			t.Skipf("chromium cannot start: %v", err)
		}
		t.Fatalf("start chromium: %v", err)
	}
	return &browser{ctx: bctx, base: base}
}

// tab opens a new tab in a fresh browser context with a 1280×800 viewport and a Chinese locale.
func (b *browser) tab(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	zh := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{Locale: "zh_CN"})
		return err
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800), zh); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	return ctx
}

// page is one tab of one logged-in user.
type page struct {
	t    *testing.T
	ctx  context.Context
	base string
}

// open navigates and returns the HTTP status of the document.
func (p *page) open(path string) int64 {
	p.t.Helper()
	resp, err := chromedp.Run(p.ctx, chromedp.NavigateResponse(p.base+path))
	if err != nil {
		p.t.Fatalf("open %s: %v", path, err)
	}
	return resp.Status
}

// submit clicks sel and waits for the page it leads to; it returns that page's HTTP status.
func (p *page) submit(sel string) int64 {
	p.t.Helper()
	resp, err := chromedp.RunResponse(p.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("click %s: %v", sel, err)
	}
	return resp.Status
}

func (p *page) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

// js evaluates a JavaScript expression in the page.
func js[T any](p *page, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// text is the trimmed textContent of the first element matching a CSS selector ("" if none).
func (p *page) text(sel string) string {
	p.t.Helper()
	return strings.TrimSpace(js[string](p, fmt.Sprintf(`(document.querySelector(%q)||{}).textContent||""`, sel)))
}

// texts are the trimmed textContents of all elements matching a CSS selector.
func (p *page) texts(sel string) []string {
	p.t.Helper()
	return js[[]string](p, fmt.Sprintf(`Array.from(document.querySelectorAll(%q), e => e.textContent.trim())`, sel))
}

// count reads the number in #record-count ("共 110 条" / "110 records").
func (p *page) count() int {
	p.t.Helper()
	s := p.text("#record-count")
	m := regexp.MustCompile(`\d+`).FindString(s)
	n, err := strconv.Atoi(m)
	if err != nil {
		p.t.Fatalf("#record-count %q has no number", s)
	}
	return n
}

// rowAgents are the agent ids of the record list's rows (the <small> in the agent column).
func (p *page) rowAgents() []string {
	return p.texts("#record-table tbody tr.row td:nth-child(4) small")
}

// shot saves a full-page PNG of the current page to screenshotDir/NAME.png.
func (p *page) shot(name string) {
	p.t.Helper()
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir, name+".png"), png, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// login opens a new tab for user and signs in; it returns the page and the header's "name · role".
func (b *browser) login(t *testing.T, user, password, screenshot string) (*page, string) {
	t.Helper()
	p := &page{t: t, ctx: b.tab(t), base: b.base}
	if st := p.open("/login"); st != 200 {
		t.Fatalf("GET /login: status %d", st)
	}
	p.do("fill the login form",
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), user),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
	)
	if l := js[string](p, `document.documentElement.lang`); l != "zh-CN" {
		t.Errorf("login page for a Chinese browser: <html lang=%q>, want zh-CN", l)
	}
	if screenshot != "" {
		p.shot(screenshot)
	}
	if st := p.submit("#login-submit"); st != 200 {
		t.Fatalf("log in as %s: landed on status %d (%s)", user, st, p.text("#login-error"))
	}
	who := p.text("#who")
	if who == "" {
		t.Fatalf("log in as %s: no #who in the header; error %q", user, p.text("#login-error"))
	}
	return p, who
}

// TestScreenshotsOutsideTheClone: without QLOOP_SCREENSHOTS the screenshots go outside the
// repository, so running the tests never rewrites the tracked docs/screenshots.
func TestScreenshotsOutsideTheClone(t *testing.T) {
	if os.Getenv(EnvScreenshots) != "" {
		t.Skip(EnvScreenshots + " is set: the screenshots are meant for the repository")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir, err := filepath.Abs(screenshotDir)
	if err != nil {
		t.Fatal(err)
	}
	if rel, err := filepath.Rel(root, dir); err == nil && !strings.HasPrefix(rel, "..") {
		t.Errorf("screenshots go to %s, inside the repository %s", dir, root)
	}
}

// pageThrough follows 下一页 from the list p shows until the last page (at most max pages) and
// checks that every page keeps the filter: the same count, the filter in the address, new rows only,
// each accepted by ok. It returns the rows seen and the pages visited.
func (p *page) pageThrough(what string, keep map[string]string, max int, ok func(row int) string) (rows, pages int) {
	p.t.Helper()
	total := p.count()
	seen := map[string]bool{}
	for pages = 1; ; pages++ {
		loc := js[string](p, `location.search`)
		q, _ := url.ParseQuery(strings.TrimPrefix(loc, "?"))
		for k, v := range keep {
			if q.Get(k) != v {
				p.t.Errorf("%s page %d: address %s has %s=%q, want %q", what, pages, loc, k, q.Get(k), v)
			}
		}
		if n := p.count(); n != total {
			p.t.Errorf("%s page %d counts %d records, page 1 %d", what, pages, n, total)
		}
		ids := p.texts("#record-table tbody tr.row a.rid")
		for i, id := range ids {
			if seen[id] {
				p.t.Errorf("%s page %d repeats %s", what, pages, id)
			}
			seen[id] = true
			if msg := ok(i); msg != "" {
				p.t.Errorf("%s page %d row %s: %s", what, pages, id, msg)
			}
		}
		rows += len(ids)
		if pages == max || !js[bool](p, `!!document.querySelector('#next-page')`) {
			break
		}
		if st := p.submit("#next-page"); st != 200 {
			p.t.Fatalf("%s: 下一页 from page %d: status %d", what, pages, st)
		}
	}
	if pages < 2 {
		p.t.Errorf("%s: %d records fit one page; the test needs a filter of more than 50", what, total)
	}
	if !js[bool](p, `!!document.querySelector('#next-page')`) && rows != total {
		p.t.Errorf("%s: paged through %d rows on %d pages, the count says %d", what, rows, pages, total)
	}
	return rows, pages
}

func TestConsoleInBrowser(t *testing.T) {
	chromiumPath(t) // skip early, before generating the demo
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := startDemo(t, ctx)
	t.Logf("demo serving at %s after %v", base, time.Since(start).Round(time.Millisecond))
	b := newBrowser(t, ctx, base)

	first := demo.Agents(demo.Options{Seed: 1, Records: demoRecords})[0] // the agent and team of zuoxi and zuzhang

	t.Run("roles", func(t *testing.T) {
		for _, c := range []struct{ user, role string }{
			{"admin", "系统管理员"}, {"zhijian", "质检员"}, {"zuoxi", "坐席"}, {"zuzhang", "组长"},
		} {
			shot := ""
			if c.user == "admin" {
				shot = "login"
			}
			p, who := b.login(t, c.user, "demo-"+c.user, shot)
			if !strings.Contains(who, c.role) {
				t.Errorf("%s: header shows %q, want the role %q", c.user, who, c.role)
			}
			p.open("/records")
			agents := p.rowAgents()
			if len(agents) == 0 {
				t.Errorf("%s: the record list is empty", c.user)
				continue
			}
			distinct := slices.Compact(slices.Sorted(slices.Values(agents)))
			switch c.user {
			case "zuoxi":
				if len(distinct) != 1 || distinct[0] != first.ID {
					t.Errorf("agent sees the agents %v, want only their own %s", distinct, first.ID)
				}
				if js[bool](p, `!!document.querySelector('#f-agent')`) {
					t.Error("agent gets an agent filter")
				}
				if st := p.open("/users"); st != 403 {
					t.Errorf("agent GET /users: status %d, want 403", st)
				}
				if h := p.text("main h1"); h != "403" {
					t.Errorf("agent /users: heading %q, want 403 (message %q)", h, p.text("#error-message"))
				}
				if p.text("#error-message") == "" {
					t.Error("agent /users: the 403 page has no message")
				}
				if js[bool](p, `!!document.querySelector('nav a[href="/users"]')`) {
					t.Error("agent's nav links to /users")
				}
			case "zuzhang":
				teams := p.texts("#record-table tbody tr.row td:nth-child(5)")
				for _, tm := range teams {
					if tm != first.Team {
						t.Errorf("team lead of %s sees a record of team %q", first.Team, tm)
						break
					}
				}
				if len(distinct) < 2 {
					t.Errorf("team lead sees only the agents %v, want the team's several agents", distinct)
				}
			default:
				if len(distinct) < 3 {
					t.Errorf("%s sees only the agents %v, want several", c.user, distinct)
				}
			}
		}
	})

	t.Run("inspector", func(t *testing.T) {
		p, _ := b.login(t, "zhijian", "demo-zhijian", "")
		p.open("/records")
		total := p.count()
		if total != demoRecords {
			t.Errorf("inspector's list counts %d records, want %d", total, demoRecords)
		}
		p.shot("records")

		// One agent: the one with the most rows on the first page.
		seen := map[string]int{}
		agent := ""
		for _, a := range p.rowAgents() {
			if seen[a]++; seen[a] > seen[agent] {
				agent = a
			}
		}
		if !js[bool](p, fmt.Sprintf(`!!document.querySelector('#f-agent option[value=%q]')`, agent)) {
			t.Fatalf("#f-agent has no option for %s", agent)
		}
		p.do("choose an agent", chromedp.SetValue(chromedp.CSS("#f-agent"), agent))
		p.submit("#f-apply")
		byAgent := p.count()
		if byAgent == 0 || byAgent >= total {
			t.Errorf("agent %s: %d records of %d", agent, byAgent, total)
		}
		if got := slices.Compact(slices.Sorted(slices.Values(p.rowAgents()))); len(got) != 1 || got[0] != agent {
			t.Errorf("filtered by agent %s, the rows show the agents %v", agent, got)
		}

		// Full-text search, within that agent: 身份证 is asked for in many demo calls.
		const word = "身份证"
		p.do("type a search", chromedp.SendKeys(chromedp.CSS("#f-q"), word))
		p.submit("#f-apply")
		byBoth := p.count()
		if byBoth == 0 || byBoth >= byAgent {
			t.Errorf("agent %s and %q: %d records, agent alone %d", agent, word, byBoth, byAgent)
		}
		if q := js[string](p, `document.querySelector('#f-q').value`); q != word {
			t.Errorf("the search box keeps %q, want %q", q, word)
		}
		p.open("/records?q=" + word)
		byWord := p.count()
		if byWord <= byBoth || byWord >= total {
			t.Errorf("%q alone: %d records (with agent %d, all %d)", word, byWord, byBoth, total)
		}

		// A failed item.
		p.open("/records")
		p.do("type a failed item", chromedp.SendKeys(chromedp.CSS("#f-failed"), "hold"))
		p.submit("#f-apply")
		byItem := p.count()
		t.Logf("records: all %d, agent %s %d, agent+%q %d, %q alone %d, failed item hold %d", total, agent, byAgent, word, byBoth, word, byWord, byItem)
		if byItem == 0 || byItem >= total {
			t.Errorf("failed item hold: %d records of %d", byItem, total)
		}
		for _, items := range js[[]string](p, `Array.from(document.querySelectorAll('#record-table tbody tr.row td.items'), e => e.dataset.items)`) {
			if !slices.Contains(strings.Fields(items), "hold") {
				t.Errorf("filtered by failed item hold, a row fails only %q", items)
				break
			}
		}
		// Fatal only: every row listed has the fatal badge (the demo may have none).
		p.open("/records")
		p.do("tick fatal", chromedp.Click(chromedp.CSS("#f-fatal")))
		p.submit("#f-apply")
		if !js[bool](p, `document.querySelector('#f-fatal').checked`) {
			t.Error("the fatal box is not kept ticked")
		}
		fatal := p.count()
		if rows := len(p.texts("#record-table tbody tr.row")); fatal >= total || rows > fatal {
			t.Errorf("fatal: count %d, %d rows, all %d", fatal, rows, total)
		}
		if n := js[int](p, `document.querySelectorAll('#record-table tr.row').length - document.querySelectorAll('#record-table tr.row .badge.fatal').length`); n != 0 {
			t.Errorf("fatal filter lists %d rows without the fatal badge", n)
		}

		// The demo writes recordings for the first calls of this list; find one that also has a highlight.
		p.open("/records?channel=call")
		ids := p.texts("#record-table tbody tr.row a.rid")
		if len(ids) > 10 {
			ids = ids[:10]
		}
		var id string
		for _, cand := range ids {
			p.open("/records/" + cand)
			if js[bool](p, `!!document.getElementById('player') && !!document.querySelector('#turns mark')`) {
				id = cand
				break
			}
		}
		if id == "" {
			t.Fatalf("none of the first calls %v has both a recording and a highlighted finding", ids)
		}
		// Open it from the list.
		p.open("/records?channel=call")
		if st := p.submit(fmt.Sprintf(`#record-table a.rid[href="/records/%s"]`, id)); st != 200 {
			t.Fatalf("open %s from the list: status %d", id, st)
		}
		if got := p.text("#record-id"); !strings.HasPrefix(got, id) {
			t.Fatalf("the record page shows %q, want %s", got, id)
		}

		// Highlights: a mark's text is the evidence quoted in the results panel for the same item.
		type ev struct{ Item, Text string }
		evidence := js[[]ev](p, `Array.from(document.querySelectorAll('.results li.res-fail'), li => {
			const m = /「([^」]*)」/.exec(li.querySelector('.ev').textContent); return {Item: li.dataset.item, Text: m ? m[1] : ''} })`)
		marks := js[[]ev](p, `Array.from(document.querySelectorAll('#turns mark'), m => ({Item: m.dataset.item, Text: m.textContent}))`)
		matched := false
		for _, m := range marks {
			for _, e := range evidence {
				if e.Text != "" && e.Text == m.Text && strings.Contains(m.Item, e.Item) {
					matched = true
				}
			}
		}
		if !matched {
			t.Errorf("no mark in #turns equals a finding's evidence: marks %v, evidence %v", marks, evidence)
		}

		// Seek: the recording loads, and a turn's time button moves the player.
		if _, err := chromedp.Run(p.ctx, chromedp.Poll[bool](`document.getElementById('player').readyState >= 1 && document.getElementById('player').duration > 0`,
			chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			t.Errorf("the recording does not load: %v (networkState %v)", err, js[int](p, `document.getElementById('player').networkState`))
		}
		turn := js[string](p, `document.querySelectorAll('.turn[data-start]')[3].id`)
		want := js[float64](p, fmt.Sprintf(`parseFloat(document.getElementById(%q).dataset.start)`, turn))
		if want <= 0 {
			t.Fatalf("%s starts at %v", turn, want)
		}
		p.do("click a turn's time", chromedp.Click(chromedp.CSS("#"+turn+" button.at")))
		if _, err := chromedp.Run(p.ctx, chromedp.Poll[bool](`document.getElementById('player').currentTime > 0`,
			chromedp.WithPollingTimeout(5*time.Second))); err != nil {
			t.Errorf("the player did not move: %v", err)
		}
		if got := js[float64](p, `document.getElementById('player').currentTime`); got < want-0.5 || got > want+5 {
			t.Errorf("player at %.2f s after clicking %s, want about %.2f s", got, turn, want)
		}
		if !js[bool](p, fmt.Sprintf(`document.getElementById(%q).classList.contains('playing')`, turn)) {
			t.Errorf("the clicked %s is not marked as playing", turn)
		}

		p.shot("record")
		t.Logf("record %s: marks %v; player at %.1f s after clicking %s", id, marks, js[float64](p, `document.getElementById('player').currentTime`), turn)

		// The scorecard the record was inspected with.
		if st := p.submit(".results .inspection h3 a"); st != 200 {
			t.Fatalf("open the scorecard: status %d", st)
		}
		if p.text("#scorecard-title") == "" || len(p.texts("table.data tbody tr")) < 5 {
			t.Errorf("scorecard page: title %q, %d item rows", p.text("#scorecard-title"), len(p.texts("table.data tbody tr")))
		}
		p.shot("scorecard")
	})

	// Every paged list with a filter: the record list by a filter and by a user's scope.
	t.Run("paging", func(t *testing.T) {
		sup, _ := b.login(t, "zhijian", "demo-zhijian", "")
		sup.open("/records")
		sup.do("choose a team", chromedp.SetValue(chromedp.CSS("#f-team"), first.Team))
		sup.submit("#f-apply")
		team := func(p *page) func(int) string {
			teams := func() []string { return p.texts("#record-table tbody tr.row td:nth-child(5)") }
			return func(i int) string {
				if tm := teams()[i]; tm != first.Team {
					return "team " + tm + ", want " + first.Team
				}
				return ""
			}
		}
		rows, pages := sup.pageThrough("team "+first.Team, map[string]string{"team": first.Team}, 10, team(sup))
		t.Logf("team %s: %d rows on %d pages", first.Team, rows, pages)
		if st := sup.submit("#first-page"); st != 200 || sup.text("#record-table tbody tr.row a.rid") == "" {
			t.Errorf("首页 from the last page: status %d", st)
		}
		if got := js[string](sup, `new URLSearchParams(location.search).get('team')`); got != first.Team {
			t.Errorf("首页 drops the team: %q", got)
		}

		// Worst first within the team, by the score heading, paged.
		if st := sup.submit(`button.sort[value="score"]`); st != 200 {
			t.Fatalf("sort by score: status %d", st)
		}
		last := -1.0
		sup.pageThrough("team "+first.Team+" worst first", map[string]string{"team": first.Team, "sort": "score"}, 10, func(i int) string {
			s := sup.texts("#record-table tbody tr.row td:nth-child(7)")[i]
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				v = 1000 // not inspected: last
			}
			if v < last {
				return fmt.Sprintf("score %v after %v", v, last)
			}
			last = v
			return ""
		})

		lead, _ := b.login(t, "zuzhang", "demo-zuzhang", "")
		lead.open("/records")
		lead.pageThrough("team lead", nil, 10, team(lead))

		// (An agent's own list of the demo's 400 records fits one page; the console's tests page one.)
	})

	t.Run("language", func(t *testing.T) {
		p, _ := b.login(t, "zhijian", "demo-zhijian", "")
		p.open("/records")
		if nav := p.text("nav a[href='/records']"); nav != "服务记录" {
			t.Errorf("default nav says %q, want 服务记录", nav)
		}
		p.submit("#lang-switch")
		check := func(when, lang, nav string) {
			t.Helper()
			if l := js[string](p, `document.documentElement.lang`); l != lang {
				t.Errorf("%s: <html lang=%q>, want %q", when, l, lang)
			}
			if got := p.text("nav a[href='/records']"); got != nav {
				t.Errorf("%s: nav says %q, want %q", when, got, nav)
			}
		}
		check("after the switch", "en", "Records")
		if loc := js[string](p, `location.pathname`); loc != "/records" {
			t.Errorf("the switch lands on %s, want /records", loc)
		}
		if !strings.Contains(p.text("#record-count"), "records") {
			t.Errorf("English count reads %q", p.text("#record-count"))
		}
		p.do("reload", chromedp.Reload())
		check("after a reload", "en", "Records")
		p.submit("#lang-switch")
		check("after switching back", "zh-CN", "服务记录")
	})

	t.Run("import", func(t *testing.T) {
		p, _ := b.login(t, "admin", "demo-admin", "")
		file, err := filepath.Abs("testdata/import.jsonl")
		if err != nil {
			t.Fatal(err)
		}
		p.open("/imports")
		p.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{file}))
		if st := p.submit("#import-submit"); st != 200 {
			t.Fatalf("import: status %d (%s)", st, p.text("#import-error"))
		}
		if got := p.text("#imp-rejected"); got != "2" {
			t.Errorf("#imp-rejected = %q, want 2 (error %q)", got, p.text("#import-error"))
		}
		if got := p.text("#imp-inserted"); got != "3" {
			t.Errorf("#imp-inserted = %q, want 3", got)
		}
		lines := p.texts("#rejects tbody td:nth-child(1)")
		reasons := p.texts("#rejects tbody td:nth-child(2)")
		if !slices.Equal(lines, []string{"2", "4"}) {
			t.Errorf("rejected lines %v, want [2 4]", lines)
		}
		for i, r := range reasons {
			if r == "" {
				t.Errorf("rejected line %s has no reason", lines[i])
			}
		}
		if len(reasons) == 2 && (!strings.Contains(reasons[0], "started_at") || !strings.Contains(reasons[1], "JSON")) {
			t.Errorf("reasons %q: want the bad date and the invalid JSON named", reasons)
		}
		p.shot("import")

		// The new records are listed, and the new agent can be chosen.
		p.open("/records")
		p.do("choose the imported agent", chromedp.SetValue(chromedp.CSS("#f-agent"), "E901"))
		p.submit("#f-apply")
		if n := p.count(); n != 3 {
			t.Errorf("agent E901 has %d records after the import, want 3", n)
		}
		ids := p.texts("#record-table tbody tr.row a.rid")
		slices.Sort(ids)
		if !slices.Equal(ids, []string{"e2e-imp-0001", "e2e-imp-0003", "e2e-imp-0005"}) {
			t.Errorf("imported rows %v", ids)
		}

		p.open("/users")
		if n := len(p.texts("#user-table tbody tr")); n < 5 {
			t.Errorf("users page lists %d accounts, want the demo's", n)
		}
		p.shot("users")
	})

	t.Run("dashboard", func(t *testing.T) {
		p, _ := b.login(t, "zhuguan", "demo-zhuguan", "")
		p.open("/")
		if n := p.text("#kpi-records"); n == "" || n == "0" {
			t.Errorf("#kpi-records = %q", n)
		}
		for _, id := range []string{"chart-failed", "chart-trend"} {
			if err := chromedp.Do(p.ctx, chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#%s[data-ready="1"] svg`, id)))); err != nil {
				t.Fatalf("#%s is not drawn: %v", id, err)
			}
		}
		if n := js[int](p, `document.querySelectorAll('#chart-failed svg path, #chart-failed svg rect').length`); n < 5 {
			t.Errorf("#chart-failed has %d shapes", n)
		}
		labels := js[string](p, `document.querySelector('#chart-failed svg').textContent`)
		if !strings.Contains(labels, "安抚情绪") {
			t.Errorf("#chart-failed does not name the most failed item (empathy, 安抚情绪): %q", labels)
		}
		p.shot("dashboard")
		type chartData struct {
			Days   []string
			Failed []float64
		}
		read := func() chartData {
			for _, id := range []string{"chart-failed", "chart-trend"} {
				if err := chromedp.Do(p.ctx, chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#%s[data-ready="1"] svg`, id)))); err != nil {
					t.Fatalf("#%s is not drawn: %v", id, err)
				}
			}
			return js[chartData](p, `({Days: echarts.getInstanceByDom(document.getElementById('chart-trend')).getOption().xAxis[0].data,
				Failed: echarts.getInstanceByDom(document.getElementById('chart-failed')).getOption().series[0].data})`)
		}
		sum := func(xs []float64) (s float64) {
			for _, x := range xs {
				s += x
			}
			return s
		}
		all := read()

		// Under a date filter, the charts show that month only, as the cards do.
		p.open("/?from=2026-09-01&to=2026-09-30")
		month := read()
		if len(month.Days) == 0 || len(month.Days) >= len(all.Days) {
			t.Errorf("the trend of September has %d days, all-time %d", len(month.Days), len(all.Days))
		}
		for _, d := range month.Days {
			if d < "2026-09-01" || d > "2026-09-30" {
				t.Errorf("the trend of September shows the day %s", d)
				break
			}
		}
		if sum(month.Failed) == 0 || sum(month.Failed) >= sum(all.Failed) {
			t.Errorf("September's failed-items chart counts %v failures, all-time %v", sum(month.Failed), sum(all.Failed))
		}
	})
	t.Logf("whole test %v", time.Since(start).Round(time.Millisecond))
}
