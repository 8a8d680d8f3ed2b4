package auth

import (
	"fmt"
	"strings"
)

// PermNames describe each permission in Chinese and English, for docs/roles.md and the console.
var PermNames = map[Perm]string{
	PermRecordsAll:     "全部记录 see every record and its inspections",
	PermRecordsTeam:    "本组记录 see the records of their own team",
	PermRecordsOwn:     "本人记录 see their own records (by agent id)",
	PermPersonalData:   "客户信息明文 see customer names, phones, ID and card numbers, addresses unmasked",
	PermDashboard:      "看板 see the dashboard, over the records they may see",
	PermScorecardView:  "查看质检标准 read scorecards",
	PermScorecardEdit:  "维护质检标准 import and activate scorecards",
	PermImport:         "导入记录 upload records",
	PermInspect:        "运行自动质检 run the automatic inspection",
	PermUsers:          "账号管理 manage accounts",
	PermSampling:       "抽样计划 define and run sampling plans, which create review tasks",
	PermReview:         "人工复核 review the records assigned to them, mark problems, write communication slips",
	PermReviewManage:   "复核任务管理 see every review queue and reassign tasks",
	PermDisputeRaise:   "申诉 dispute a reviewed score (agents their own records, team leads their team's)",
	PermDisputeDecide:  "申诉裁决 assign the second, blind review of a dispute and decide it",
	PermCalibration:    "校准 run calibration sessions and fix the calibrated answer",
	PermSlipSign:       "沟通单签批 sign communication slips as QA supervisor",
	PermSlipLead:       "沟通单组长签字 sign their team's slips and record the talk with the agent",
	PermSlipAck:        "沟通单确认 acknowledge their own slips with feedback",
	PermIncidents:      "重大事故 receive major-incident reports at once and close them",
	PermKnowledgeEdit:  "知识库维护 maintain the standard answers of the knowledge base",
	PermAudit:          "审计日志 read the whole audit trail",
	PermFeedback:       "客户反馈 see ratings, callbacks, complaints and escalations of the records they may see, with their verification",
	PermFeedbackEdit:   "反馈导入 import and enter customer feedback",
	PermFeedbackVerify: "数据核验 run the feedback verification and record follow-ups (待核实, callbacks)",
}

// roleDuties say what each role does; RolesMarkdown adds what the matrix lets it see.
var roleDuties = map[Role]string{
	RoleAdmin:      "runs qloop: accounts, scorecards, imports and inspections.",
	RoleSupervisor: "owns the QA process: maintains scorecards and the knowledge base, plans sampling, decides disputes, calibrates inspectors and signs communication slips.",
	RoleInspector:  "reviews the records assigned to them, marks problems and major incidents, and writes communication slips.",
	RoleTeamLead:   "coaches a team of agents from their results: signs their communication slips, records the talks, may dispute their scores.",
	RoleAgent:      "serves customers, reads how their own conversations were judged and by which standard, disputes a score and acknowledges slips.",
	RoleOps:        "follows service quality across all teams on the dashboard and receives major-incident reports.",
	RoleBusiness:   "reads results to act on the complaints and product issues of their business line.",
	RoleTech:       "runs the integrations that feed qloop with records.",
}

// RolesMarkdown returns docs/roles.md, generated from Matrix, RoleNames and PermNames.
func RolesMarkdown() string {
	var b strings.Builder
	b.WriteString("# 角色与权限 Roles and permissions\n\n")
	b.WriteString("<!-- Generated from internal/auth (Matrix) by `go test ./internal/auth -run RolesDoc -update`. Do not edit. -->\n\n")
	b.WriteString("The permission matrix below is the only place that says who may do what (`auth.Matrix`).\n")
	b.WriteString("A disabled account may do nothing; disabling it (`qloop user disable`, the console or the API) also ends its\n" +
		"sessions and revokes its personal API tokens, which enabling it again does not bring back. An agent id has at most\n" +
		"one account, so that only that agent sees their records. Every change of an account is in the audit trail.\n\n")
	b.WriteString("| 权限 permission |")
	for _, r := range Roles {
		fmt.Fprintf(&b, " %s<br>`%s` |", RoleNames[r], r)
	}
	b.WriteString("\n| --- |" + strings.Repeat(" :-: |", len(Roles)) + "\n")
	for _, p := range Perms {
		fmt.Fprintf(&b, "| `%s` %s |", p, PermNames[p])
		for _, r := range Roles {
			if Can(r, p) {
				b.WriteString(" ✓ |")
			} else {
				b.WriteString("   |")
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("\n## 各角色可见范围 What each role may see\n")
	for _, r := range Roles {
		fmt.Fprintf(&b, "\n**%s `%s`** %s %s\n", RoleNames[r], r, roleDuties[r], seeing(r))
	}
	var unmasked []string
	for _, r := range Roles {
		if Can(r, PermPersonalData) {
			unmasked = append(unmasked, fmt.Sprintf("%s `%s`", RoleNames[r], r))
		}
	}
	fmt.Fprintf(&b, "\n**客户信息 `%s`** Only %s see customer data unmasked. Every other role sees it masked "+
		"wherever qloop shows a record, whatever records it may otherwise see.\n", PermPersonalData, strings.Join(unmasked, " and "))
	return b.String()
}

// seeing describes, from Matrix alone, which records r sees, whether unmasked, and what else r may do.
func seeing(r Role) string {
	var s []string
	switch {
	case Can(r, PermRecordsAll):
		s = append(s, "Sees every record and inspection.")
	case Can(r, PermRecordsTeam):
		s = append(s, "Sees only the records of their own team (the account's team; an account without one sees nothing).")
	case Can(r, PermRecordsOwn):
		s = append(s, "Sees only their own records: those whose agent id is the account's agent id (required for this role).")
	default:
		s = append(s, "Sees no records.")
	}
	if Can(r, PermPersonalData) {
		s = append(s, "Customer data (names, phone, ID and card numbers, addresses) is shown unmasked.")
	} else {
		s = append(s, "Customer data is always masked (e.g. 138****8000).")
	}
	var more []string
	for _, p := range Perms {
		switch p {
		case PermRecordsAll, PermRecordsTeam, PermRecordsOwn, PermPersonalData:
			continue
		}
		if Can(r, p) {
			more = append(more, strings.SplitN(PermNames[p], " ", 2)[1])
		}
	}
	if len(more) > 0 {
		s = append(s, "May also: "+strings.Join(more, "; ")+".")
	}
	return strings.Join(s, " ")
}
