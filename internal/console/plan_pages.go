package console

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"qloop/internal/auth"
	"qloop/internal/qa"
	"qloop/internal/sample"
	"qloop/internal/store"
)

// planForm is a sampling plan as the form shows it: every field as typed, so that a plan the
// workflow refuses comes back with the user's input and the message.
type planForm struct {
	Name, Title, Rate, Period, MinPerAgent, Inspectors string
	Strata                                             []string
	KeyTiers, MinTransfers, ScoreBelow                 string
	FullBusiness, FullTags                             string
	Complaints, Escalated, Upset                       bool
	Trigger, SpecialFrom, SpecialTo, SpecialAt, Note   string
	From, To                                           string
	Channels                                           []string
	BusinessTypes                                      string
}

// splitList splits a comma, 、 or line separated list, dropping blanks.
func splitList(s string) []string {
	f := func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == '\n' || r == '\r'
	}
	var out []string
	for _, p := range strings.FieldsFunc(s, f) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// formOf is the form for an existing plan (to edit and save it again under its name).
func formOf(p sample.Plan) planForm {
	f := planForm{Name: p.Name, Title: p.Title, Rate: fmtFloat(p.Rate * 100), Period: p.Period, Strata: p.StrataBy,
		KeyTiers: strings.Join(p.Full.KeyCustomerTiers, ", "), Complaints: p.Full.Complaints, Escalated: p.Full.Escalated,
		Upset: p.Full.Upset, FullBusiness: strings.Join(p.Full.BusinessTypes, ", "), FullTags: strings.Join(p.Full.Tags, ", "),
		From: fmtLocal(p.From), To: fmtLocal(p.To), Channels: p.Channels, BusinessTypes: strings.Join(p.BusinessTypes, ", ")}
	if p.MinPerAgent > 0 {
		f.MinPerAgent = strconv.Itoa(p.MinPerAgent)
	}
	if p.Full.MinTransfers > 0 {
		f.MinTransfers = strconv.Itoa(p.Full.MinTransfers)
	}
	if p.Full.ScoreBelow != nil {
		f.ScoreBelow = fmtFloat(*p.Full.ScoreBelow)
	}
	var qs []string
	for _, q := range p.Inspectors {
		qs = append(qs, fmt.Sprintf("%s:%d", q.Inspector, q.Quota))
	}
	f.Inspectors = strings.Join(qs, ", ")
	if s := p.Special; s != nil {
		f.Trigger, f.SpecialFrom, f.SpecialTo, f.SpecialAt, f.Note = s.Trigger, fmtLocal(s.From), fmtLocal(s.To), fmtLocal(s.StartedAt), s.Note
	}
	return f
}

func readPlanForm(r *http.Request) planForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	r.ParseForm()
	return planForm{Name: v("name"), Title: v("title"), Rate: v("rate"), Period: v("period"), MinPerAgent: v("min_per_agent"),
		Inspectors: v("inspectors"), Strata: r.PostForm["strata"], KeyTiers: v("key_tiers"), MinTransfers: v("min_transfers"),
		ScoreBelow: v("score_below"), FullBusiness: v("full_business"), FullTags: v("full_tags"),
		Complaints: v("complaints") != "", Escalated: v("escalated") != "", Upset: v("upset") != "",
		Trigger: v("trigger"), SpecialFrom: v("special_from"), SpecialTo: v("special_to"), SpecialAt: v("special_at"), Note: v("special_note"),
		From: v("from"), To: v("to"), Channels: r.PostForm["channels"], BusinessTypes: v("business_types")}
}

// plan turns the form into a plan; every field that is not a number or a date is named at once.
// The plan's own rules are checked by the workflow (sample.Plan.Validate).
func (f planForm) plan() (sample.Plan, error) {
	var errs []string
	num := func(field, s string) float64 {
		if s == "" {
			return 0
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s 须为数字 %s must be a number (got %q)", field, field, s))
		}
		return x
	}
	date := func(field, s string) time.Time {
		x, err := parseLocal(field, s)
		if err != nil {
			errs = append(errs, errText(err))
		}
		return x
	}
	p := sample.Plan{Name: f.Name, Title: f.Title, Rate: num("rate", f.Rate) / 100, StrataBy: f.Strata, Period: f.Period,
		MinPerAgent: int(num("min_per_agent", f.MinPerAgent)), Channels: f.Channels, BusinessTypes: splitList(f.BusinessTypes)}
	p.From, p.To = date("from", f.From), date("to", f.To)
	p.Full = sample.FullRules{KeyCustomerTiers: splitList(f.KeyTiers), Complaints: f.Complaints, Escalated: f.Escalated,
		Upset: f.Upset, MinTransfers: int(num("full.min_transfers", f.MinTransfers)), BusinessTypes: splitList(f.FullBusiness),
		Tags: splitList(f.FullTags)}
	if f.ScoreBelow != "" {
		s := num("full.score_below", f.ScoreBelow)
		p.Full.ScoreBelow = &s
	}
	for _, part := range splitList(strings.ReplaceAll(f.Inspectors, " ", ",")) {
		name, quota, _ := strings.Cut(strings.ReplaceAll(part, "：", ":"), ":")
		q := sample.Quota{Inspector: strings.TrimSpace(name)}
		if quota = strings.TrimSpace(quota); quota != "" {
			n, err := strconv.Atoi(quota)
			if err != nil {
				errs = append(errs, fmt.Sprintf("inspectors: %q 的数量须为整数 the quota of %q must be a whole number", name, name))
			}
			q.Quota = n
		}
		p.Inspectors = append(p.Inspectors, q)
	}
	if f.Trigger != "" {
		p.Special = &sample.Special{Trigger: f.Trigger, Note: f.Note, From: date("special.from", f.SpecialFrom),
			To: date("special.to", f.SpecialTo), StartedAt: date("special.started_at", f.SpecialAt)}
	}
	if len(errs) > 0 {
		return p, qa.NewError(qa.EInvalid, strings.Join(errs, "; "))
	}
	return p, nil
}

// fullRules describes a plan's full-inspection rules, one phrase per rule that is on.
func (c *Console) fullRules(lang string, f sample.FullRules) []string {
	var out []string
	t := func(id string) string { return c.cat.T(lang, id) }
	if f.Complaints {
		out = append(out, t("plan.complaints"))
	}
	if f.Escalated {
		out = append(out, t("plan.escalated"))
	}
	if f.Upset {
		out = append(out, t("plan.upset"))
	}
	if len(f.KeyCustomerTiers) > 0 {
		out = append(out, t("plan.key_tiers")+" "+strings.Join(f.KeyCustomerTiers, ", "))
	}
	if f.MinTransfers > 0 {
		out = append(out, fmt.Sprintf("%s %d", t("plan.min_transfers"), f.MinTransfers))
	}
	if f.ScoreBelow != nil {
		out = append(out, t("plan.score_below")+" "+fmtFloat(*f.ScoreBelow))
	}
	if len(f.BusinessTypes) > 0 {
		out = append(out, t("plan.full_business")+" "+strings.Join(f.BusinessTypes, ", "))
	}
	if len(f.Tags) > 0 {
		out = append(out, t("plan.full_tags")+" "+strings.Join(f.Tags, ", "))
	}
	return out
}

// sizeCalc is the sample-size calculator's input and answer.
type sizeCalc struct {
	Population, Confidence, Margin, P string
	Size                              int
	Error                             string
}

func (c *Console) plansData(r *http.Request, form planForm) (map[string]any, error) {
	plans, err := c.cfg.Store.Plans(r.Context())
	if err != nil {
		return nil, err
	}
	ins, err := c.inspectors(r.Context())
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	calc := sizeCalc{Population: q.Get("population"), Confidence: q.Get("confidence"), Margin: q.Get("margin"), P: q.Get("p")}
	if calc.Confidence == "" {
		calc.Confidence = "95"
	}
	if calc.Margin == "" {
		calc.Margin = "5"
	}
	if calc.P == "" {
		calc.P = "50"
	}
	if q.Has("confidence") {
		pop, err1 := strconv.Atoi(strings.TrimSpace("0" + calc.Population))
		conf, err2 := strconv.ParseFloat(calc.Confidence, 64)
		margin, err3 := strconv.ParseFloat(calc.Margin, 64)
		p, err4 := strconv.ParseFloat(calc.P, 64)
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
			calc.Error = c.t(r, "plan.size_numbers")
		} else if n, err := sample.Size(pop, conf/100, margin/100, p/100); err != nil {
			calc.Error = errText(err)
		} else {
			calc.Size = n
		}
	}
	return map[string]any{"Plans": plans, "Form": form, "Inspectors": ins, "Calc": calc}, nil
}

func (c *Console) plans(w http.ResponseWriter, r *http.Request) error {
	form := planForm{Rate: "5", Strata: []string{sample.ByAgent}, Inspectors: ""}
	if id, err := strconv.ParseInt(r.URL.Query().Get("edit"), 10, 64); err == nil {
		sp, err := c.cfg.Store.Plan(r.Context(), id)
		if err != nil {
			return err
		}
		form = formOf(sp.Plan)
	} else {
		ins, err := c.inspectors(r.Context())
		if err != nil {
			return err
		}
		var names []string
		for _, u := range ins {
			if u.Role == auth.RoleInspector {
				names = append(names, u.Username+":0")
			}
		}
		form.Inspectors = strings.Join(names, ", ")
	}
	data, err := c.plansData(r, form)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "plans", data)
}

func (c *Console) savePlan(w http.ResponseWriter, r *http.Request) error {
	form := readPlanForm(r)
	p, err := form.plan()
	var sp *store.SamplingPlan
	if err == nil {
		sp, _, err = c.cfg.Flow.SavePlan(r.Context(), auth.FromContext(r.Context()), p)
	}
	if err != nil {
		if !formError(err) {
			return err
		}
		data, derr := c.plansData(r, form)
		if derr != nil {
			return derr
		}
		data["Error"] = errText(err)
		return c.render(w, r, statusFor(err), "plans", data)
	}
	return redirect(w, r, fmt.Sprintf("/plans/%d?saved=1", sp.ID))
}

// runView is one run of a plan with its draws counted for the page.
type runView struct {
	store.PlanRun
	Drawn int
}

func (c *Console) planPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sp, err := c.cfg.Store.Plan(r.Context(), id)
	if err != nil {
		return err
	}
	runs, err := c.cfg.Store.Runs(r.Context(), id)
	if err != nil {
		return err
	}
	views := make([]runView, len(runs))
	for i, run := range runs {
		views[i] = runView{run, len(run.Result.Draws)}
	}
	return c.render(w, r, http.StatusOK, "plan", map[string]any{"P": sp, "Runs": views, "Q": r.URL.Query(),
		"Strata": slices.Clone(sp.Plan.StrataBy)})
}

func (c *Console) runPlan(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	seed, err := formInt(r, "seed")
	if err != nil {
		return err
	}
	run, err := c.cfg.Flow.RunPlan(r.Context(), auth.FromContext(r.Context()), id, seed)
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/plans/%d?ran=%d#run-%d", id, run.ID, run.ID))
}
