package console

import "testing"

// TestInLang: the console shows a bilingual message's half in the reader's language.
func TestInLang(t *testing.T) {
	c := New(Config{})
	tests := []struct {
		name, msg, zh, en string
	}{
		{"notification", "沟通单 #3 待签批 slip #3 waits for your signature", "沟通单 #3 待签批", "slip #3 waits for your signature"},
		{"ids stay in the Chinese half", "重大事故 #2: 坐席 A022, 记录 c-20261102-0001 major incident #2: agent A022, record c-20261102-0001",
			"重大事故 #2: 坐席 A022, 记录 c-20261102-0001", "major incident #2: agent A022, record c-20261102-0001"},
		{"quoted values", `记录 "c-1" 没有适用的质检标准 no active scorecard applies to record "c-1": import or activate one`,
			`记录 "c-1" 没有适用的质检标准`, `no active scorecard applies to record "c-1": import or activate one`},
		{"a username first", "zhijian2 不是质检员 zhijian2 is not an inspector", "zhijian2 不是质检员", "zhijian2 is not an inspector"},
		{"an upper-case word in Chinese", "API 令牌无效 the API token is not valid", "API 令牌无效", "the API token is not valid"},
		{"Chinese in the English half", "严重程度须为 一般/较严重/严重 severity must be 一般, 较严重 or 严重 (got \"x\")",
			"严重程度须为 一般/较严重/严重", "severity must be 一般, 较严重 or 严重 (got \"x\")"},
		{"field paths in words, several messages", "problems[0]: 请描述具体行为 describe the concrete behaviour; problems[1]: 请填写客户问题 say what the customer's problem was",
			"问题 1：请描述具体行为；问题 2：请填写客户问题", "problem 1: describe the concrete behaviour; problem 2: say what the customer's problem was"},
		{"English only", "invalid page cursor", "invalid page cursor", "invalid page cursor"},
		{"Chinese only", "请重新登录", "请重新登录", "请重新登录"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.inLang("zh-CN", tt.msg); got != tt.zh {
				t.Errorf("zh-CN: %q", got)
			}
			if got := c.inLang("en", tt.msg); got != tt.en {
				t.Errorf("en: %q", got)
			}
		})
	}
}
