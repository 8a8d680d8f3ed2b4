// Package auth holds who may do what: roles, the permission matrix (enforced here and nowhere else),
// users, password hashing, sessions and API tokens. docs/roles.md is generated from Matrix.
package auth

// Role is a user's job in the QA process (H1).
type Role string

// Roles.
const (
	RoleAdmin      Role = "admin"             // 系统管理员
	RoleSupervisor Role = "supervisor"        // 质检主管
	RoleInspector  Role = "inspector"         // 质检员
	RoleTeamLead   Role = "team_lead"         // 组长
	RoleAgent      Role = "agent"             // 坐席
	RoleOps        Role = "ops_manager"       // 运营经理
	RoleBusiness   Role = "business_reviewer" // 业务部门负责人
	RoleTech       Role = "tech_supervisor"   // 技术主管
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleSupervisor, RoleInspector, RoleTeamLead, RoleAgent, RoleOps, RoleBusiness, RoleTech}

// RoleNames are the Chinese names shown in the console.
var RoleNames = map[Role]string{
	RoleAdmin: "系统管理员", RoleSupervisor: "质检主管", RoleInspector: "质检员", RoleTeamLead: "组长",
	RoleAgent: "坐席", RoleOps: "运营经理", RoleBusiness: "业务部门负责人", RoleTech: "技术主管",
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	_, ok := RoleNames[r]
	return ok
}

// Perm is one thing a user may do.
type Perm string

// Permissions.
const (
	PermRecordsAll    Perm = "records.all"     // see every record and its inspections
	PermRecordsTeam   Perm = "records.team"    // see the records of the user's own team
	PermRecordsOwn    Perm = "records.own"     // see the user's own records (agent_id = the user's agent id)
	PermPersonalData  Perm = "personal_data"   // see customer names, phones, ID and card numbers, addresses unmasked
	PermDashboard     Perm = "dashboard"       // see the dashboard (over the records the user may see)
	PermScorecardView Perm = "scorecards.view" // read scorecards (D4: agents see the standard they are judged by)
	PermScorecardEdit Perm = "scorecards.edit" // import, activate scorecards
	PermImport        Perm = "imports"         // upload records
	PermInspect       Perm = "inspect"         // run the automatic inspection
	PermUsers         Perm = "users"           // manage accounts

	PermSampling      Perm = "sampling"        // define and run sampling plans, assign review tasks
	PermReview        Perm = "reviews"         // review the records assigned to them, write slips, mark problems
	PermReviewManage  Perm = "reviews.manage"  // see every review queue and task, reassign tasks
	PermDisputeRaise  Perm = "disputes.raise"  // dispute a reviewed score (agents their own, team leads their team's)
	PermDisputeDecide Perm = "disputes.decide" // assign the second review of a dispute and decide it
	PermCalibration   Perm = "calibration"     // run calibration sessions and fix the calibrated answer
	PermSlipSign      Perm = "slips.sign"      // sign communication slips as QA supervisor
	PermSlipLead      Perm = "slips.lead"      // sign slips for their team and record the talk with the agent
	PermSlipAck       Perm = "slips.ack"       // acknowledge their own slips with feedback
	PermIncidents     Perm = "incidents"       // receive and close major-incident reports
	PermKnowledgeEdit Perm = "knowledge.edit"  // maintain the knowledge base of standard answers
	PermAudit         Perm = "audit"           // read the whole audit trail

	PermFeedback       Perm = "feedback"        // see the customer feedback on the records they may see
	PermFeedbackEdit   Perm = "feedback.edit"   // import and enter customer feedback
	PermFeedbackVerify Perm = "feedback.verify" // run the feedback verification and record follow-ups
)

// Perms lists every permission in display order.
var Perms = []Perm{PermRecordsAll, PermRecordsTeam, PermRecordsOwn, PermPersonalData, PermDashboard,
	PermScorecardView, PermScorecardEdit, PermImport, PermInspect, PermUsers, PermSampling, PermReview,
	PermReviewManage, PermDisputeRaise, PermDisputeDecide, PermCalibration, PermSlipSign, PermSlipLead, PermSlipAck,
	PermIncidents, PermKnowledgeEdit, PermAudit, PermFeedback, PermFeedbackEdit, PermFeedbackVerify}

// Matrix is the permission matrix: the only place that says which role may do what.
var Matrix = map[Role][]Perm{
	RoleAdmin: {PermRecordsAll, PermPersonalData, PermDashboard, PermScorecardView, PermScorecardEdit, PermImport, PermInspect, PermUsers,
		PermAudit, PermFeedback, PermFeedbackEdit},
	RoleSupervisor: {PermRecordsAll, PermPersonalData, PermDashboard, PermScorecardView, PermScorecardEdit, PermImport, PermInspect,
		PermSampling, PermReview, PermReviewManage, PermDisputeDecide, PermCalibration, PermSlipSign, PermIncidents,
		PermKnowledgeEdit, PermAudit, PermFeedback, PermFeedbackEdit, PermFeedbackVerify},
	RoleInspector: {PermRecordsAll, PermDashboard, PermScorecardView, PermImport, PermInspect, PermReview, PermFeedback, PermFeedbackEdit, PermFeedbackVerify},
	RoleTeamLead:  {PermRecordsTeam, PermDashboard, PermScorecardView, PermDisputeRaise, PermSlipLead, PermFeedback},
	RoleAgent:     {PermRecordsOwn, PermDashboard, PermScorecardView, PermDisputeRaise, PermSlipAck, PermFeedback},
	RoleOps:       {PermRecordsAll, PermDashboard, PermScorecardView, PermIncidents, PermFeedback},
	RoleBusiness:  {PermRecordsAll, PermDashboard, PermScorecardView, PermFeedback},
	RoleTech:      {PermRecordsAll, PermDashboard, PermScorecardView, PermImport, PermFeedbackEdit},
}

// Can reports whether role r holds permission p.
func Can(r Role, p Perm) bool {
	for _, x := range Matrix[r] {
		if x == p {
			return true
		}
	}
	return false
}
