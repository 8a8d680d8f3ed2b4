package demo

// Business types of the demo bank, with their share of contacts.
var (
	businesses = []string{"信用卡", "借记卡", "手机银行", "转账汇款", "贷款", "理财", "投诉建议"}
	bizWeight  = []float64{0.28, 0.16, 0.16, 0.10, 0.10, 0.10, 0.10}
)

const bizComplaint = 6 // index of 投诉建议 in businesses

// dataKind says which personal datum a customer naturally speaks in a scenario.
type dataKind int

const (
	dataNone dataKind = iota
	dataCard
	dataID
)

// scenario is one reason for contact: what the customer asks and how a competent agent answers.
type scenario struct {
	ask      []string // the customer's first statement of the problem (variants)
	issue    string   // the problem in a few words, for repeat-back and ticket text
	answer   []string // the agent's explanation, in order
	follow   string   // the customer's follow-up question
	reply    string   // the agent's answer to it
	lookup   string   // what the agent looks up during a hold (the hold reason)
	solution string   // what a ticket records as the solution
	data     dataKind
	category string // ticket category when the contact is not a complaint
}

// scenarios holds the non-complaint scenarios per business index (投诉建议 uses complaints only).
var scenarios = [][]scenario{
	{ // 信用卡
		{ask: []string{"我想查一下我这个月信用卡账单,怎么这么多?", "我这个月的信用卡账单金额不对,多了好几百。"}, issue: "本期信用卡账单金额与消费不符",
			answer: []string{"我这边看到您本期账单包含一笔分期手续费和一笔年费。", "年费是按卡片等级收取的,当年刷卡满六次可以减免。"},
			follow: "那这个年费能退吗?", reply: "您本年度已经刷满六次,我这边帮您申请退回,三到五个工作日到账。",
			lookup: "查询一下账单明细", solution: "已核实账单明细并提交年费退回申请", data: dataCard, category: "咨询"},
		{ask: []string{"我想把信用卡额度调高一点。", "我的信用卡额度不够用,能不能提额?"}, issue: "信用卡额度调整",
			answer: []string{"系统评估您的卡片可以临时提额到五万元,有效期三个月。", "临时额度到期后会自动恢复为原额度。"},
			follow: "能不能固定提额?", reply: "固定额度需要用卡满六个月后由系统评估,您可以在手机银行里申请。",
			lookup: "看一下您的额度评估结果", solution: "已办理临时额度调整至5万元", data: dataID, category: "咨询"},
		{ask: []string{"我刚收到短信说我的卡在外地消费了两笔,可我人一直在家里。", "我的信用卡被人盗刷了!"}, issue: "信用卡出现非本人交易",
			answer: []string{"这两笔交易是在境外网站发生的,我先帮您把卡片临时冻结。", "稍后会有风险专员联系您办理争议交易调查。"},
			follow: "那钱能追回来吗?", reply: "调查期间这笔款项暂不需要还款,调查结果会在十五个工作日内通知您。",
			lookup: "核实一下这几笔交易", solution: "已冻结卡片并提交争议交易调查", data: dataCard, category: "故障"},
		{ask: []string{"我想把上周那笔两万块的消费办个分期。", "信用卡的大额消费可以分期吗?"}, issue: "信用卡账单分期",
			answer: []string{"这笔消费可以办理分期,分十二期的话每期手续费率是百分之零点六。", "总手续费是一千四百四十元,第一期会在下个账单日入账。"},
			follow: "提前还款要收违约金吗?", reply: "提前还清剩余本金的话,已收取的手续费不退,没有额外违约金。",
			lookup: "查询一下这笔交易能不能分期", solution: "已办理账单分期12期", data: dataCard, category: "咨询"},
		{ask: []string{"我新收到的信用卡怎么激活?", "卡寄到了,我想激活一下。"}, issue: "新卡激活",
			answer: []string{"您可以通过手机银行或者激活专线完成激活,需要验证身份证号码和预留手机号。", "激活以后记得设置交易密码。"},
			follow: "激活之后多久能用?", reply: "激活以后马上就可以使用。",
			lookup: "核实一下您的卡片寄送状态", solution: "已指导客户完成新卡激活", data: dataID, category: "咨询"},
	},
	{ // 借记卡
		{ask: []string{"我的银行卡丢了,想挂失一下。", "我钱包丢了,里面有你们的储蓄卡,赶紧帮我挂失。"}, issue: "借记卡挂失",
			answer: []string{"我先帮您办理口头挂失,口头挂失的有效期是五天。", "五天内请您带上身份证到任意网点办理正式挂失和补卡。"},
			follow: "补卡要多少钱?", reply: "补卡工本费是五元,补办的新卡卡号会变。",
			lookup: "确认一下您的卡片状态", solution: "已办理口头挂失并告知补卡流程", data: dataID, category: "咨询"},
		{ask: []string{"我的卡怎么突然转不了账了,说是被限制了。", "我在手机上转账,提示账户被限制非柜面交易。"}, issue: "借记卡被限制非柜面交易",
			answer: []string{"您这张卡因为长期没有使用,被系统限制了非柜面交易。", "需要您本人带身份证到开户网点核实以后解除限制。"},
			follow: "不能在电话里解除吗?", reply: "按照监管要求需要本人到网点办理,给您添麻烦了。",
			lookup: "查询一下限制的原因", solution: "已说明限制原因并预约网点解除", data: dataCard, category: "故障"},
		{ask: []string{"我卡里少了几十块钱,我没花过啊。", "我的储蓄卡每个月都被扣两块钱,这是什么钱?"}, issue: "借记卡出现不明扣款",
			answer: []string{"我这边查到是短信通知服务费,每个月两元,从去年开通以后一直在扣。", "这个服务是在开卡的时候一起开通的。"},
			follow: "这个能取消吗?", reply: "可以的,我现在就帮您取消短信通知服务,下个月起不再收取。",
			lookup: "查一下最近的交易明细", solution: "已取消短信通知服务并说明扣费原因", data: dataCard, category: "退款"},
		{ask: []string{"我的密码输错三次被锁了。", "取款的时候密码输错了好几次,现在卡用不了了。"}, issue: "借记卡密码锁定",
			answer: []string{"密码锁定以后,第二天零点会自动解锁。", "如果您忘记了密码,需要本人带身份证和卡片去网点重置。"},
			follow: "在手机银行上能重置吗?", reply: "可以的,手机银行里通过刷脸验证以后就能重置交易密码。",
			lookup: "核实一下您卡片的锁定状态", solution: "已说明解锁及密码重置方式", data: dataID, category: "咨询"},
	},
	{ // 手机银行
		{ask: []string{"手机银行一直登不上去,老是提示系统繁忙。", "你们的手机银行打不开了。"}, issue: "手机银行无法登录",
			answer: []string{"麻烦您先把手机银行升级到最新版本再试一下。", "如果还是不行,可以清除一下应用缓存以后重新登录。"},
			follow: "我已经是最新版本了。", reply: "好的,那我帮您提交技术工单,技术人员会联系您排查。",
			lookup: "查询一下您的登录记录", solution: "已提交技术工单排查登录故障", data: dataNone, category: "故障"},
		{ask: []string{"我用手机银行转账,显示失败了,可是钱已经扣了。", "转账没成功,钱却扣了,怎么回事?"}, issue: "手机银行转账失败但资金被扣",
			answer: []string{"这笔转账目前是处理中状态,如果最终失败,资金会原路退回。", "一般两个工作日内到账。"},
			follow: "如果到时候还没退呢?", reply: "到时候您再联系我们,我们会优先为您处理。",
			lookup: "查一下这笔转账的状态", solution: "已核实交易状态,资金原路退回", data: dataCard, category: "退款"},
		{ask: []string{"我换了新手机,手机银行收不到验证码。", "新手机登录手机银行提示设备未绑定。"}, issue: "手机银行设备绑定",
			answer: []string{"您需要先在新手机上完成设备绑定,绑定时会验证身份证号和银行卡密码。", "绑定成功以后验证码就能正常接收了。"},
			follow: "预留手机号也换了怎么办?", reply: "修改预留手机号需要本人到网点,或者在手机银行通过人脸识别办理。",
			lookup: "确认一下您的预留手机号", solution: "已指导客户完成设备绑定", data: dataID, category: "咨询"},
		{ask: []string{"手机银行的人脸识别老是失败。", "刷脸一直通不过,我转不了账。"}, issue: "手机银行人脸识别失败",
			answer: []string{"人脸识别需要光线充足,请您摘下眼镜,正对屏幕再试一次。", "连续失败五次会锁定二十四小时。"},
			follow: "已经锁了怎么办?", reply: "锁定二十四小时后会自动解除,急用的话可以去网点柜台办理。",
			lookup: "查一下您的人脸识别记录", solution: "已说明人脸识别注意事项", data: dataNone, category: "故障"},
	},
	{ // 转账汇款
		{ask: []string{"我转账转错人了,能不能帮我撤回?", "我给别人转了五千块,账号输错了一位。"}, issue: "转账转错收款人",
			answer: []string{"已经成功的转账我们没有办法直接撤回。", "我可以帮您联系收款行,请对方协助联系收款人退回。"},
			follow: "那大概要多久?", reply: "一般三到五个工作日会有结果,需要收款人同意才能退回。",
			lookup: "查询一下这笔转账的收款信息", solution: "已联系收款行协助退回错转资金", data: dataCard, category: "退款"},
		{ask: []string{"我跨行转账两个小时了,对方还没收到。", "跨行转账怎么这么慢?"}, issue: "跨行转账未到账",
			answer: []string{"跨行转账走的是人民银行的支付系统,工作日十七点以后提交的会在下一个工作日处理。", "您这笔是十七点十分提交的,明天上午会到账。"},
			follow: "以后怎么才能实时到?", reply: "五万元以下的转账可以选择实时到账,通过网联或者超级网银处理。",
			lookup: "查一下这笔转账的清算状态", solution: "已说明跨行清算时间", data: dataCard, category: "咨询"},
		{ask: []string{"我想给在国外读书的孩子汇学费。", "境外汇款要准备什么?"}, issue: "境外汇款",
			answer: []string{"境外汇款需要提供收款人姓名、收款银行的SWIFT代码和账号。", "每人每年有五万美元的便利化购汇额度。"},
			follow: "手续费怎么收?", reply: "手续费是汇款金额的千分之一,最低五十元,最高二百六十元,另加电报费。",
			lookup: "确认一下您今年的购汇额度", solution: "已说明境外汇款材料及费用", data: dataID, category: "咨询"},
	},
	{ // 贷款
		{ask: []string{"我想提前还一部分房贷。", "房贷可以提前还吗?"}, issue: "房贷提前还款",
			answer: []string{"提前还款需要提前十五个工作日通过手机银行或者网点预约。", "您的贷款合同约定满一年以后提前还款不收违约金。"},
			follow: "还款之后月供会变吗?", reply: "您可以选择缩短期限或者减少月供,两种方式都可以。",
			lookup: "查一下您的贷款合同条款", solution: "已为客户预约提前还款", data: dataID, category: "咨询"},
		{ask: []string{"这个月房贷没扣成功,会不会影响征信?", "我收到短信说贷款扣款失败。"}, issue: "房贷还款扣款失败",
			answer: []string{"我这边看到是还款账户余额不足导致扣款失败。", "您在今天晚上十二点前存入足额资金,系统会再次扣款,不会影响征信。"},
			follow: "那罚息怎么算?", reply: "宽限期内补足不会产生罚息。",
			lookup: "查询一下本期的扣款记录", solution: "已说明扣款失败原因及补扣时间", data: dataCard, category: "咨询"},
		{ask: []string{"我想问问现在的房贷利率能不能调整。", "别人的房贷利率都降了,我的怎么没降?"}, issue: "存量房贷利率调整",
			answer: []string{"存量房贷的利率是按照合同约定,每年一月一日根据最新的贷款市场报价利率调整。", "您的合同是按年调整,明年一月会自动下调。"},
			follow: "那我还要去网点办吗?", reply: "不需要,系统会自动调整。",
			lookup: "看一下您合同的定价方式", solution: "已说明利率调整规则", data: dataNone, category: "咨询"},
		{ask: []string{"我想申请一笔消费贷,要什么材料?", "你们的消费贷额度最高多少?"}, issue: "消费贷款申请",
			answer: []string{"您可以在手机银行申请我们的信用消费贷款,最高额度三十万元。", "需要提供身份证和收入证明,审批一般一到三个工作日。"},
			follow: "利息大概多少?", reply: "年化利率从百分之三点五起,具体以审批结果为准。",
			lookup: "帮您预评估一下额度", solution: "已完成额度预评估并指导线上申请", data: dataID, category: "咨询"},
	},
	{ // 理财
		{ask: []string{"我赎回的理财怎么还没到账?", "理财赎回三天了,钱还没回来。"}, issue: "理财产品赎回资金未到账",
			answer: []string{"您赎回的这款产品是T加一到账,赎回申请是周五下午三点以后提交的。", "所以会顺延到下周二到账,请您留意一下。"},
			follow: "那这几天有收益吗?", reply: "赎回申请提交以后就不再计算收益了。",
			lookup: "查一下您这笔赎回的进度", solution: "已说明赎回到账时间", data: dataCard, category: "咨询"},
		{ask: []string{"我买的理财怎么亏了,不是说稳健型的吗?", "理财产品的净值怎么一直在跌?"}, issue: "理财产品净值下跌",
			answer: []string{"这款产品是净值型产品,受债券市场波动影响,近期净值有所回落。", "产品说明书里有风险揭示,不承诺保本保收益。"},
			follow: "那我现在要不要赎回?", reply: "我们不能替您做投资决定,可以为您预约理财经理详细分析。",
			lookup: "查询一下这款产品的净值走势", solution: "已解释净值波动原因并预约理财经理", data: dataNone, category: "咨询"},
		{ask: []string{"我想买一款理财,提示风险等级不匹配。", "为什么我买不了那款进取型的产品?"}, issue: "理财风险等级不匹配",
			answer: []string{"您的风险评估结果是稳健型,这款产品是进取型,所以不能直接购买。", "您可以在手机银行重新做一次风险评估,评估结果有效期一年。"},
			follow: "重新评估要去网点吗?", reply: "不需要,手机银行上就可以完成。",
			lookup: "查一下您的风险评估记录", solution: "已指导客户重新进行风险评估", data: dataID, category: "咨询"},
	},
	nil, // 投诉建议: complaints only
}

// complaintCase is a complaint: the grievance, the business it concerns and the words of a repeat-back.
type complaintCase struct {
	biz      int
	ask      string // calm statement; upset customers add angry words around it
	issue    string // repeated back as 「您反映的是<issue>,对吗?」
	solution string
}

var complaints = []complaintCase{
	{bizComplaint, "我上午去你们网点办业务,排了两个小时的队,窗口就开了一个。", "上午在网点排队两个小时、只开放一个窗口", "已转网点负责人核实整改并回访客户"},
	{0, "我已经申请了年费减免,你们还是扣了我的年费。", "已经申请减免的信用卡年费仍被扣收", "已退回年费并向客户致歉"},
	{5, "理财经理当时说这个产品保本,现在亏了好几千。", "理财经理销售时承诺保本、现在产品亏损", "已转合规部门调查销售过程"},
	{2, "手机银行转账失败,钱扣了三天还没退回来。", "手机银行转账失败、资金三天未退回", "已加急处理,资金已退回客户账户"},
	{4, "我提前还款,你们收了我违约金,之前根本没人告诉我。", "提前还款被收取违约金、事先没有告知", "已核实合同条款并向客户解释,申请减免部分违约金"},
	{4, "你们的催收电话打到我单位去了,我根本没有逾期。", "没有逾期却接到催收电话、还打到了单位", "已核实为系统错误,停止催收并致歉"},
	{bizComplaint, "我昨天打电话,你们客服说这不归他们管,态度特别差。", "昨天的客服人员跟您说“这不归我们管”、态度很差", "已核实录音,对相关坐席进行辅导并回访客户"},
	{1, "我在你们自动取款机取钱,钱没吐出来,卡里却扣了。", "自动取款机取款未出钞但账户被扣款", "已调取ATM流水,款项已退回"},
}
