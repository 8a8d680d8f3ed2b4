package api

import (
	"net/http"

	"qloop/internal/knowledge"
	"qloop/internal/store"
	"regexp"
	"strings"
)

type obj = map[string]any

func ref(name string) obj { return obj{"$ref": "#/components/schemas/" + name} }

func props(required []string, kv ...any) obj {
	p := obj{}
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i].(string)] = kv[i+1]
	}
	o := obj{"type": "object", "properties": p}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

var (
	str   = obj{"type": "string"}
	num   = obj{"type": "number"}
	integ = obj{"type": "integer"}
	boolT = obj{"type": "boolean"}
)

func arr(items obj) obj { return obj{"type": "array", "items": items} }

// schemas documents the bodies; names match route.body and route.resp.
var schemas = obj{
	"Error": props([]string{"error"}, "error", props([]string{"code", "message"},
		"code", obj{"type": "string", "enum": []string{"invalid", "unauthorized", "forbidden", "not_found", "conflict", "internal"}},
		"message", obj{"type": "string", "description": "what went wrong and what to do next"})),
	"User": props([]string{"id", "username", "role"}, "id", integ, "username", str, "name", str,
		"role", obj{"type": "string", "enum": []string{"admin", "supervisor", "inspector", "team_lead", "agent", "ops_manager", "business_reviewer", "tech_supervisor"}},
		"agent_id", str, "team", str, "lang", obj{"type": "string", "enum": []string{"zh-CN", "en"}}, "disabled", boolT, "created_at", str),
	"UserList":     props(nil, "users", arr(ref("User"))),
	"UserCreate":   props([]string{"username", "role", "password"}, "username", str, "name", str, "role", str, "agent_id", str, "team", str, "lang", str, "password", str),
	"UserUpdate":   props(nil, "name", str, "role", str, "agent_id", str, "team", str, "lang", str, "disabled", boolT, "password", str),
	"TokenList":    props(nil, "tokens", arr(props(nil, "id", integ, "name", str, "created_at", str, "last_used", str))),
	"TokenCreate":  props([]string{"name"}, "name", str),
	"TokenCreated": props(nil, "id", integ, "name", str, "token", obj{"type": "string", "description": "qlp_…, shown once"}, "note", str),
	"Me":           props([]string{"user", "permissions"}, "user", ref("User"), "permissions", arr(str)),
	"Finding": props([]string{"item", "result"}, "item", str, "result", obj{"type": "string", "enum": []string{"pass", "fail", "na"}},
		"turn", obj{"type": "integer", "nullable": true}, "text", str, "start", obj{"type": "number", "nullable": true},
		"severity", str, "span", arr(integ), "level", integ, "note", str, "hits", integ),
	"Inspection": props(nil, "id", str, "scorecard", str, "version", integ, "score", num, "passed", boolT, "fatal", boolT, "findings", arr(ref("Finding"))),
	"Record":     obj{"type": "object", "description": "a service record in the canonical format (FORMAT.md); customer fields masked without the personal-data right"},
	"RecordDetail": props(nil, "record", ref("Record"), "rev", integ, "inspections", arr(ref("Inspection")), "masked", boolT,
		"knowledge", arr(schemaFor[knowledge.Result]()), "final", schemaFor[store.FinalResult]()),
	"RecordRow": props(nil, "ID", str, "Channel", str, "StartedAt", str, "AgentID", str, "AgentName", str, "Team", str, "BusinessType", str,
		"Score", obj{"type": "number", "nullable": true}, "Passed", boolT, "Fatal", boolT, "Scorecard", str, "Version", integ, "Failed", arr(str),
		"ScoreSource", obj{"type": "string", "enum": []string{"review", "auto", ""}, "description": "where the score comes from: a final human review (人工复核) or the latest automatic inspection; \"\" = not inspected"},
		"FailedNames", arr(str), "Snippet", props(nil, "Before", str, "Hit", str, "After", str)),
	"RecordPage": props(nil, "Rows", arr(ref("RecordRow")), "Next", str, "Total", integ, "TotalCapped", boolT),
	"Dashboard": props(nil, "Records", integ, "Inspected", integ, "Passed", integ, "Fatal", integ, "AvgScore", num, "PassRate", num,
		"Reviewed", obj{"type": "integer", "description": "records whose figures are a final human review's score; the others' are the latest automatic one's"},
		"TopFailed", arr(props(nil, "Item", str, "Count", integ, "Share", num)),
		"Trend", arr(props(nil, "Day", str, "Records", integ, "AvgScore", num, "PassRate", num, "Reviewed", integ)),
		"Agents", arr(props(nil, "AgentID", str, "AgentName", str, "Team", str, "Records", integ, "AvgScore", num, "PassRate", num, "Fatal", integ,
			"Reviewed", integ))),
	"ScorecardList":     props(nil, "scorecards", arr(props(nil, "Name", str, "Version", integ, "Title", str, "Active", boolT, "CreatedAt", str))),
	"Scorecard":         props(nil, "scorecard", obj{"type": "object"}, "active", boolT, "yaml", str),
	"ScorecardYAML":     obj{"type": "string", "description": "the scorecard as YAML (README: Scorecards)"},
	"ScorecardActivate": props(nil, "version", obj{"type": "integer", "description": "the version to activate (default: the latest); the same as ?version=N"}),
	"ScorecardSaved":    props(nil, "name", str, "version", integ, "created", boolT, "active", boolT),
	"Upload":            props([]string{"file"}, "file", obj{"type": "string", "format": "binary"}),
	"ImportResult": props(nil, "file", str, "read", integ, "inserted", integ, "updated", integ, "unchanged", integ, "rejected", integ,
		"inspected", integ, "rejects", arr(props(nil, "line", integ, "reason", str))),
}

var pathParam = regexp.MustCompile(`\{(\w+)\}`)

// created are the operations that answer 201 Created, each with whether it may also answer 200
// (an unchanged scorecard makes no new version).
var created = map[string]bool{"POST /api/v1/me/tokens": false, "POST /api/v1/users": false, "POST /api/v1/scorecards": true}

// optionalBody are the request bodies an operation may go without.
var optionalBody = map[string]bool{"ScorecardActivate": true}

// Document builds the OpenAPI 3 document from the route table, so it cannot drift from the handlers.
func Document() obj {
	paths := obj{}
	for _, rt := range routes() {
		item, _ := paths[rt.path].(obj)
		if item == nil {
			item = obj{}
			paths[rt.path] = item
		}
		op := obj{"summary": rt.summary, "tags": []string{rt.tag}, "operationId": operationID(rt)}
		var ps []obj
		for _, p := range rt.params {
			ps = append(ps, obj{"name": p.name, "in": p.in, "required": p.required || p.in == "path", "description": p.desc, "schema": obj{"type": p.typ}})
		}
		if len(ps) > 0 {
			op["parameters"] = ps
		}
		if rt.body != "" {
			ct := "application/json"
			switch rt.body {
			case "ScorecardYAML":
				ct = "application/yaml"
			case "Upload":
				ct = "multipart/form-data"
			}
			op["requestBody"] = obj{"required": !optionalBody[rt.body], "content": obj{ct: obj{"schema": ref(rt.body)}}}
		}
		resps := obj{"default": obj{"description": "an error", "content": obj{"application/json": obj{"schema": ref("Error")}}}}
		switch {
		case rt.resp != "":
			content := obj{"application/json": obj{"schema": ref(rt.resp)}}
			also200, isCreate := created[rt.method+" "+rt.path]
			if isCreate {
				resps["201"] = obj{"description": "Created", "content": content}
			}
			if !isCreate || also200 {
				resps["200"] = obj{"description": "OK", "content": content}
			}
		case rt.method == http.MethodDelete:
			resps["204"] = obj{"description": "done"}
		default:
			resps["200"] = obj{"description": "OK"}
		}
		op["responses"] = resps
		if rt.perm != "" {
			op["description"] = "needs the permission `" + string(rt.perm) + "` (docs/roles.md)"
		}
		if rt.path != "/api/v1/openapi.json" {
			op["security"] = []obj{{"session": []string{}}, {"token": []string{}}}
		}
		item[strings.ToLower(rt.method)] = op
	}
	return obj{
		"openapi": "3.0.3",
		"info": obj{"title": "qloop API", "version": "1",
			"description": "客服质检与服务质量改善平台 — records, inspections, scorecards, imports and users. Errors are {\"error\": {\"code\", \"message\"}}."},
		"paths": paths,
		"components": obj{"schemas": schemas, "securitySchemes": obj{
			"session": obj{"type": "apiKey", "in": "cookie", "name": "qloop_session"},
			"token":   obj{"type": "http", "scheme": "bearer", "description": "a personal API token (qlp_…) from POST /api/v1/me/tokens"},
		}},
	}
}

func operationID(rt route) string {
	p := pathParam.ReplaceAllString(strings.TrimPrefix(rt.path, "/api/v1/"), "by_$1")
	p = strings.NewReplacer("/", "_", ".", "_", "-", "_").Replace(p)
	return strings.ToLower(rt.method) + "_" + p
}

func (h *Handler) openAPI(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, Document())
}
