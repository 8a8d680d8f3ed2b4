package cli

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"qloop/internal/auth"
	"qloop/internal/qa"
	"qloop/internal/review"
	"qloop/internal/store"
	"qloop/internal/workflow"
)

// story walks the review and fairness workflow through the weeks before the demo's today, as the
// demo's users and through workflow.Service (the one place that checks rights and writes audit
// lines), so that every page has something true to show: reviews of red-line calls, disputes at
// each stage, communication slips (new, overdue, acknowledged, closed), major incidents and
// calibration sessions. The store's clock is set to each step's day while the step is taken.
type story struct {
	ctx   context.Context
	st    *store.Store
	flow  *workflow.Service
	today time.Time // 00:00 of the demo's last day, in CST
	r     *rand.Rand
	users map[string]*auth.User
	used  map[string]bool // records the story has already given a task
	agent string          // zuoxi's agent id: the only agent with an account, who may acknowledge slips
	team  string          // zuzhang's team

	reviews, disputes, slips, incidents, calibrations int
}

// storySummary counts what the story created, for the demo's closing lines and its tests.
type storySummary struct{ Reviews, Disputes, Slips, Incidents, Calibrations int }

// demoStory runs the story once: a database that already has disputes is left as it is.
func demoStory(ctx context.Context, env *Env, st *store.Store, today time.Time, seed int64, agentID, team string) (storySummary, error) {
	if ds, err := st.Disputes(ctx, store.ScopeFilter{Limit: 1}); err != nil || len(ds) > 0 {
		return storySummary{}, err
	}
	s := &story{ctx: ctx, st: st, flow: &workflow.Service{Store: st, Log: env.Log}, today: today,
		r: rand.New(rand.NewPCG(uint64(seed), 0x5709)), users: map[string]*auth.User{}, used: map[string]bool{}, agent: agentID, team: team}
	for _, name := range []string{"zhuguan", "zhijian", "zhijian2", "zhijian3", "zuzhang", "zuoxi", "yunying"} {
		u, err := st.UserByUsername(ctx, name)
		if err != nil {
			return storySummary{}, err
		}
		s.users[name] = u
	}
	clock := st.Now
	defer func() { st.Now = clock }()
	for _, step := range []func() error{s.redLines, s.disputeStages, s.slipStages, s.calibrate} {
		if err := step(); err != nil {
			return storySummary{}, err
		}
	}
	return storySummary{s.reviews, s.disputes, s.slips, s.incidents, s.calibrations}, nil
}

// at sets the store's clock to hh:mm of the day daysAgo days before today.
func (s *story) at(daysAgo, hh, mm int) time.Time {
	t := s.today.AddDate(0, 0, -daysAgo).Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute)
	s.st.Now = func() time.Time { return t }
	return t
}

// pick returns an inspected record matching f that started before the given day, that the story
// has not used and that ok accepts (nil: any), newest first; false when there is none.
func (s *story) pick(f store.RecordFilter, daysAgo int, ok func(store.RecordRow) bool) (store.RecordRow, bool) {
	f.To, f.Limit = s.today.AddDate(0, 0, -daysAgo), 200
	for {
		page, err := s.st.Records(s.ctx, f)
		if err != nil {
			return store.RecordRow{}, false
		}
		for _, row := range page.Rows {
			// zuoxi's calls are left alone: the demo's browser test walks one through the workflow itself.
			if row.AgentID == s.agent && row.Channel == qa.ChannelCall {
				continue
			}
			if row.Score != nil && !s.used[row.ID] && (ok == nil || ok(row)) {
				s.used[row.ID] = true
				return row, true
			}
		}
		if page.Next == "" {
			return store.RecordRow{}, false
		}
		f.Cursor = page.Next
	}
}

// own picks a record of zuoxi's agent, for a step only zuoxi can take (a chat or a ticket; see pick).
func (s *story) own(daysAgo int, ok func(store.RecordRow) bool) (store.RecordRow, bool) {
	return s.pick(store.RecordFilter{AgentID: s.agent}, daysAgo, ok)
}

// teamRecord picks a record of zuzhang's team, not of zuoxi's agent.
func (s *story) teamRecord(daysAgo int, ok func(store.RecordRow) bool) (store.RecordRow, bool) {
	return s.pick(store.RecordFilter{Team: s.team}, daysAgo, func(r store.RecordRow) bool {
		return r.AgentID != s.agent && (ok == nil || ok(r))
	})
}

func below(score float64) func(store.RecordRow) bool {
	return func(r store.RecordRow) bool { return *r.Score < score }
}

// reviewOf has the supervisor assign rec to inspector on the day and the inspector review it an
// hour later: automatic results kept, the items without a check (judged by people) passed except
// the first failHuman of them, and the problems given.
func (s *story) reviewOf(rec store.RecordRow, inspector string, daysAgo, failHuman int, comment string, problems func(*workflow.Form) []review.Problem) (*review.Review, error) {
	s.at(daysAgo, 9, 30+s.r.IntN(20))
	t, err := s.flow.AssignTask(s.ctx, s.users["zhuguan"], rec.ID, s.users[inspector].ID)
	if err != nil {
		return nil, fmt.Errorf("demo: assign %s: %w", rec.ID, err)
	}
	s.at(daysAgo, 10+s.r.IntN(6), s.r.IntN(60))
	return s.submit(inspector, t.ID, failHuman, comment, problems)
}

// submit fills the review form of task id as inspector and submits it.
func (s *story) submit(inspector string, taskID int64, failHuman int, comment string, problems func(*workflow.Form) []review.Problem) (*review.Review, error) {
	u := s.users[inspector]
	f, err := s.flow.Form(s.ctx, u, taskID)
	if err != nil {
		return nil, err
	}
	in := review.Input{Items: humanItems(f.Scorecard, f.Items, failHuman), Comment: comment}
	if problems != nil {
		in.Problems = problems(f)
	}
	rv, err := s.flow.Submit(s.ctx, u, taskID, in)
	if err != nil {
		return nil, fmt.Errorf("demo: review of %s: %w", f.Task.RecordID, err)
	}
	s.reviews++
	return rv, nil
}

// humanItems judges the items without an automatic check: the first fail of them failed, the rest
// passed (a scale item at level 2 or 4).
func humanItems(sc *qa.Scorecard, items []review.ItemScore, fail int) []review.ItemScore {
	kind := map[string]string{}
	for _, d := range sc.Dimensions {
		for _, it := range d.Items {
			kind[it.ID] = it.Kind
		}
	}
	var out []review.ItemScore
	for _, it := range items {
		if it.Auto != "" {
			continue
		}
		s := review.ItemScore{Item: it.Item, Result: qa.ResultPass}
		if len(out) < fail {
			s.Result, s.Note = qa.ResultFail, "复核录音/记录: 未达标准"
		}
		if kind[it.Item] == qa.KindScale {
			s.Level = 4
			if s.Result == qa.ResultFail {
				s.Level = 2
			}
		}
		out = append(out, s)
	}
	return out
}

// redLine is the failed fatal finding of an inspection and its dimension, if any.
func redLine(sc *qa.Scorecard, auto *qa.Inspection) (qa.Finding, string, bool) {
	if auto == nil {
		return qa.Finding{}, "", false
	}
	for _, f := range auto.Findings {
		if f.Result != qa.ResultFail {
			continue
		}
		for _, d := range sc.Dimensions {
			for _, it := range d.Items {
				if it.ID == f.Item && it.Fatal {
					return f, d.ID, true
				}
			}
		}
	}
	return qa.Finding{}, "", false
}

// majorProblem is the problem an inspector records for a red-line record: a major incident.
func majorProblem(f *workflow.Form) []review.Problem {
	fd, dim, ok := redLine(f.Scorecard, f.Auto)
	if !ok {
		return nil
	}
	biz := f.Record.BusinessType
	if biz == "" {
		biz = "业务"
	}
	return []review.Problem{{CustomerProblem: "客户来电/咨询" + biz + "问题, 对解释有异议", Dimension: dim, Item: fd.Item,
		Behaviour: fmt.Sprintf("坐席辱骂客户 (红线): 「%s」", fd.Text), Severity: qa.SeverityCritical, Major: true}}
}

// redLines: the QA group reviews red-line records. Each is a major incident; an older one was closed
// by the operations manager, and a slip about a recent one waits for the team lead's signature.
func (s *story) redLines() error {
	fatal := func(r store.RecordRow) bool { return r.Fatal }
	if rec, ok := s.pick(store.RecordFilter{FatalOnly: true}, 25, fatal); ok {
		rv, err := s.reviewOf(rec, "zhijian2", 25, 0, "红线: 辱骂客户, 已上报重大事故", majorProblem)
		if err != nil {
			return err
		}
		if err := s.closeIncident(rv.ID, 24, "yunying", "已回访客户致歉, 坐席停岗培训三天并考核通过"); err != nil {
			return err
		}
	}
	rec, ok := s.teamRecord(12, fatal)
	if !ok {
		rec, ok = s.pick(store.RecordFilter{FatalOnly: true}, 12, fatal)
	}
	if !ok {
		return nil
	}
	rv, err := s.reviewOf(rec, "zhijian", 12, 0, "红线: 辱骂客户, 已上报重大事故", majorProblem)
	if err != nil {
		return err
	}
	s.incidents += s.countMajor(rv)
	if rec.Team != s.team {
		return nil
	}
	sl, err := s.slip(rv, 12, "坐席在通话中辱骂客户, 触碰服务红线", "停岗复训服务规范与情绪管理, 复训后两周内每日抽检")
	if err != nil {
		return err
	}
	s.at(11, 9, 10)
	_, err = s.flow.AdvanceSlip(s.ctx, s.users["zhuguan"], sl.ID, "情况属实, 请组长尽快约谈")
	return err // now with the team lead, past its day: overdue
}

func (s *story) countMajor(rv *review.Review) int {
	n := 0
	for _, p := range rv.Problems {
		if p.Major {
			n++
		}
	}
	return n
}

// closeIncident closes the incident of review rv on the day, as who.
func (s *story) closeIncident(reviewID int64, daysAgo int, who, note string) error {
	s.incidents++
	list, err := s.flow.Incidents(s.ctx, s.users[who], true)
	if err != nil {
		return err
	}
	for _, inc := range list {
		if inc.ReviewID == reviewID {
			s.at(daysAgo, 16, 20)
			_, err := s.flow.CloseIncident(s.ctx, s.users[who], inc.ID, note)
			return err
		}
	}
	return nil
}

// disputeStages raises disputes and takes each as far as its stage: open (waiting for the
// supervisor), with the second inspector (blind), re-reviewed (waiting for the decision), upheld and
// amended — two of each, raised by zuoxi about their own records or by zuzhang for the team.
func (s *story) disputeStages() error {
	type plan struct {
		by     string // zuoxi or zuzhang
		day    int    // of the first review
		stage  string
		reason string
	}
	plans := []plan{
		{"zuoxi", 3, review.DisputeOpen, "客户的问题当场已经解决, 业务处理能力判为不合格过严"},
		{"zuzhang", 2, review.DisputeOpen, "组内复听录音, 坐席已按知识库口径解释, 请复核"},
		{"zuzhang", 6, review.DisputeRereview, "客户情绪是因系统故障, 坐席已安抚, 请复核评分"},
		{"zuoxi", 5, review.DisputeRereview, "我已经说明了处理时限, 请重新听一下录音"},
		{"zuzhang", 9, review.DisputeDecision, "坐席按流程转交了专员, 不属于未解决问题"},
		{"zuoxi", 8, review.DisputeDecision, "客户要求的业务当天已办结, 评分与事实不符"},
		{"zuzhang", 20, review.DisputeUpheld, "坐席认为已尽力解释, 申请复核"},
		{"zuoxi", 23, review.DisputeUpheld, "我觉得自己的解释没有问题"},
		{"zuoxi", 30, review.DisputeAmended, "业务流程完全按知识库执行, 判定有误"},
		{"zuzhang", 16, review.DisputeAmended, "复听录音, 坐席确认了客户的理解, 请改判"},
	}
	for _, p := range plans {
		rec, ok := store.RecordRow{}, false
		if p.by == "zuoxi" {
			rec, ok = s.own(p.day+1, below(95))
		}
		if !ok {
			p.by = "zuzhang"
			rec, ok = s.teamRecord(p.day+1, below(95))
		}
		if !ok {
			continue
		}
		first := "zhijian"
		if s.r.IntN(3) == 0 {
			first = "zhijian3"
		}
		rv, err := s.reviewOf(rec, first, p.day, 1, "人工判定项未达标准", nil)
		if err != nil {
			return err
		}
		s.at(p.day-1, 14, s.r.IntN(60))
		d, err := s.flow.RaiseDispute(s.ctx, s.users[p.by], rv.ID, p.reason)
		if err != nil {
			return fmt.Errorf("demo: dispute review %d: %w", rv.ID, err)
		}
		s.disputes++
		if p.stage == review.DisputeOpen {
			continue
		}
		s.at(p.day-2, 9, 15)
		if d, err = s.flow.AssignDispute(s.ctx, s.users["zhuguan"], d.ID, s.users["zhijian2"].ID); err != nil {
			return err
		}
		if p.stage == review.DisputeRereview {
			continue
		}
		s.at(p.day-3, 11, s.r.IntN(60))
		agree := 1 // the second inspector fails the same item: the first score stands
		if p.stage == review.DisputeAmended {
			agree = 0
		}
		if _, err := s.submit("zhijian2", d.TaskID, agree, "盲审复核", nil); err != nil {
			return err
		}
		if p.stage == review.DisputeDecision {
			continue
		}
		s.at(p.day-4, 15, s.r.IntN(60))
		decision, note := "uphold", "复核结果与原评分一致, 维持原判"
		if p.stage == review.DisputeAmended {
			decision, note = "amend", "复核认定业务处理符合知识库口径, 改判为复核分数"
		}
		if _, err := s.flow.DecideDispute(s.ctx, s.users["zhuguan"], d.ID, decision, note); err != nil {
			return err
		}
	}
	return nil
}

// slip writes a communication slip about the failed review rv on the day.
func (s *story) slip(rv *review.Review, daysAgo int, problem, suggestion string) (*review.Slip, error) {
	s.at(daysAgo, 17, s.r.IntN(30))
	sl, err := s.flow.CreateSlip(s.ctx, s.users[rv.Reviewer], rv.ID, problem, suggestion)
	if err == nil {
		s.slips++
	}
	return sl, err
}

// slipStages writes slips about failed reviews and signs them up to their stage: one just
// written, one acknowledged by the agent and waiting for the inspector, one closed.
func (s *story) slipStages() error {
	type plan struct {
		own   bool // a record of zuoxi's agent, so that zuoxi can acknowledge it
		day   int
		steps int // steps taken after writing: 0 none … 5 closed
	}
	for _, p := range []plan{{false, 1, 0}, {true, 5, 4}, {true, 20, 5}, {false, 4, 2}} {
		pick := s.teamRecord
		if p.own {
			pick = s.own
		}
		// zuoxi's agent seldom fails by the automatic checks: the reviewer's judgement fails the record.
		ok, fail := below(90), 2
		if p.own {
			ok, fail = nil, 4
		}
		var rv *review.Review
		for tries := 0; tries < 5 && rv == nil; tries++ {
			rec, found := pick(p.day+1, ok)
			if !found {
				break
			}
			got, err := s.reviewOf(rec, "zhijian", p.day, fail, "服务不达标, 需辅导", nil)
			if err != nil {
				return err
			}
			if !got.Passed {
				rv = got
			}
		}
		if rv == nil {
			continue
		}
		sl, err := s.slip(rv, p.day, "未按标准话术解释业务, 客户问题未一次解决", "复习知识库对应口径, 一周后抽查同类业务")
		if err != nil {
			return err
		}
		steps := []struct{ who, note string }{
			{"zhuguan", "同意, 请组长安排沟通"},
			{"zuzhang", "已阅, 安排本周沟通"},
			{"zuzhang", "已与坐席当面沟通话术要求和知识库口径"},
			{"zuoxi", "已知悉, 会按标准话术执行"},
			{"zhijian", "抽查同类业务两条, 均已达标, 关闭"},
		}
		for i, st := range steps[:p.steps] { // one step a day, from the day after the slip was written
			if st.who == "zuoxi" && rv.AgentID != s.agent {
				break
			}
			s.at(p.day-1-i, 10+i, 10)
			if _, err := s.flow.AdvanceSlip(s.ctx, s.users[st.who], sl.ID, st.note); err != nil {
				return fmt.Errorf("demo: slip %d step %d: %w", sl.ID, i+1, err)
			}
		}
	}
	return nil
}

// calibrate holds two calibration sessions on calls of other teams, each scored by three
// inspectors with the supervisor's calibrated answers: one closed three weeks ago (the start of the
// agreement trend) and one from yesterday, where the newer inspector still deviates most, waiting
// for the supervisor to close it.
func (s *story) calibrate() error {
	for _, c := range []struct {
		title string
		day   int
		close bool
		flip  map[string]float64 // chance that an inspector judges an item otherwise than the answer
	}{
		{"通话质检校准 (第一次)", 21, true, map[string]float64{"zhijian": 0.15, "zhijian2": 0.25, "zhijian3": 0.45}},
		{"通话质检校准 (第二次)", 1, false, map[string]float64{"zhijian": 0.05, "zhijian2": 0.1, "zhijian3": 0.3}},
	} {
		var ids []string
		for len(ids) < 4 {
			rec, ok := s.pick(store.RecordFilter{Channel: qa.ChannelCall}, c.day+1, func(r store.RecordRow) bool {
				return r.Team != s.team && r.Scorecard == "callcenter"
			})
			if !ok {
				break
			}
			ids = append(ids, rec.ID)
		}
		if len(ids) < 2 {
			return nil
		}
		var inspectors []int64
		for _, n := range []string{"zhijian", "zhijian2", "zhijian3"} {
			inspectors = append(inspectors, s.users[n].ID)
		}
		s.at(c.day, 9, 0)
		cal, err := s.flow.CreateCalibration(s.ctx, s.users["zhuguan"], c.title, ids, inspectors)
		if err != nil {
			return err
		}
		s.calibrations++
		for _, id := range ids {
			answer, err := s.calibrationAnswer(id)
			if err != nil {
				return err
			}
			for i, n := range []string{"zhijian", "zhijian2", "zhijian3"} {
				items := slices.Clone(answer)
				for j := range items {
					if s.r.Float64() < c.flip[n] {
						items[j].Result = map[string]string{qa.ResultPass: qa.ResultFail, qa.ResultFail: qa.ResultPass, qa.ResultNA: qa.ResultFail}[items[j].Result]
					}
				}
				s.at(c.day, 10+2*i, s.r.IntN(60))
				if _, err := s.flow.ScoreCalibration(s.ctx, s.users[n], cal.ID, id, items, false); err != nil {
					return fmt.Errorf("demo: calibration %s by %s: %w", id, n, err)
				}
			}
			s.at(c.day, 16, 30)
			if _, err := s.flow.ScoreCalibration(s.ctx, s.users["zhuguan"], cal.ID, id, answer, true); err != nil {
				return err
			}
		}
		if c.close {
			s.at(c.day-1, 10, 0)
			if _, err := s.flow.CloseCalibration(s.ctx, s.users["zhuguan"], cal.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// calibrationAnswer is the calibrated answer for a call: the automatic results of the judged
// items, and the human items passed unless the call scored below the pass mark.
func (s *story) calibrationAnswer(recordID string) ([]review.ItemScore, error) {
	ins, err := s.st.Inspections(s.ctx, recordID)
	if err != nil || len(ins) == 0 {
		return nil, err
	}
	var out []review.ItemScore
	for _, f := range ins[0].Findings {
		switch f.Item {
		case "opening", "closing", "forbidden", "empathy", "understanding", "business_handling":
		default:
			continue
		}
		res := f.Result
		if f.Item == "understanding" || f.Item == "business_handling" {
			res = qa.ResultPass
			if !ins[0].Passed {
				res = qa.ResultFail
			}
		}
		out = append(out, review.ItemScore{Item: f.Item, Result: res})
	}
	return out, nil
}
