package console

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"qloop/internal/i18n"
	"qloop/internal/review"
	"qloop/internal/sample"
)

// TestMessagesComplete: every message id a template names, and every code the workflow pages
// translate (reasons, states, steps, audit actions), is in both catalogs, so no page shows an id.
func TestMessagesComplete(t *testing.T) {
	cat := i18n.New()
	ids := map[string]bool{}
	literal := regexp.MustCompile(`\bt \$?\.?Lang "([^"]+)"`)
	names, _ := fs.Glob(templateFS, "templates/*.html")
	for _, n := range names {
		b, err := templateFS.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			ids[m[1]] = true
		}
		if base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html"); base != "layout" {
			ids["page."+base] = true
		}
	}
	codes := map[string][]string{
		"reason.": {sample.ReasonRandom, sample.ReasonMinPerAgent, sample.ReasonComplaint, sample.ReasonKeyCustomer, sample.ReasonTransfers,
			sample.ReasonEscalated, sample.ReasonLowScore, sample.ReasonUpset, sample.ReasonBusinessType, sample.ReasonTag,
			sample.ReasonSpecial + sample.TriggerMajorComplaint, sample.ReasonSpecial + sample.TriggerEscalation,
			sample.ReasonSpecial + sample.TriggerNewPolicy, "dispute", "manual"},
		"task.":        {review.TaskOpen, review.TaskDone, review.TaskCancelled, "all"},
		"res.":         {"pass", "fail", "na"},
		"rkind.":       {review.KindReview, review.KindRereview},
		"rstatus.":     {review.StatusFinal, review.StatusDisputed, review.StatusSuperseded, review.StatusSecond},
		"dstatus.":     {review.DisputeOpen, review.DisputeRereview, review.DisputeDecision, review.DisputeUpheld, review.DisputeAmended},
		"decision.":    {"uphold", "amend"},
		"slip.step.":   review.SlipSteps,
		"slip.did.":    append([]string{"create"}, review.SlipSteps[:len(review.SlipSteps)-1]...),
		"slip.action.": review.SlipSteps[:len(review.SlipSteps)-1],
		"slip.note.":   {review.SlipTalk, review.SlipAgentAck},
		"cal.status.":  {review.CalibrationOpen, review.CalibrationClosed},
		"notif.kind.":  {"incident", "dispute", "slip", "task", "calibration"},
		"strata.":      {sample.ByAgent, sample.ByBusinessType, sample.ByChannel, sample.ByPeriod},
		"period.":      {sample.PeriodDay, sample.PeriodWeek, sample.PeriodMonth},
		"trigger.":     {sample.TriggerMajorComplaint, sample.TriggerEscalation, sample.TriggerNewPolicy},
		"audit.": {"review.submit", "review.override", "task.assign", "dispute.raise", "dispute.assign", "dispute.rereview", "dispute.decide",
			"slip.create", "slip.qa_sign", "slip.lead_sign", "slip.talk", "slip.agent_ack", "slip.close", "plan.save", "plan.run",
			"calibration.create", "calibration.score", "calibration.answer", "calibration.close", "incident.report", "incident.close",
			"knowledge.save", "knowledge.delete"},
	}
	for prefix, cs := range codes {
		for _, c := range cs {
			ids[prefix+strings.ReplaceAll(c, ":", ".")] = true
		}
	}
	for id := range ids {
		for _, lang := range i18n.Languages {
			if !cat.Has(lang, id) {
				t.Errorf("%s: no message %q", lang, id)
			}
		}
	}
	// Both catalogs hold the same ids.
	for _, lang := range i18n.Languages {
		for id := range cat.IDs(lang) {
			for _, other := range i18n.Languages {
				if !cat.Has(other, id) {
					t.Errorf("%q is in %s but not in %s", id, lang, other)
				}
			}
		}
	}
}
