package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"qloop/internal/demo"
	"qloop/internal/knowledge"
	"qloop/internal/qa"
)

// apiClient calls the REST API with a console session, for setting up what the browser test does
// not walk through itself (a calibration session's scorings) and for choosing a record.
type apiClient struct {
	t      *testing.T
	base   string
	cookie string
	id     int64
}

// apiLogin signs in through the console's form and keeps the session cookie. The cookie is Secure,
// which Go's cookie jar would not send over http://127.0.0.1, so it is sent by hand.
func apiLogin(t *testing.T, base, user string) *apiClient {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(base+"/login", url.Values{"username": {user}, "password": {"demo-" + user}, "next": {"/"}})
	if err != nil {
		t.Fatalf("sign in %s: %v", user, err)
	}
	resp.Body.Close()
	c := &apiClient{t: t, base: base}
	for _, ck := range resp.Cookies() {
		if ck.Name == "qloop_session" {
			c.cookie = ck.Value
		}
	}
	if c.cookie == "" {
		t.Fatalf("sign in %s: status %d, no session cookie", user, resp.StatusCode)
	}
	var me struct {
		User struct {
			ID int64 `json:"id"`
		} `json:"user"`
	}
	c.call("GET", "/api/v1/me", nil, &me, 200)
	c.id = me.User.ID
	return c
}

// call sends a JSON request and decodes the answer into out; a status other than want fails the test.
func (c *apiClient) call(method, path string, body, out any, want int) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.AddCookie(&http.Cookie{Name: "qloop_session", Value: c.cookie})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// candidate is the record the test walks through the workflow.
type candidate struct {
	ID        string
	StartedAt time.Time
	Item      string // an automatically passed item the inspector overrides
	Topics    int    // knowledge-base topics its customer raised
}

// pickRecord chooses a call of the demo agent zuoxi is linked to that no sampling plan has drawn
// yet, with an automatically passed item to override, preferring one that raises topics of the
// knowledge base (so that the review page's panel has something to show).
func pickRecord(t *testing.T, sup *apiClient, agentID string) candidate {
	t.Helper()
	var page struct {
		Rows []struct {
			ID    string
			Score *float64
			Fatal bool
		}
	}
	sup.call("GET", "/api/v1/records?channel=call&limit=100&agent="+url.QueryEscape(agentID), nil, &page, 200)
	var found []candidate
	for _, row := range page.Rows {
		if row.Score == nil || row.Fatal {
			continue
		}
		var tasks struct {
			Tasks []json.RawMessage `json:"tasks"`
		}
		sup.call("GET", "/api/v1/reviews?record_id="+url.QueryEscape(row.ID), nil, &tasks, 200)
		if len(tasks.Tasks) > 0 {
			continue // drawn by the demo's monthly plan
		}
		var d struct {
			Record      qa.Record          `json:"record"`
			Inspections []qa.Inspection    `json:"inspections"`
			Knowledge   []knowledge.Result `json:"knowledge"`
		}
		sup.call("GET", "/api/v1/records/"+url.PathEscape(row.ID), nil, &d, 200)
		if len(d.Inspections) == 0 || d.Inspections[0].Scorecard != "callcenter" {
			continue
		}
		c := candidate{ID: row.ID, StartedAt: d.Record.StartedAt, Topics: len(d.Knowledge)}
		for _, f := range d.Inspections[0].Findings {
			if f.Result == qa.ResultPass && slices.Contains([]string{"opening", "closing", "forbidden", "interrupt", "silence"}, f.Item) {
				c.Item = f.Item
				break
			}
		}
		if c.Item == "" {
			continue
		}
		if c.Topics > 0 {
			return c
		}
		found = append(found, c)
	}
	if len(found) == 0 {
		t.Fatalf("agent %s has no undrawn call with an automatically passed item among %d", agentID, len(page.Rows))
	}
	return found[0]
}

// value sets a form field and fires its change event, as a user's choice would.
func (p *page) value(sel, v string) {
	p.t.Helper()
	p.do("set "+sel, chromedp.SetValue(chromedp.CSS(sel), v))
	js[bool](p, fmt.Sprintf(`document.querySelector(%q).dispatchEvent(new Event('change', {bubbles: true}))`, sel))
}

// failManual judges every item without an automatic check (业务处理能力, 理解客户意图 …) failed:
// with the override, that fails the record whatever its automatic score.
func (p *page) failManual() {
	p.t.Helper()
	js[int](p, `Array.from(document.querySelectorAll('tr.item-row[data-auto=""] select.item-result'), s => {
		s.value = 'fail'; s.dispatchEvent(new Event('change', {bubbles: true})); return 1 }).length`)
}

// must fails the test unless the page at status 200 shows the element sel; it says what it got.
func (p *page) must(what string, status int64, sel string) {
	p.t.Helper()
	if status != 200 || !js[bool](p, fmt.Sprintf(`!!document.querySelector(%q)`, sel)) {
		p.t.Fatalf("%s: status %d at %s, no %s; page says %q %q", what, status, js[string](p, `location.pathname`), sel,
			p.text("main h1"), p.text("#error-message, .alert"))
	}
}

// TestWorkflowInBrowser walks one record through the review and fairness workflow in the browser:
// sampling plan → review with an override → dispute → blind second review → decision → the
// communication slip signed by everyone in turn; then a calibration session's agreement report.
func TestWorkflowInBrowser(t *testing.T) {
	chromiumPath(t) // skip early, before generating the demo
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	base := startDemo(t, ctx)
	b := newBrowser(t, ctx, base)
	first := demo.Agents(demo.Options{Seed: 1, Records: demoRecords})[0] // zuoxi's agent id, zuzhang's team

	supAPI := apiLogin(t, base, "zhuguan")
	rec := pickRecord(t, supAPI, first.ID)
	t.Logf("record %s (%s), override %s, %d knowledge topics", rec.ID, rec.StartedAt.In(cstZone).Format(time.DateTime), rec.Item, rec.Topics)

	sup, _ := b.login(t, "zhuguan", "demo-zhuguan", "")
	insp, _ := b.login(t, "zhijian", "demo-zhijian", "")
	insp2, _ := b.login(t, "zhijian2", "demo-zhijian2", "")
	agent, _ := b.login(t, "zuoxi", "demo-zuoxi", "")
	lead, _ := b.login(t, "zuzhang", "demo-zuzhang", "")

	// 1. The supervisor plans a sample of the minute the record started in and runs it.
	from := rec.StartedAt.In(cstZone).Truncate(time.Minute)
	sup.open("/plans")
	sup.do("fill the plan",
		chromedp.SetValue(chromedp.CSS("#plan-name"), "e2e-plan"),
		chromedp.SetValue(chromedp.CSS("#plan-title"), "端到端抽检"),
		chromedp.SetValue(chromedp.CSS("#plan-rate"), "100"),
		chromedp.SetValue(chromedp.CSS("#plan-inspectors"), "zhijian:0"),
		chromedp.SetValue(chromedp.CSS("#plan-from"), from.Format("2006-01-02T15:04")),
		chromedp.SetValue(chromedp.CSS("#plan-to"), from.Add(time.Minute).Format("2006-01-02T15:04")),
		chromedp.Click(chromedp.CSS(`input[name=strata][value=agent]`)),
		chromedp.Click(chromedp.CSS(`input[name=channels][value=call]`)),
	)
	sup.must("save the plan", sup.submit("#plan-submit"), "#plan-saved")
	sup.must("run the plan", sup.submit("#run-submit"), "section.run")
	if drawn := sup.text("section.run .run-drawn"); drawn == "" || drawn == "0" {
		t.Fatalf("the plan run drew %q records", drawn)
	}

	// 2. The inspector finds the task in the queue (and the notification), opens it and reviews.
	insp.open("/reviews")
	if n := insp.text("#unread-count"); n == "" {
		t.Error("the inspector has no unread-notification badge after the plan run")
	}
	row := fmt.Sprintf(`#task-table tr[data-record=%q]`, rec.ID)
	if got := insp.text(row + " td.reason"); got != "随机抽样" {
		t.Errorf("the task's reason reads %q, want 随机抽样", got)
	}
	insp.must("open the task", insp.submit(row+" a.task-link"), "#review-form")
	if rec.Topics > 0 && !js[bool](insp, `!!document.querySelector('#knowledge .kb-topic .answer')`) {
		t.Error("the knowledge panel shows no standard answer for a record that raises a topic")
	}
	sel := fmt.Sprintf(`select[name="r.%s"]`, rec.Item)
	insp.value(sel, "fail")
	insp.failManual()
	if !js[bool](insp, fmt.Sprintf(`document.querySelector('tr.item-row[data-item=%q]').classList.contains('changed')`, rec.Item)) {
		t.Error("the overridden item's row is not marked as changed")
	}
	// Without a reason the workflow refuses, and the form comes back with its message and the input.
	if st := insp.submit("#review-submit"); st != 400 {
		t.Fatalf("a review overriding %s without a reason: status %d, want 400", rec.Item, st)
	}
	if msg := insp.text("#review-error"); !strings.Contains(msg, "请填写原因") || !strings.Contains(msg, rec.Item) {
		t.Errorf("the error reads %q, want the item and 请填写原因", msg)
	}
	if v := js[string](insp, fmt.Sprintf(`document.querySelector(%q).value`, sel)); v != "fail" {
		t.Errorf("after the error the override reads %q, want fail", v)
	}
	insp.do("give the reason and a problem",
		chromedp.SetValue(chromedp.CSS(fmt.Sprintf(`input[name="why.%s"]`, rec.Item)), "复核录音: 坐席未按规范执行"),
		chromedp.SetValue(chromedp.CSS(`#comment`), "整体服务不达标"),
		chromedp.SetValue(chromedp.CSS(`textarea[name="prob.0.customer"]`), "客户咨询业务办理进度"),
		chromedp.SetValue(chromedp.CSS(`textarea[name="prob.0.behaviour"]`), "未按标准话术回应客户"),
		chromedp.SetValue(chromedp.CSS(`select[name="prob.0.severity"]`), "较严重"),
		chromedp.Click(chromedp.CSS("#add-problem")),
	)
	if n := js[int](insp, `document.querySelectorAll('#problems tr.problem').length`); n != 2 {
		t.Errorf("after 添加问题 the form has %d problem rows, want 2", n)
	}
	insp.shot("review")
	insp.must("submit the review", insp.submit("#review-submit"), "#reviews .review-card")
	if loc := js[string](insp, `location.pathname`); loc != "/records/"+rec.ID {
		t.Errorf("the review lands on %s, want the record", loc)
	}
	firstScore := insp.text("#reviews .review-card .review-score")
	if reason := insp.text("#reviews .review-card .change .reason"); reason != "复核录音: 坐席未按规范执行" {
		t.Errorf("the record page shows the override's reason %q", reason)
	}
	if !js[bool](insp, `!!document.querySelector('#reviews .review-card .badge.fail')`) {
		t.Error("the review does not fail the record")
	}
	t.Logf("first review: %s", firstScore)

	// 3. The agent disputes the score on the record page.
	agent.open("/records/" + rec.ID)
	agent.do("write the dispute", chromedp.SetValue(chromedp.CSS(".dispute-form textarea[name=reason]"), "客户问题已当场解决, 评分过严"))
	agent.must("raise the dispute", agent.submit(".dispute-form button"), "#dispute-steps")
	disputePath := js[string](agent, `location.pathname`)
	if st := agent.text("#dispute-status"); st != "待分派" {
		t.Errorf("a new dispute is %q, want 待分派", st)
	}

	// 4. The supervisor gives the blind second review to the second inspector (never the first).
	sup.open(disputePath)
	if js[bool](sup, `!!document.querySelector('#rereviewer option[data-username="zhijian"]')`) {
		t.Error("the first reviewer can be chosen for the second review")
	}
	sup.do("choose zhijian2", chromedp.SetValue(chromedp.CSS("#rereviewer"),
		js[string](sup, `document.querySelector('#rereviewer option[data-username="zhijian2"]').value`)))
	sup.must("assign the second review", sup.submit("#dispute-assign-submit"), "#dispute-steps")
	if st := sup.text("#dispute-status"); st != "复核中" {
		t.Errorf("an assigned dispute is %q, want 复核中", st)
	}

	// 5. The second inspector reviews blind: the first score is nowhere on the pages they open.
	leafWith := func(p *page, s string) bool {
		return js[bool](p, fmt.Sprintf(`Array.from(document.querySelectorAll('body *')).some(e => e.children.length === 0 && e.textContent.trim() === %q)`, s))
	}
	insp2.open("/records/" + rec.ID)
	if js[bool](insp2, `!!document.querySelector('#reviews .review-card')`) || leafWith(insp2, firstScore) || !js[bool](insp2, `!!document.getElementById('blind-note')`) {
		t.Error("the blind second reviewer sees the first review on the record page")
	}
	insp2.open("/reviews")
	row2 := fmt.Sprintf(`#task-table tr[data-record=%q]`, rec.ID)
	insp2.must("open the blind task", insp2.submit(row2+" a.task-link"), "#blind-banner")
	if leafWith(insp2, firstScore) || strings.Contains(insp2.text("main"), "复核录音") {
		t.Errorf("the blind review page shows the first review (score %s)", firstScore)
	}
	if r := insp2.text("#dispute-reason"); !strings.Contains(r, "评分过严") {
		t.Errorf("the blind review page shows the dispute reason %q", r)
	}
	insp2.value(sel, "fail")
	insp2.failManual()
	other := js[string](insp2, fmt.Sprintf(`(Array.from(document.querySelectorAll('tr.item-row[data-auto=pass]')).find(tr => tr.dataset.item !== %q) || {dataset: {}}).dataset.item || ''`, rec.Item))
	if other != "" {
		insp2.value(fmt.Sprintf(`select[name="r.%s"]`, other), "fail")
		insp2.do("give its reason", chromedp.SetValue(chromedp.CSS(fmt.Sprintf(`input[name="why.%s"]`, other)), "复核: 此项也不达标"))
	}
	insp2.do("judge the disputed item",
		chromedp.SetValue(chromedp.CSS(fmt.Sprintf(`input[name="why.%s"]`, rec.Item)), "同意: 未按规范执行"),
		chromedp.SetValue(chromedp.CSS(`textarea[name="prob.0.customer"]`), "客户咨询业务办理进度"),
		chromedp.SetValue(chromedp.CSS(`textarea[name="prob.0.behaviour"]`), "解释不清"))
	insp2.must("submit the second review", insp2.submit("#review-submit"), "#reviews .review-card")

	// 6. The supervisor sees both scores and amends.
	sup.open(disputePath)
	if got := sup.text("#first-score"); got != firstScore {
		t.Errorf("the decision shows the first score %q, want %s", got, firstScore)
	}
	secondScore := sup.text("#second-score")
	sup.do("amend", chromedp.Click(chromedp.CSS("#decide-amend")), chromedp.SetValue(chromedp.CSS("#decide-note"), "复核意见更准确"))
	sup.must("decide", sup.submit("#dispute-decide-submit"), "#dispute-steps")
	if st, fin := sup.text("#dispute-status"), sup.text("#final-score"); st != "已改判" || fin != secondScore {
		t.Errorf("after amending: %q, final %s; want 已改判 and the second score %s", st, fin, secondScore)
	}

	// 7. The inspector writes a communication slip about the review that now counts.
	insp.open("/records/" + rec.ID)
	if !js[bool](insp, `!!document.querySelector('.review-card.status-superseded')`) {
		t.Error("the first review is not shown as superseded")
	}
	insp.do("write the slip",
		chromedp.SetValue(chromedp.CSS(".slip-form textarea[name=problem]"), "未按标准话术回应客户"),
		chromedp.SetValue(chromedp.CSS(".slip-form textarea[name=suggestion]"), "复习标准话术, 一周后抽查"))
	insp.must("create the slip", insp.submit(".slip-form button"), "#slip-steps")
	slipPath := js[string](insp, `location.pathname`)

	// 8. Everyone signs in turn; each sees the form only at their own step.
	steps := []struct {
		who, waits *page // the signer, and one who must wait for a later step
		note, next string
	}{
		{sup, lead, "", "待组长签字"},
		{lead, agent, "", "待组长沟通"},
		{lead, agent, "已与坐席当面沟通话术要求", "待坐席确认"},
		{agent, insp, "已知悉, 会按标准话术执行", "待质检员关闭"},
		{insp, agent, "", "已关闭"},
	}
	for i, s := range steps {
		s.waits.open(slipPath)
		if js[bool](s.waits, `!!document.getElementById('slip-advance')`) {
			t.Errorf("step %d: %s gets the form before their turn", i, s.waits.text("#who"))
		}
		s.who.open(slipPath)
		if s.note != "" {
			s.who.do("write the note", chromedp.SetValue(chromedp.CSS("#slip-note"), s.note))
		}
		s.who.must(fmt.Sprintf("slip step %d", i), s.who.submit("#slip-submit"), "#slip-steps")
		if got := s.who.text("#slip-step"); got != s.next {
			t.Errorf("after step %d the slip is %q, want %q", i, got, s.next)
		}
	}
	type step struct{ Step, At, User, Note string }
	done := js[[]step](insp, `Array.from(document.querySelectorAll('#slip-steps li.step.done'), li => ({Step: li.dataset.step,
		At: li.querySelector('.at').textContent.trim(), User: li.querySelector('.signer').textContent.trim(), Note: (li.querySelector('p')||{}).textContent||''}))`)
	var names []string
	for _, s := range done {
		names = append(names, s.Step)
		if _, err := time.Parse("2006-01-02 15:04", s.At); err != nil || s.User == "" {
			t.Errorf("slip step %s has the date %q and signer %q", s.Step, s.At, s.User)
		}
	}
	if want := []string{"create", "qa_sign", "lead_sign", "talk", "agent_ack", "close"}; !slices.Equal(names, want) {
		t.Errorf("the closed slip shows the steps %v, want %v", names, want)
	}
	if len(done) == 6 && (done[3].Note != "已与坐席当面沟通话术要求" || done[4].Note != "已知悉, 会按标准话术执行") {
		t.Errorf("the talk and the feedback read %q and %q", done[3].Note, done[4].Note)
	}
	insp.shot("slip")

	// 9. The record's history tells the whole story.
	sup.open("/records/" + rec.ID)
	actions := sup.texts("#history-table tr.entry td:nth-child(3)")
	keys := js[[]string](sup, `Array.from(document.querySelectorAll('#history-table tr.entry'), tr => tr.dataset.action)`)
	for _, a := range []string{"review.submit", "review.override", "dispute.raise", "dispute.assign", "dispute.rereview", "dispute.decide",
		"slip.create", "slip.qa_sign", "slip.lead_sign", "slip.talk", "slip.agent_ack", "slip.close"} {
		if !slices.Contains(keys, a) {
			t.Errorf("the record's history lacks %s: %v", a, keys)
		}
	}
	if !slices.Contains(actions, "申诉裁决") || !slices.Contains(actions, "沟通单: 坐席确认") {
		t.Errorf("the history's actions are not translated: %v", actions)
	}
	t.Logf("workflow walked in %v", time.Since(start).Round(time.Millisecond))

	// 10. Calibration: a closed earlier session for the trend, then one scored partly in the browser.
	inspAPI, insp2API := apiLogin(t, base, "zhijian"), apiLogin(t, base, "zhijian2")
	var calls struct {
		Rows []struct{ ID string }
	}
	supAPI.call("GET", "/api/v1/records?channel=call&limit=8", nil, &calls, 200)
	if len(calls.Rows) < 6 {
		t.Fatalf("only %d calls for calibration", len(calls.Rows))
	}
	type item struct {
		Item   string `json:"item"`
		Result string `json:"result"`
	}
	session := func(title string, records []string, disagree map[string]bool) int64 {
		var c struct {
			ID int64 `json:"id"`
		}
		supAPI.call("POST", "/api/v1/calibrations", map[string]any{"title": title, "record_ids": records,
			"inspector_ids": []int64{inspAPI.id, insp2API.id}}, &c, 201)
		for _, r := range records {
			second := "pass"
			if disagree[r] {
				second = "fail"
			}
			insp2API.call("POST", fmt.Sprintf("/api/v1/calibrations/%d/scores", c.ID), map[string]any{"record_id": r,
				"items": []item{{"opening", second}, {"closing", "pass"}}}, nil, 200)
			supAPI.call("POST", fmt.Sprintf("/api/v1/calibrations/%d/answers", c.ID), map[string]any{"record_id": r,
				"items": []item{{"opening", "pass"}, {"closing", "pass"}}}, nil, 200)
		}
		return c.ID
	}
	// The demo has calibration sessions of its own; the trend adds this test's closed ones to them.
	var demoCals struct {
		Calibrations []struct{ Status string } `json:"calibrations"`
	}
	supAPI.call("GET", "/api/v1/calibrations", nil, &demoCals, 200)
	demoClosed := 0
	for _, c := range demoCals.Calibrations {
		if c.Status == "closed" {
			demoClosed++
		}
	}
	ids := []string{calls.Rows[0].ID, calls.Rows[1].ID, calls.Rows[2].ID}
	old := session("八月校准", ids, map[string]bool{ids[0]: true, ids[1]: true})
	for _, r := range ids {
		inspAPI.call("POST", fmt.Sprintf("/api/v1/calibrations/%d/scores", old), map[string]any{"record_id": r,
			"items": []item{{"opening", "pass"}, {"closing", "pass"}}}, nil, 200)
	}
	supAPI.call("POST", fmt.Sprintf("/api/v1/calibrations/%d/close", old), nil, nil, 200)
	ids = []string{calls.Rows[3].ID, calls.Rows[4].ID, calls.Rows[5].ID}
	cur := session("九月校准", ids, map[string]bool{ids[2]: true})
	calPath := fmt.Sprintf("/calibrations/%d", cur)
	// zhijian scores the new session's records in the browser, from the automatic results.
	insp.open(calPath)
	if js[bool](insp, `!!document.getElementById('agreement')`) {
		t.Error("a participant sees the agreement report of an open session")
	}
	for _, r := range ids {
		form := fmt.Sprintf(`form.cal-form[data-record=%q]`, r)
		insp.value(form+` select[name="r.opening"]`, "pass")
		insp.value(form+` select[name="r.closing"]`, "pass")
		insp.must("score "+r, insp.submit(form+" button"), fmt.Sprintf(`#rec-%s .my-score`, r))
	}
	sup.open(calPath)
	sup.must("close the session", sup.submit("#cal-close-submit"), "#agreement")
	if err := chromedp.Do(sup.ctx, chromedp.WaitVisible(chromedp.CSS(`#chart-cal-trend[data-ready="1"] svg`))); err != nil {
		t.Fatalf("the agreement trend is not drawn: %v", err)
	}
	if n := js[int](sup, `document.querySelectorAll('#cal-deviations tbody tr').length`); n != 2 {
		t.Errorf("the deviation table has %d rows, want 2 inspectors", n)
	}
	if a := sup.text("#cal-agreement"); a == "" || a == "—" {
		t.Errorf("the pair agreement reads %q", a)
	}
	if pts := js[int](sup, `JSON.parse(document.getElementById('chart-cal-trend').dataset.trend).length`); pts != demoClosed+2 {
		t.Errorf("the trend has %d closed sessions, want the demo's %d and 2", pts, demoClosed)
	}
	sup.shot("calibration")
	t.Logf("whole test %v (alpha %s, agreement %s)", time.Since(start).Round(time.Millisecond), sup.text("#cal-alpha"), sup.text("#cal-agreement"))
}

var cstZone = time.FixedZone("CST", 8*3600)
