package demo

// Phrase tables. Good and bad variants sit side by side so the probabilities in call.go and chat.go decide
// which one a record gets; look-alikes are innocent lines that share characters with a violation.

const bankName = "华信银行"

var ivrLines = []string{
	"您好,欢迎致电" + bankName + "。为了提高服务质量,您的通话可能会被录音。正在为您转接人工服务,请稍候。",
	"欢迎致电" + bankName + "客服热线,人工服务正在接通,请稍候。",
}

var (
	// goodOpenings pass: greeting plus offer of help. The ASR-style one has spaces and no punctuation.
	goodOpenings = []string{
		"您好,请问有什么可以帮您?",
		"您好,很高兴为您服务,请问有什么可以帮您?",
		"您好," + bankName + "客服中心,请问有什么可以帮助您?",
		"您好 请问有什么可以帮您",
		"您好,嗯,请问有什么可以帮到您?",
		"你好,请问有什么可以帮您?",
	}
	// badOpenings fail: bare 喂/请讲, a greeting without the offer, the offer without a greeting.
	badOpenings = []string{"喂?", "请讲。", "喂,请讲。", "您好," + bankName + "。", "您好,这里是" + bankName + "客服。", "请问有什么可以帮您?", "嗯,你说。"}
)

var (
	offerHelp    = []string{"请问您还需要其他帮助吗?", "请问还有其他可以帮到您的吗?", "请问您还有其他问题需要咨询吗?"}
	noMore       = []string{"没有了,谢谢。", "没了,谢谢你啊。", "没有了。", "暂时没有了,谢谢。"}
	thanksBye    = []string{"感谢您的致电,再见!", "感谢您的来电,祝您生活愉快,再见!", "好的,感谢您的致电,再见。"}
	badClosings  = []string{"好,再见。", "好的。", "那就这样吧。", "行,没别的事我先挂了啊。", "嗯,拜拜。"}
	customerBye  = []string{"好,再见。", "谢谢,再见。", "拜拜。", "好的,谢谢。"}
	hangupWords  = []string{"算了算了,跟你说不清楚!", "行了,我自己去网点问!", "不用了!"}
	customerHi   = []string{"喂,你好。", "你好,", "喂,", ""}
	customerOK   = []string{"好的。", "嗯,好。", "行。", "好的,谢谢。", "明白了。", "哦,这样啊。"}
	backchannels = []string{"嗯。", "是。", "嗯嗯。", "对。"}
)

// forbiddenLines are agent lines containing a service taboo (顶撞, 轻视, 不耐烦, 推诿).
var forbiddenLines = []string{
	"我再跟你说一遍,这个是系统规定的,改不了。",
	"你什么意思?你到底想办什么业务?",
	"你先听我说完好不好?",
	"就是这样操作的,你明白吗?",
	"你知道吗,这个在合同里写得很清楚。",
	"您明白吗?这个我们没办法。",
	"我都说了好几遍了,要本人去网点办理。",
	"这不归我们管,你去找商户吧。",
	"您知道吗?这个早就通知过了。",
	"你听不懂吗?我说的是要先激活。",
}

// abuseLines are red-line violations (辱骂客户): an agent whose patience is gone insults the
// customer. Each holds a word every shipped scorecard's abuse lexicon has (你有病, 神经病, 有病吧),
// so the engine finds it in calls and chats alike and fails the record as fatal.
var abuseLines = []string{
	"你有病吧?一个问题翻来覆去问八遍!",
	"神经病,爱办不办。",
	"你脑子有病吧?说了多少遍了要本人去网点!",
	"我看你是有病吧,跟你说不清楚。",
}

// innocentAgentLines share characters with taboos but are information questions, reassurance or
// repeating at the customer's request, which a fair inspector does not count.
var innocentAgentLines = []string{
	"请问您知道对方的开户行吗?",
	"您不知道也没关系,我这边帮您查一下。",
	"好的,我再为您重复一遍。",
	"我解释清楚了吗?",
}

// customerLookalikes put taboo words in the customer's mouth, which never counts against the agent.
var customerLookalikes = []string{"你明白吗?我是说我根本没办过这个业务!", "你知道吗,我等了半个小时才接通。", "你什么意思啊?我没听懂。"}

// calmLookalikes are the same words from a customer who is not upset.
var calmLookalikes = []string{"你明白吗?我是想问手续费怎么算。", "你知道吗,我以前也办过一次。"}

// customerRepeatAsk precedes 「好的,我再为您重复一遍」 so the repeat is at the customer's request.
var customerRepeatAsk = []string{"你刚才说的我没听清,能再说一遍吗?", "不好意思,你再说一遍?"}

var (
	empathyLines = []string{
		"我非常理解您现在的心情。",
		"您先别着急,我来帮您处理。",
		"非常抱歉给您带来不便。",
		"如果换成我也会很着急,您放心,我一定帮您跟进。",
		"实在抱歉让您遇到这样的情况。",
	}
	// notEmpathy acknowledges the words but does not soothe.
	notEmpathy = []string{"我理解您的意思。", "这个情况我知道了。", "嗯,我知道了。"}
	angryWords = []string{"你们怎么回事啊!", "这都第三次了!", "太过分了!", "我真的很生气!", "到底能不能解决!", "我要投诉你们!"}
)

var (
	concreteTimes = []string{"我们会在24小时内给您回复。", "我们会在两个工作日内处理完毕并给您回电。", "今天下午六点前会有专人联系您。", "三个工作日内会给您处理结果。"}
	vagueTimes    = []string{"我们会尽快处理。", "您等通知就行。", "过几天会有人联系您。"}
	confirmYes    = []string{"对,就是这样。", "对。", "是的,没错。"}
	registerLines = []string{"我已经为您登记了投诉工单,", "这边已经给您记录下来了,", "我马上把情况反馈给相关部门,"}
)

var (
	askName      = []string{"请问您怎么称呼?", "请问您贵姓?", "请问怎么称呼您?"}
	askID        = []string{"为了核实您的身份,麻烦您报一下身份证号码。", "这边需要先核实一下身份,请您提供一下身份证号。"}
	idVerified   = []string{"好的,身份核实通过。", "好的,已经核实了。"}
	askCard      = []string{"麻烦您报一下卡号。", "请问是哪张卡?您报一下卡号。"}
	confirmAgain = "我跟您再核对一遍地址,"
)

// Hold announcements. A proper one asks, gives the reason and the expected wait; the others miss parts.
var (
	holdAskPrefix = []string{"请问您是否方便稍等两分钟?我帮您", "麻烦您稍等一分钟可以吗?我需要帮您", "您看能不能稍等两三分钟?我这边帮您"}
	holdNoAsk     = "请您稍等,我帮您"                                        // no question and no expected wait
	holdNoReason  = []string{"您方便稍等两分钟吗?", "稍等一分钟可以吗?"}               // asks with a wait, but no reason
	holdNoTime    = "请问您方便稍等一下吗?我帮您"                                  // asks with a reason, but no expected wait
	holdBack      = []string{"对不起,让您久等了。", "抱歉让您久等了。", "不好意思,让您久等了。"} // apology on return
	holdBackBare  = []string{"您好,查到了。", "喂,在吗?查到了。", "好,我这边查到了。"}
	holdOK        = []string{"好的。", "行,你查吧。", "可以。", "嗯,好。"}
	shortWait     = []string{"请您稍等,我看一下。", "我看一下。"}
)

// Customer-requested pauses and PIN entry are waits that are neither holds nor silences.
var (
	custPause     = []string{"你等一下啊,我找一下卡。", "稍等,我去拿一下身份证。", "你等我一下,我看看短信。"}
	custPauseOK   = []string{"好的,不着急。", "好的,您慢慢来。"}
	custPauseBack = []string{"好了,找到了。", "喂,我回来了。", "好了。"}
)

var (
	chatOpenGood = []string{"您好,请问有什么可以帮您?", "亲,您好,很高兴为您服务,请问有什么可以帮您?", "您好,我是在线客服小华,请问有什么可以帮到您?"}
	chatOpenBad  = []string{"在的", "请讲", "亲", "你好"}
	chatHello    = []string{"在吗", "你好", "有人吗", "人工"}
	chatClose    = []string{"请问还有其他可以帮您的吗?", "感谢您的咨询,祝您生活愉快,再见!"}
	chatCloseBad = []string{"好的", "嗯", "没事的话先这样"}
	chatThanks   = []string{"好的谢谢", "知道了", "没有了,谢谢", "ok"}
	chatAddress  = []string{"亲", "您"}
)
