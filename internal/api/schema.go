package api

import (
	"reflect"
	"strings"
	"time"

	"qloop/internal/knowledge"

	"qloop/internal/review"
	"qloop/internal/sample"
	"qloop/internal/store"
	"qloop/internal/workflow"
)

var timeType = reflect.TypeFor[time.Time]()

// schemaOf documents a Go type from its JSON encoding (field names from json tags, embedded structs
// inlined), so the workflow schemas cannot drift from what the handlers encode.
func schemaOf(t reflect.Type) obj {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return obj{"type": "string", "format": "date-time"}
	case t.Kind() == reflect.Struct:
		p := obj{}
		addFields(t, p)
		return obj{"type": "object", "properties": p}
	case t.Kind() == reflect.Slice:
		return arr(schemaOf(t.Elem()))
	case t.Kind() == reflect.Map:
		return obj{"type": "object", "additionalProperties": schemaOf(t.Elem())}
	case t.Kind() == reflect.String:
		return str
	case t.Kind() == reflect.Bool:
		return boolT
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return num
	default:
		return integ
	}
}

func addFields(t reflect.Type, p obj) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			addFields(f.Type, p)
			continue
		}
		if name == "" {
			name = f.Name
		}
		s := schemaOf(f.Type)
		if f.Type.Kind() == reflect.Pointer {
			s = obj{"allOf": []obj{s}, "nullable": true}
		}
		p[name] = s
	}
}

func schemaFor[T any]() obj { return schemaOf(reflect.TypeFor[T]()) }

func init() {
	add := map[string]obj{
		"Plan":              schemaFor[sample.Plan](),
		"StoredPlan":        schemaFor[store.SamplingPlan](),
		"PlanRun":           schemaFor[store.PlanRun](),
		"PlanList":          props(nil, "plans", arr(ref("StoredPlan"))),
		"SavedPlan":         props(nil, "plan", ref("StoredPlan"), "created", boolT),
		"PlanDetail":        props(nil, "plan", ref("StoredPlan"), "runs", arr(ref("PlanRun"))),
		"RunInput":          props(nil, "seed", obj{"type": "integer", "description": "random seed (0 = from the clock); the same seed draws the same sample"}),
		"SampleSize":        props(nil, "population", integ, "confidence", num, "margin", num, "p", num, "size", integ),
		"Task":              schemaFor[review.Task](),
		"TaskList":          props(nil, "tasks", arr(ref("Task"))),
		"TaskCreate":        props([]string{"record_id", "inspector_id"}, "record_id", str, "inspector_id", integ),
		"ReviewForm":        schemaFor[workflow.Form](),
		"ReviewInput":       schemaFor[review.Input](),
		"Review":            schemaFor[review.Review](),
		"ReviewList":        props(nil, "reviews", arr(ref("Review"))),
		"AuditList":         props(nil, "entries", arr(schemaFor[review.AuditEntry]())),
		"Dispute":           schemaFor[review.Dispute](),
		"DisputeList":       props(nil, "disputes", arr(ref("Dispute"))),
		"DisputeCreate":     props([]string{"review_id", "reason"}, "review_id", integ, "reason", str),
		"DisputeAssign":     props([]string{"inspector_id"}, "inspector_id", integ),
		"DisputeDecide":     props([]string{"decision"}, "decision", obj{"type": "string", "enum": []string{"uphold", "amend"}}, "note", str),
		"Calibration":       schemaFor[review.Calibration](),
		"CalibrationList":   props(nil, "calibrations", arr(ref("Calibration"))),
		"CalibrationCreate": props([]string{"title", "record_ids", "inspector_ids"}, "title", str, "record_ids", arr(str), "inspector_ids", arr(integ)),
		"CalibrationView":   schemaFor[workflow.CalibrationView](),
		"CalibrationScore":  props([]string{"record_id", "items"}, "record_id", str, "items", arr(schemaFor[review.ItemScore]())),
		"CalScore":          schemaFor[review.CalScore](),
		"Slip":              schemaFor[slipOut](),
		"SlipList":          props(nil, "slips", arr(ref("Slip"))),
		"SlipCreate":        props([]string{"review_id", "problem"}, "review_id", integ, "problem", str, "suggestion", str),
		"SlipAdvance":       props(nil, "note", obj{"type": "string", "description": "required for the talk record and the agent's feedback"}),
		"Incident":          schemaFor[review.Incident](),
		"IncidentList":      props(nil, "incidents", arr(ref("Incident"))),
		"IncidentClose":     props([]string{"note"}, "note", str),
		"KnowledgeEntry":    schemaFor[knowledge.Entry](),
		"KnowledgeList":     props(nil, "entries", arr(ref("KnowledgeEntry"))),
		"NotificationList":  props(nil, "notifications", arr(schemaFor[review.Notification]())),
	}
	for k, v := range add {
		schemas[k] = v
	}
	for _, k := range []string{"POST /api/v1/sampling-plans/{id}/runs", "POST /api/v1/reviews", "POST /api/v1/reviews/{id}",
		"POST /api/v1/disputes", "POST /api/v1/calibrations", "POST /api/v1/slips"} {
		created[k] = false
	}
	created["POST /api/v1/sampling-plans"] = true
}
