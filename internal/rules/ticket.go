package rules

import (
	"fmt"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"qloop/internal/qa"
)

// ticketFieldsCheck fails when a required ticket fact is empty (流程合规: 关键信息缺失).
type ticketFieldsCheck struct{ fields []string }

func (c *ticketFieldsCheck) judge(x *recordCtx) qa.Finding {
	tk := x.r.Ticket
	if tk == nil {
		return na("无工单")
	}
	var missing []string
	for _, f := range c.fields {
		empty := false
		switch f {
		case "created_at":
			empty = tk.CreatedAt == nil
		case "first_response_at":
			empty = tk.FirstResponseAt == nil
		case "resolved_at":
			empty = tk.ResolvedAt == nil && closed(tk)
		case "due_at":
			empty = tk.DueAt == nil
		case "status":
			empty = strings.TrimSpace(tk.Status) == ""
		case "category":
			empty = strings.TrimSpace(tk.Category) == ""
		case "solution":
			empty = strings.TrimSpace(tk.Solution) == "" && closed(tk)
		}
		if empty {
			missing = append(missing, f)
		}
	}
	if len(missing) == 0 {
		return pass()
	}
	return qa.Finding{Result: qa.ResultFail, Text: strings.Join(missing, ","), Note: "工单缺少: " + strings.Join(missing, ", "), Hits: len(missing)}
}

// closed reports whether a ticket is finished, so that its resolution facts must be filled in.
func closed(tk *qa.Ticket) bool {
	switch strings.ToLower(tk.Status) {
	case "resolved", "closed", "done", "已解决", "已关闭", "已完成":
		return true
	}
	return tk.ResolvedAt != nil
}

// level maps a measured value to 5…2: at or below levels[0] → 5, levels[1] → 4, and so on; beyond
// the last threshold it is 1.
func level(v float64, levels []float64) int {
	for i, t := range levels {
		if v <= t {
			return 5 - i
		}
	}
	return 1
}

// transfersCheck judges resolution ability from transfers: with levels it gives a 1–5 level; an
// unresolved ticket is capped at 2 and, transferred at least twice (or max), is 1 (S1 解决能力).
type transfersCheck struct {
	max    float64
	levels []float64
}

func (c *transfersCheck) judge(x *recordCtx) qa.Finding {
	tk := x.r.Ticket
	if tk == nil {
		return na("无工单")
	}
	n := float64(tk.Transfers)
	limit := c.max
	if limit == 0 {
		limit = 2
	}
	note := fmt.Sprintf("转办 %d 次", tk.Transfers)
	if !closed(tk) {
		note += ", 未解决"
	}
	if len(c.levels) == 0 {
		if n >= limit {
			return qa.Finding{Result: qa.ResultFail, Text: note, Note: note, Level: 1}
		}
		return pass()
	}
	l := level(n, c.levels)
	if !closed(tk) {
		l = min(l, 2)
		if n >= limit {
			l = 1
		}
	}
	f := qa.Finding{Result: qa.ResultPass, Level: l, Note: note}
	if l < 3 {
		f.Result, f.Text = qa.ResultFail, note
	}
	return f
}

// timelinessCheck maps ticket times in hours to a 1–5 level (S1 响应及时性: 1 = 超时24小时).
type timelinessCheck struct {
	measure string
	levels  []float64
}

func (c *timelinessCheck) judge(x *recordCtx) qa.Finding {
	tk := x.r.Ticket
	if tk == nil {
		return na("无工单")
	}
	var hours float64
	var what string
	switch c.measure {
	case "first_response":
		if tk.CreatedAt == nil || tk.FirstResponseAt == nil {
			return na("工单缺少创建或首次响应时间")
		}
		hours, what = tk.FirstResponseAt.Sub(*tk.CreatedAt).Hours(), "首次响应用时"
	case "resolution":
		if tk.CreatedAt == nil || tk.ResolvedAt == nil {
			return na("工单未解决或缺少时间")
		}
		hours, what = tk.ResolvedAt.Sub(*tk.CreatedAt).Hours(), "解决用时"
	case "overdue":
		if tk.DueAt == nil || tk.ResolvedAt == nil {
			return na("工单缺少截止或解决时间")
		}
		hours, what = max(0, tk.ResolvedAt.Sub(*tk.DueAt).Hours()), "超时"
	}
	l := level(hours, c.levels)
	note := fmt.Sprintf("%s %s", what, fmtHours(hours))
	f := qa.Finding{Result: qa.ResultPass, Level: l, Note: note}
	if l < 3 {
		f.Result, f.Text = qa.ResultFail, note
	}
	return f
}

func fmtHours(h float64) string {
	d := time.Duration(h * float64(time.Hour)).Round(time.Minute)
	if d < time.Hour {
		return fmt.Sprintf("%d 分钟", int(d.Minutes()))
	}
	return fmt.Sprintf("%.1f 小时", d.Hours())
}

// Env is what an expr check can refer to: record facts under short names.
type Env struct {
	Channel      string    `expr:"channel"`
	BusinessType string    `expr:"business_type"`
	CustomerTier string    `expr:"customer_tier"`
	Tags         []string  `expr:"tags"`
	Complaint    bool      `expr:"complaint"`
	Turns        int       `expr:"turns"`
	AgentTurns   int       `expr:"agent_turns"`
	Duration     float64   `expr:"duration"` // seconds, from the last timed turn's end
	Ticket       TicketEnv `expr:"ticket"`
}

// TicketEnv is the ticket part of Env; times are in hours, -1 when unknown.
type TicketEnv struct {
	Status             string  `expr:"status"`
	Category           string  `expr:"category"`
	Transfers          int     `expr:"transfers"`
	Escalated          bool    `expr:"escalated"`
	HasSolution        bool    `expr:"has_solution"`
	FirstResponseHours float64 `expr:"first_response_hours"`
	ResolutionHours    float64 `expr:"resolution_hours"`
	OverdueHours       float64 `expr:"overdue_hours"`
}

type exprCheck struct {
	prog     *vm.Program
	naUnless string
}

func compileExpr(c *qa.Check) (check, error) {
	prog, err := expr.Compile(c.Expr, expr.Env(Env{}), expr.AsBool())
	if err != nil {
		return nil, err
	}
	return &exprCheck{prog: prog, naUnless: c.NAUnless}, nil
}

func (c *exprCheck) judge(x *recordCtx) qa.Finding {
	if !x.applies(c.naUnless, upsetOr(0)) {
		return na("不适用")
	}
	out, err := expr.Run(c.prog, envOf(x))
	if err != nil {
		return qa.Finding{Result: qa.ResultNA, Note: "表达式无法计算: " + err.Error()}
	}
	if ok, _ := out.(bool); ok {
		return pass()
	}
	return qa.Finding{Result: qa.ResultFail, Note: "条件不满足"}
}

func envOf(x *recordCtx) Env {
	r := x.r
	env := Env{Channel: r.Channel, BusinessType: r.BusinessType, CustomerTier: r.CustomerTier, Tags: r.Tags,
		Complaint: r.IsComplaint(), Turns: len(r.Turns)}
	for _, t := range r.Turns {
		if t.Speaker == qa.SpeakerAgent {
			env.AgentTurns++
		}
		if t.Start != nil {
			env.Duration = max(env.Duration, end(&t))
		}
	}
	env.Ticket = TicketEnv{FirstResponseHours: -1, ResolutionHours: -1, OverdueHours: -1}
	if tk := r.Ticket; tk != nil {
		env.Ticket.Status, env.Ticket.Category, env.Ticket.Transfers = tk.Status, tk.Category, tk.Transfers
		env.Ticket.Escalated, env.Ticket.HasSolution = tk.Escalated, strings.TrimSpace(tk.Solution) != ""
		if tk.CreatedAt != nil && tk.FirstResponseAt != nil {
			env.Ticket.FirstResponseHours = tk.FirstResponseAt.Sub(*tk.CreatedAt).Hours()
		}
		if tk.CreatedAt != nil && tk.ResolvedAt != nil {
			env.Ticket.ResolutionHours = tk.ResolvedAt.Sub(*tk.CreatedAt).Hours()
		}
		if tk.DueAt != nil && tk.ResolvedAt != nil {
			env.Ticket.OverdueHours = max(0, tk.ResolvedAt.Sub(*tk.DueAt).Hours())
		}
	}
	return env
}
