package server_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"qloop/internal/auth"
	"qloop/internal/knowledge"
	"qloop/internal/qa"
	"qloop/internal/review"
	"qloop/internal/sample"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
	"qloop/internal/workflow"
)

// flowIDs are the objects the workflow fixture creates, for the pages that show one of them.
type flowIDs struct {
	openTask, doneTask, plan, dispute, slip, calibration, incident int64
	firstScore                                                     float64
}

// addInspector creates another inspector account (the fixture has one per role).
func (f *fixture) addInspector(t *testing.T, name string) *auth.User {
	t.Helper()
	u := &auth.User{Username: name, Name: "质检员 " + name, Role: auth.RoleInspector}
	var err error
	if u.PasswordHash, err = fastHash.Hash("pw-" + name + "-2026"); err != nil {
		t.Fatal(err)
	}
	if err := f.st.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

// flip returns the item input that turns the first automatically passed item of a form into a
// failure, with a reason.
func flip(t *testing.T, items []review.ItemScore) review.ItemScore {
	t.Helper()
	for _, it := range items {
		if it.Auto == qa.ResultPass && it.Level == 0 {
			return review.ItemScore{Item: it.Item, Result: qa.ResultFail, Reason: "复核发现开场不规范"}
		}
	}
	t.Fatal("the form has no automatically passed item to override")
	return review.ItemScore{}
}

// seedWorkflow walks piiRec through the workflow with workflow.Service directly, so that every
// page has something to show: a done and an open review task, a dispute, a slip, a major
// incident, a sampling plan with a run, a calibration session and a knowledge-base entry.
func (f *fixture) seedWorkflow(t *testing.T) flowIDs {
	t.Helper()
	ctx := context.Background()
	flow := &workflow.Service{Store: f.st, Log: slog.New(slog.DiscardHandler)}
	sup, insp, agent := f.users[auth.RoleSupervisor], f.users[auth.RoleInspector], f.users[auth.RoleAgent]
	var ids flowIDs
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// A knowledge-base entry raised in piiRec whose key fact is stated with a phone number: the
	// review form must quote it masked for the inspector.
	must(flow.SaveKnowledge(ctx, sup, &knowledge.Entry{Topic: "信用卡年费", BusinessTypes: []string{"信用卡"}, Triggers: []string{"年费"},
		Facts:  []knowledge.Fact{{Name: "核对手机号", Any: []string{piiPhone}}, {Name: "刷卡满六次可减免", Any: []string{"满六次"}}},
		Answer: "当年刷卡满六次可减免年费。"}))
	task, err := flow.AssignTask(ctx, sup, piiRec, insp.ID)
	must(err)
	ids.doneTask = task.ID
	form, err := flow.Form(ctx, insp, task.ID)
	must(err)
	rv, err := flow.Submit(ctx, insp, task.ID, review.Input{Items: []review.ItemScore{flip(t, form.Items)}, Comment: "开场白不完整",
		Problems: []review.Problem{{CustomerProblem: "年费重复扣收", Dimension: form.Scorecard.Dimensions[0].ID, Behaviour: "向客户复述了完整的身份证号",
			Severity: qa.SeverityCritical, Major: true}}})
	must(err)
	ids.firstScore = rv.Score
	incs, err := flow.Incidents(ctx, sup, true)
	must(err)
	if len(incs) == 0 {
		t.Fatal("a major problem made no incident")
	}
	ids.incident = incs[0].ID
	sl, err := flow.CreateSlip(ctx, insp, rv.ID, "开场白不完整", "按标准话术开场")
	must(err)
	ids.slip = sl.ID
	d, err := flow.RaiseDispute(ctx, agent, rv.ID, "开场白其实是完整的")
	must(err)
	ids.dispute = d.ID
	// An open task on another record, for the editable form.
	p, err := f.st.Records(ctx, store.RecordFilter{Channel: qa.ChannelCall, Limit: 3})
	must(err)
	open, err := flow.AssignTask(ctx, sup, p.Rows[0].ID, insp.ID)
	must(err)
	ids.openTask = open.ID
	sp, _, err := flow.SavePlan(ctx, sup, sample.Plan{Name: "weekly", Title: "每周抽检", Rate: 0.05, StrataBy: []string{sample.ByAgent},
		Inspectors: []sample.Quota{{Inspector: insp.Username, Quota: 5}}})
	must(err)
	ids.plan = sp.ID
	_, err = flow.RunPlan(ctx, sup, sp.ID, 42)
	must(err)
	cal, err := flow.CreateCalibration(ctx, sup, "九月校准", []string{p.Rows[1].ID, p.Rows[2].ID}, []int64{insp.ID, sup.ID})
	must(err)
	ids.calibration = cal.ID
	return ids
}

// TestConsoleWorkflowPagesByRole opens every page of the review workflow as every role: 200 with
// the page's label for the roles that may see it, the 403 page for the others, and the sign-in
// form when signed out.
func TestConsoleWorkflowPagesByRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		ids := f.seedWorkflow(t)
		pages := []struct {
			path  string
			perm  auth.Perm // "" = any signed-in user (the workflow scopes what each sees)
			roles []auth.Role
			label []string
		}{
			{path: "/reviews", perm: auth.PermReview, label: []string{"<title>复核任务 · qloop</title>", `id="task-table"`}},
			{path: fmt.Sprintf("/reviews/%d", ids.openTask), perm: auth.PermReview, label: []string{"<title>人工复核 · qloop</title>", `id="review-form"`, `id="problems"`}},
			{path: fmt.Sprintf("/reviews/%d", ids.doneTask), perm: auth.PermReview, label: []string{"<title>人工复核 · qloop</title>", `id="submitted"`, "信用卡年费", "当年刷卡满六次可减免年费"}},
			{path: "/plans", perm: auth.PermSampling, label: []string{"<title>抽样计划 · qloop</title>", "weekly", `id="size-form"`}},
			{path: fmt.Sprintf("/plans/%d", ids.plan), perm: auth.PermSampling, label: []string{"<title>抽样计划详情 · qloop</title>", "每周抽检", `class="data strata"`}},
			{path: "/disputes", label: []string{"<title>申诉 · qloop</title>", "待分派"}},
			{path: fmt.Sprintf("/disputes/%d", ids.dispute), label: []string{"<title>申诉详情 · qloop</title>", `id="dispute-steps"`}},
			{path: "/slips", label: []string{"<title>沟通单 · qloop</title>", "待质检主管签批"}},
			{path: fmt.Sprintf("/slips/%d", ids.slip), label: []string{"<title>沟通单 · qloop</title>", `id="slip-steps"`, "质检员填写"}},
			{path: "/calibrations", perm: auth.PermReview, label: []string{"<title>校准 · qloop</title>", "九月校准"}},
			{path: fmt.Sprintf("/calibrations/%d", ids.calibration), perm: auth.PermReview, label: []string{"<title>校准详情 · qloop</title>", "九月校准", `class="cal-form"`}},
			{path: "/incidents", perm: auth.PermIncidents, label: []string{"<title>重大事故 · qloop</title>", `id="incident-table"`, "未关闭"}},
			{path: "/knowledge", perm: auth.PermScorecardView, label: []string{"<title>知识库 · qloop</title>", "信用卡年费"}},
			{path: "/notifications", label: []string{"<title>通知 · qloop</title>", `id="notif-list"`}},
			{path: "/records/" + piiRec, label: []string{`id="reviews"`, `id="history-table"`, "提交复核", "提出申诉"}},
		}
		for _, p := range pages {
			t.Run("signed out "+p.path, func(t *testing.T) {
				scenario{method: "GET", path: p.path, status: http.StatusSeeOther, location: "/login?next=" + url.QueryEscape(p.path)}.run(t, f.h)
			})
		}
		for _, r := range auth.Roles {
			cookie := f.signIn(t, r)
			for _, p := range pages {
				sc := scenario{method: "GET", path: p.path, cookie: cookie, status: http.StatusOK, contains: p.label}
				if p.perm != "" && !auth.Can(r, p.perm) {
					sc.status, sc.contains = http.StatusForbidden, []string{"<title>出错了 · qloop</title>", "您的角色无权访问此页面"}
				}
				t.Run(string(r)+" "+p.path, func(t *testing.T) { sc.run(t, f.h) })
			}
		}
	})
}

// TestConsoleWorkflowMasking: the review form, the record's reviews and history, the dispute and
// the slip show the customer's data only to roles with the personal-data right, the knowledge
// panel's quotes included.
func TestConsoleWorkflowMasking(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	ids := f.seedWorkflow(t)
	insp, sup := f.signIn(t, auth.RoleInspector), f.signIn(t, auth.RoleSupervisor)
	done := fmt.Sprintf("/reviews/%d", ids.doneTask)
	scenario{method: "GET", path: done, cookie: insp, status: 200, contains: []string{"核对手机号", "138****8000"}, absent: secrets}.run(t, f.h)
	scenario{method: "GET", path: done, cookie: sup, status: 200, contains: []string{"核对手机号", piiPhone}}.run(t, f.h)
	for _, path := range []string{"/records/" + piiRec, fmt.Sprintf("/disputes/%d", ids.dispute), fmt.Sprintf("/slips/%d", ids.slip), "/incidents"} {
		for _, r := range []auth.Role{auth.RoleInspector, auth.RoleAgent, auth.RoleTeamLead, auth.RoleOps} {
			if path == "/incidents" && !auth.Can(r, auth.PermIncidents) {
				continue
			}
			t.Run(string(r)+" "+path, func(t *testing.T) {
				scenario{method: "GET", path: path, cookie: f.signIn(t, r), status: 200, absent: secrets}.run(t, f.h)
			})
		}
	}
}

var idIn = regexp.MustCompile(`/(\d+)`)

// idOf returns the number in a redirect's Location (/disputes/7 → 7).
func idOf(t *testing.T, location string) int64 {
	t.Helper()
	m := idIn.FindStringSubmatch(location)
	if m == nil {
		t.Fatalf("no id in Location %q", location)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// post submits a console form as a browser on the same origin would.
func post(t *testing.T, h http.Handler, cookie, path string, form url.Values, status int, contains ...string) string {
	t.Helper()
	rec := scenario{method: "POST", path: path, cookie: cookie, header: sameOrigin, body: form.Encode(), status: status, contains: contains}.run(t, h)
	return rec.Header().Get("Location")
}

// TestConsoleWorkflowForms walks one record through the forms of the console, as the browser test
// does, on both stores: assign, review with an override, dispute, blind second review, decision,
// slip with every signature; plans, calibration, incidents, knowledge and notifications too.
func TestConsoleWorkflowForms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		second := f.addInspector(t, "inspector2")
		sup, insp, agent, lead := f.signIn(t, auth.RoleSupervisor), f.signIn(t, auth.RoleInspector), f.signIn(t, auth.RoleAgent), f.signIn(t, auth.RoleTeamLead)
		insp2 := signIn(t, f.h, "inspector2", "pw-inspector2-2026")
		inspID := strconv.FormatInt(f.users[auth.RoleInspector].ID, 10)

		// Knowledge base: a bad entry comes back with the message and the input; a good one is listed.
		post(t, f.h, sup, "/knowledge", url.Values{"topic": {"信用卡年费"}, "triggers": {"年费"}, "facts": {""}}, 400, "facts 不能为空", "信用卡年费")
		loc := post(t, f.h, sup, "/knowledge", url.Values{"topic": {"信用卡年费"}, "business_types": {"信用卡"}, "triggers": {"年费\n扣了两次"},
			"facts": {"刷卡满六次可减免: 满六次|满6次\n退回时限: 三到五个工作日"}, "answer": {"当年刷卡满六次可减免。"}}, 303)
		scenario{method: "GET", path: loc, cookie: insp, status: 200, contains: []string{"信用卡年费", "满六次 | 满6次", "三到五个工作日"}}.run(t, f.h)
		post(t, f.h, insp, "/knowledge", url.Values{"topic": {"x"}}, 403)

		// Assign piiRec by hand; the inspector is told, and finds it in the queue.
		loc = post(t, f.h, sup, "/reviews", url.Values{"record_id": {piiRec}, "inspector_id": {inspID}}, 303)
		task := idOf(t, strings.Replace(loc, "?done=", "/", 1))
		scenario{method: "GET", path: "/reviews", cookie: insp, status: 200, contains: []string{piiRec, "手工分派", `id="unread-count"`}}.run(t, f.h)
		// A record waiting for review is not given twice.
		post(t, f.h, sup, "/reviews", url.Values{"record_id": {piiRec}, "inspector_id": {inspID}}, 409)

		// Sampling plan: a mistake is shown on the form; a plan saves and runs.
		post(t, f.h, sup, "/plans", url.Values{"name": {"bad"}, "rate": {"150"}, "inspectors": {"nobody:3"}}, 400, "rate 必须在 0 到 1 之间", `value="bad"`)
		loc = post(t, f.h, sup, "/plans", url.Values{"name": {"weekly"}, "title": {"每周抽检"}, "rate": {"5"}, "strata": {"agent", "channel"},
			"inspectors": {"inspector:10, inspector2:0"}, "complaints": {"1"}, "score_below": {"60"}, "channels": {"call", "chat"},
			"from": {"2026-08-01T00:00"}, "to": {"2026-11-01T00:00"}}, 303)
		plan := idOf(t, loc)
		scenario{method: "GET", path: loc, cookie: sup, status: 200, contains: []string{"每周抽检", "计划已保存", `id="no-runs"`}}.run(t, f.h)
		loc = post(t, f.h, sup, fmt.Sprintf("/plans/%d/run", plan), url.Values{"seed": {"7"}}, 303)
		scenario{method: "GET", path: fmt.Sprintf("/plans/%d", plan), cookie: sup, status: 200, contains: []string{"第 1 次运行", "全量: 投诉", "inspector2"}}.run(t, f.h)
		scenario{method: "GET", path: "/plans?edit=" + strconv.FormatInt(plan, 10), cookie: sup, status: 200, contains: []string{`value="weekly"`, `value="2026-08-01T00:00"`}}.run(t, f.h)
		scenario{method: "GET", path: "/plans?population=10000&confidence=95&margin=5&p=50", cookie: sup, status: 200, contains: []string{`id="size-result">370<`}}.run(t, f.h)

		form, err := (&workflow.Service{Store: st}).Form(ctx, f.users[auth.RoleInspector], task)
		if err != nil {
			t.Fatal(err)
		}
		item := flip(t, form.Items).Item
		dim := form.Scorecard.Dimensions[0].ID
		input := url.Values{"r." + item: {"fail"}, "comment": {"开场白不完整"},
			"prob.0.customer": {"年费重复扣收"}, "prob.0.dimension": {dim}, "prob.0.behaviour": {"未按标准开场"}, "prob.0.severity": {qa.SeverityMajor}, "prob.0.major": {"1"},
			"prob.1.customer": {""}, "prob.1.dimension": {dim}, "prob.1.behaviour": {""}, "prob.1.severity": {qa.SeverityMinor}}
		path := fmt.Sprintf("/reviews/%d", task)
		// Without a reason the form comes back, with the message and what was entered.
		post(t, f.h, insp, path, input, 400, "改动了自动质检结果, 请填写原因", "年费重复扣收", "未按标准开场")
		input.Set("why."+item, "开场白缺少工号")
		if loc = post(t, f.h, insp, path, input, 303); loc != "/records/"+piiRec+"#reviews" {
			t.Fatalf("the review lands on %q", loc)
		}
		rvs, err := st.Reviews(ctx, piiRec)
		if err != nil || len(rvs) != 1 || rvs[0].Passed {
			t.Fatalf("reviews of %s: %+v, %v", piiRec, rvs, err)
		}
		first := fmt.Sprintf("%.1f", rvs[0].Score)
		scenario{method: "GET", path: "/records/" + piiRec, cookie: agent, status: 200,
			contains: []string{"开场白缺少工号", "年费重复扣收", "提交申诉", `id="dispute-form-`}}.run(t, f.h)
		scenario{method: "GET", path: "/incidents", cookie: sup, status: 200, contains: []string{"未按标准开场", "未关闭"}}.run(t, f.h)

		// The agent disputes; the supervisor gives the blind second review to inspector2.
		rid := strconv.FormatInt(rvs[0].ID, 10)
		post(t, f.h, agent, "/disputes", url.Values{"review_id": {rid}, "reason": {""}}, 400, "请写明申诉理由")
		loc = post(t, f.h, agent, "/disputes", url.Values{"review_id": {rid}, "reason": {"开场白其实是完整的"}}, 303)
		dispute := idOf(t, loc)
		scenario{method: "GET", path: loc, cookie: sup, status: 200, contains: []string{"待分派", `id="dispute-assign"`, "inspector2"},
			absent: []string{`value="` + inspID + `"`}}.run(t, f.h)
		post(t, f.h, sup, fmt.Sprintf("/disputes/%d/assign", dispute), url.Values{"inspector_id": {inspID}}, 400, "复核人不能是原质检员")
		post(t, f.h, sup, fmt.Sprintf("/disputes/%d/assign", dispute), url.Values{"inspector_id": {strconv.FormatInt(second.ID, 10)}}, 303)
		tasks, err := st.Tasks(ctx, store.TaskFilter{InspectorID: second.ID, Status: review.TaskOpen, RecordID: piiRec})
		if err != nil {
			t.Fatal(err)
		}
		var blind string
		for _, tk := range tasks {
			if tk.Kind == review.TaskDispute {
				blind = fmt.Sprintf("/reviews/%d", tk.ID)
			}
		}
		if blind == "" {
			t.Fatalf("inspector2 has no dispute task on %s: %+v", piiRec, tasks)
		}
		for _, p := range []string{blind, "/records/" + piiRec, fmt.Sprintf("/disputes/%d", dispute)} {
			rec := scenario{method: "GET", path: p, cookie: insp2, status: 200}.run(t, f.h)
			if body := rec.Body.String(); strings.Contains(body, ">"+first+"<") || strings.Contains(body, "开场白缺少工号") {
				t.Errorf("the blind second reviewer sees the first review on %s", p)
			}
		}
		scenario{method: "GET", path: blind, cookie: insp2, status: 200, contains: []string{`id="blind-banner"`, "开场白其实是完整的"}}.run(t, f.h)
		second2 := url.Values{"r." + item: {"fail"}, "why." + item: {"同意原判: 开场白缺少工号"}, "r.closing": {"fail"}, "why.closing": {"结束语不完整"}}
		post(t, f.h, insp2, blind, second2, 303)
		scenario{method: "GET", path: fmt.Sprintf("/disputes/%d", dispute), cookie: sup, status: 200, contains: []string{"待裁决", `id="dispute-decide"`, first}}.run(t, f.h)
		post(t, f.h, sup, fmt.Sprintf("/disputes/%d/decide", dispute), url.Values{"decision": {"amend"}, "note": {"结束语也不完整"}}, 303)
		scenario{method: "GET", path: "/records/" + piiRec, cookie: insp, status: 200, contains: []string{"已被改判", "申诉裁决", `id="slip-form-`}}.run(t, f.h)

		// The slip, step by step; each signer sees the form only at their step.
		rvs, _ = st.Reviews(ctx, piiRec)
		var final int64
		for _, rv := range rvs {
			if rv.Status == review.StatusFinal {
				final = rv.ID
			}
		}
		loc = post(t, f.h, insp, "/slips", url.Values{"review_id": {strconv.FormatInt(final, 10)}, "problem": {"开场白和结束语不规范"}, "suggestion": {"按标准话术"}}, 303)
		slip := loc
		steps := []struct {
			cookie, note string
			wait         []string // who must not see the form at this step
		}{
			{sup, "", []string{lead, agent, insp}},
			{lead, "", []string{sup, agent}},
			{lead, "已当面沟通", nil},
			{agent, "已知悉, 会改进", []string{lead}},
			{insp, "", []string{agent}},
		}
		for i, s := range steps {
			for _, c := range s.wait {
				scenario{method: "GET", path: slip, cookie: c, status: 200, absent: []string{`id="slip-advance"`}}.run(t, f.h)
			}
			scenario{method: "GET", path: slip, cookie: s.cookie, status: 200, contains: []string{`id="slip-advance"`}}.run(t, f.h)
			if i == 2 {
				post(t, f.h, s.cookie, slip+"/advance", url.Values{"note": {""}}, 400, "请记录与坐席的沟通内容")
			}
			post(t, f.h, s.cookie, slip+"/advance", url.Values{"note": {s.note}}, 303)
		}
		rec := scenario{method: "GET", path: slip, cookie: agent, status: 200, contains: []string{"已关闭", "已当面沟通", "已知悉, 会改进"}}.run(t, f.h)
		if n := strings.Count(rec.Body.String(), `class="step done"`); n != 6 {
			t.Errorf("the closed slip shows %d dated steps, want 6", n)
		}
		rec = scenario{method: "GET", path: "/records/" + piiRec, cookie: sup, status: 200}.run(t, f.h)
		for _, a := range []string{"task.assign", "review.submit", "review.override", "dispute.raise", "dispute.assign", "dispute.rereview",
			"dispute.decide", "slip.create", "slip.qa_sign", "slip.lead_sign", "slip.talk", "slip.agent_ack", "slip.close", "incident.report"} {
			if !strings.Contains(rec.Body.String(), `data-action="`+a+`"`) {
				t.Errorf("the record's history lacks %s", a)
			}
		}

		// The incident is closed with a note.
		incs, _ := st.Incidents(ctx, true)
		if len(incs) != 1 {
			t.Fatalf("%d open incidents, want 1", len(incs))
		}
		post(t, f.h, sup, fmt.Sprintf("/incidents/%d/close", incs[0].ID), url.Values{"note": {"已约谈坐席"}}, 303)
		scenario{method: "GET", path: "/incidents", cookie: sup, status: 200, contains: []string{"已关闭", "已约谈坐席"}}.run(t, f.h)

		// Calibration: two inspectors score, the supervisor fixes the answer and closes.
		p, err := st.Records(ctx, store.RecordFilter{Channel: qa.ChannelCall, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		post(t, f.h, sup, "/calibrations", url.Values{"title": {"x"}, "record_ids": {p.Rows[0].ID}, "inspector_ids": {inspID}}, 400, "至少两名质检员")
		loc = post(t, f.h, sup, "/calibrations", url.Values{"title": {"九月校准"}, "record_ids": {p.Rows[0].ID + "\n" + p.Rows[1].ID},
			"inspector_ids": {inspID, strconv.FormatInt(second.ID, 10)}}, 303)
		cal := idOf(t, loc)
		for _, c := range []struct {
			cookie, result string
		}{{insp, "pass"}, {insp2, "fail"}} {
			for _, r := range p.Rows {
				post(t, f.h, c.cookie, fmt.Sprintf("/calibrations/%d/scores", cal), url.Values{"record_id": {r.ID}, "r.opening": {c.result}}, 303)
			}
		}
		scenario{method: "GET", path: loc, cookie: insp2, status: 200, contains: []string{`class="my-score"`}, absent: []string{`id="agreement"`}}.run(t, f.h)
		for _, r := range p.Rows {
			post(t, f.h, sup, fmt.Sprintf("/calibrations/%d/answers", cal), url.Values{"record_id": {r.ID}, "r.opening": {"pass"}}, 303)
		}
		post(t, f.h, insp, fmt.Sprintf("/calibrations/%d/answers", cal), url.Values{"record_id": {p.Rows[0].ID}}, 403)
		post(t, f.h, sup, fmt.Sprintf("/calibrations/%d/close", cal), nil, 303)
		scenario{method: "GET", path: loc, cookie: insp2, status: 200, contains: []string{`id="agreement"`, `id="cal-deviations"`, "inspector2", `data-trend="[{`}}.run(t, f.h)

		// Notifications: listed with links, and read.
		scenario{method: "GET", path: "/notifications", cookie: insp, status: 200, contains: []string{`class="notif unread"`, `href="/reviews/`}}.run(t, f.h)
		post(t, f.h, insp, "/notifications/read", nil, 303)
		scenario{method: "GET", path: "/notifications", cookie: insp, status: 200, absent: []string{`class="notif unread"`, `id="unread-count"`}}.run(t, f.h)
	})
}

// TestConsoleReviewScale: a ticket's 1–5 items are judged by level on the form, with their
// anchors shown; changing a level needs a reason like any override.
func TestConsoleReviewScale(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	ctx := context.Background()
	p, err := f.st.Records(ctx, store.RecordFilter{Channel: qa.ChannelTicket, Limit: 1})
	if err != nil || len(p.Rows) == 0 {
		t.Fatalf("no ticket: %v", err)
	}
	flow := &workflow.Service{Store: f.st, Log: slog.New(slog.DiscardHandler)}
	task, err := flow.AssignTask(ctx, f.users[auth.RoleSupervisor], p.Rows[0].ID, f.users[auth.RoleInspector].ID)
	if err != nil {
		t.Fatal(err)
	}
	form, err := flow.Form(ctx, f.users[auth.RoleInspector], task.ID)
	if err != nil {
		t.Fatal(err)
	}
	var item review.ItemScore
	for _, it := range form.Items {
		if it.Level > 0 {
			item = it
			break
		}
	}
	if item.Item == "" {
		t.Fatal("the ticket has no automatically levelled item")
	}
	level := item.Level%5 + 1 // another level
	insp := f.signIn(t, auth.RoleInspector)
	path := fmt.Sprintf("/reviews/%d", task.ID)
	scenario{method: "GET", path: path, cookie: insp, status: 200,
		contains: []string{`name="r.` + item.Item + `"`, fmt.Sprintf(`<option value="%d" selected>`, item.Level), `class="anchors"`}}.run(t, f.h)
	in := url.Values{"r." + item.Item: {strconv.Itoa(level)}}
	post(t, f.h, insp, path, in, 400, "改动了自动质检结果", fmt.Sprintf(`<option value="%d" selected>`, level), `item-row changed`)
	in.Set("why."+item.Item, "按工单记录重新定级")
	post(t, f.h, insp, path, in, 303)
	rvs, err := f.st.Reviews(ctx, p.Rows[0].ID)
	if err != nil || len(rvs) != 1 {
		t.Fatalf("reviews: %+v, %v", rvs, err)
	}
	for _, it := range rvs[0].Items {
		if it.Item == item.Item && (it.Level != level || !it.Override || it.AutoLevel != item.Level) {
			t.Errorf("stored %+v, want level %d over the automatic %d", it, level, item.Level)
		}
	}
	scenario{method: "GET", path: path, cookie: insp, status: 200, contains: []string{`id="submitted"`, "按工单记录重新定级"}}.run(t, f.h)
}
