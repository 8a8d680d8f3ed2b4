package knowledge

import "time"

// defaultsUpdated is when the demo entries were written; a fixed time keeps demo output reproducible.
var defaultsUpdated = time.Date(2026, 7, 20, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// Defaults returns a small knowledge base for demos, written for the bank of internal/demo (its
// business types and the wording its agents use), so that on demo data some answers cover every
// key fact and some miss facts: complaints about the same topic never get the standard answer, and
// a few standard answers require a fact the demo agents never state (e.g. 报警 for a mistaken
// transfer). Every call returns fresh slices the caller may change.
func Defaults() []Entry {
	es := []Entry{
		{
			ID: 1, Topic: "信用卡年费", BusinessTypes: []string{"信用卡"},
			Triggers: []string{"年费"},
			Facts: []Fact{
				{Name: "刷卡满六次可减免", Any: []string{"满六次", "满6次", "刷卡六次"}},
				{Name: "退回三到五个工作日到账", Any: []string{"三到五个工作日", "3到5个工作日", "三至五个工作日"}},
			},
			Answer: "信用卡年费按卡片等级收取,当年刷卡满六次可减免。已满足条件的,我们为您申请退回,三到五个工作日到账。",
		},
		{
			ID: 2, Topic: "借记卡挂失", BusinessTypes: []string{"借记卡"},
			Triggers: []string{"挂失", "卡丢了", "钱包丢了"},
			Facts: []Fact{
				{Name: "先办口头挂失", Any: []string{"口头挂失", "临时挂失"}},
				{Name: "口头挂失有效期五天", Any: []string{"有效期是五天", "有效期五天", "五天内", "5天内"}},
				{Name: "本人带身份证到网点", Any: []string{"带上身份证", "带身份证", "携带身份证"}},
				{Name: "补卡工本费", Any: []string{"工本费"}},
			},
			Answer: "先为您办理口头挂失,有效期五天;五天内请本人带身份证到任意网点办理正式挂失和补卡,补卡工本费五元,新卡卡号会变。",
		},
		{
			ID: 3, Topic: "转账转错收款人", BusinessTypes: []string{"转账汇款"},
			Triggers: []string{"转错", "输错了一位", "撤回"},
			Facts: []Fact{
				{Name: "成功的转账无法直接撤回", Any: []string{"没有办法直接撤回", "无法直接撤回", "不能直接撤回", "无法撤回"}},
				{Name: "联系收款行协助", Any: []string{"联系收款行"}},
				{Name: "需收款人同意退回", Any: []string{"收款人同意"}},
				{Name: "涉及诈骗立即报警", Any: []string{"报警", "公安机关"}},
			},
			Answer: "已成功的转账无法直接撤回。我们可以联系收款行,请对方协助联系收款人退回,需收款人同意,一般三到五个工作日有结果;如涉及诈骗,请立即报警。",
		},
		{
			ID: 4, Topic: "转账失败资金被扣", BusinessTypes: []string{"手机银行", "转账汇款"},
			Triggers: []string{"转账失败", "转账没成功", "钱已经扣了", "钱却扣了"},
			Facts: []Fact{
				{Name: "失败资金原路退回", Any: []string{"原路退回", "原路返回"}},
				{Name: "两个工作日内到账", Any: []string{"两个工作日内", "2个工作日内"}},
			},
			Answer: "这笔转账如最终失败,资金会原路退回,一般两个工作日内到账;逾期未到账请再联系我们优先处理。",
		},
		{
			ID: 5, Topic: "房贷提前还款", BusinessTypes: []string{"贷款"},
			Triggers: []string{"提前还款", "提前还"},
			Facts: []Fact{
				{Name: "提前十五个工作日预约", Any: []string{"提前十五个工作日", "提前15个工作日"}},
				{Name: "违约金按合同约定", Any: []string{"合同约定", "不收违约金", "免收违约金"}},
				{Name: "可缩短期限或减少月供", Any: []string{"缩短期限", "减少月供"}},
			},
			Answer: "提前还款需提前十五个工作日通过手机银行或网点预约;是否收取违约金以贷款合同约定为准;还款后可选择缩短期限或减少月供。",
		},
		{
			ID: 6, Topic: "理财产品净值下跌", BusinessTypes: []string{"理财"},
			Triggers: []string{"亏了", "净值", "保本"},
			Facts: []Fact{
				{Name: "净值型产品随市场波动", Any: []string{"净值型"}},
				{Name: "不承诺保本", Any: []string{"不承诺保本", "不保本", "不保证本金"}},
				{Name: "不替客户做投资决定", Any: []string{"不能替您做投资决定", "不能替您做决定", "由您自主决定"}},
				{Name: "预约理财经理", Any: []string{"预约理财经理"}},
			},
			Answer: "这款是净值型产品,净值随债券市场波动,产品说明书已揭示风险,不承诺保本保收益。我们不能替您做投资决定,可以为您预约理财经理详细分析。",
		},
	}
	for i := range es {
		es[i].UpdatedAt, es[i].UpdatedBy = defaultsUpdated, "qloop"
	}
	return es
}
