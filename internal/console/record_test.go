package console_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"qloop/internal/auth"
	"qloop/internal/review"
	"qloop/internal/sample"
	"qloop/internal/store"
	"qloop/internal/store/storetest"
	"qloop/internal/workflow"
)

// TestRecordPageWords: the record page says why a score cannot be disputed, in one language, and
// its history reads in words (抽样生成复核任务, 分层 坐席 A002), not in keys.
func TestRecordPageWords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		flow := &workflow.Service{Store: st, Log: slog.New(slog.DiscardHandler)}
		sup, insp, agent := f.users[auth.RoleSupervisor], f.users[auth.RoleInspector], f.users[auth.RoleAgent]
		sp, _, err := flow.SavePlan(ctx, sup, sample.Plan{Name: "weekly", Title: "每周抽检", Rate: 0.05, StrataBy: []string{sample.ByAgent, sample.ByChannel},
			Inspectors: []sample.Quota{{Inspector: insp.Username, Quota: 50}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := flow.RunPlan(ctx, sup, sp.ID, 42); err != nil {
			t.Fatal(err)
		}
		tasks, err := flow.Tasks(ctx, insp, store.TaskFilter{Status: review.TaskOpen})
		if err != nil {
			t.Fatal(err)
		}
		var task *review.Task
		for i := range tasks {
			if tasks[i].AgentID == agent.AgentID {
				task = &tasks[i]
			}
		}
		if task == nil {
			t.Fatalf("the plan drew none of %s's records", agent.AgentID)
		}
		page := "/records/" + task.RecordID
		hist := between(f.get(t, auth.RoleSupervisor, "", page, 200), `id="history-table"`, `</table>`)
		for _, raw := range []string{">task.create<", "stratum", "agent=", "|channel="} {
			if strings.Contains(hist, raw) {
				t.Errorf("the history shows %q: %s", raw, hist)
			}
		}
		if !strings.Contains(hist, "抽样生成复核任务") || !strings.Contains(hist, "坐席 "+agent.AgentID) {
			t.Errorf("the history does not say the task was drawn and from which stratum: %s", hist)
		}

		// Before a review: only a reviewed score can be disputed.
		if body := f.get(t, auth.RoleAgent, "", page, 200); !strings.Contains(body, "只有人工复核后的评分可以申诉") {
			t.Error("the agent is not told that a score needs a review before it can be disputed")
		}
		form, err := flow.Form(ctx, insp, task.ID)
		if err != nil {
			t.Fatal(err)
		}
		rv, err := flow.Submit(ctx, insp, task.ID, review.Input{Items: form.Items})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := flow.RaiseDispute(ctx, agent, rv.ID, "开场白其实是完整的"); err != nil {
			t.Fatal(err)
		}
		body := f.get(t, auth.RoleAgent, "", page, 200)
		why := between(body, `id="no-dispute-`, `</p>`)
		if !strings.Contains(why, "不能申诉") || !strings.Contains(why, "该评分已在申诉中") || strings.Contains(why, "already") {
			t.Errorf("why the disputed score cannot be disputed again: %q", why)
		}
		if en := between(f.get(t, auth.RoleAgent, "en", page, 200), `id="no-dispute-`, `</p>`); !strings.Contains(en, "this score is already disputed") || strings.Contains(en, "申诉中") {
			t.Errorf("in English: %q", en)
		}
	})
}
