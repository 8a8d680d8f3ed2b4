package ingest

import (
	"fmt"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"

	"qloop/internal/qa"
	"qloop/internal/yamldoc"
)

// Mapping says which CSV/XLSX column holds which record field, and how speaker and channel values of
// an export map onto qloop's. See testdata/mapping.example.yaml for the file a user writes.
type Mapping struct {
	// Sheet is the XLSX sheet to read; "" means the first sheet.
	Sheet string `yaml:"sheet"`
	// Channel is used for rows without a channel column; "" means chat for message rows and ticket
	// for ticket rows.
	Channel string `yaml:"channel"`
	// Columns maps a field (see Fields) to the header names it may have; the first column whose
	// header matches (case and surrounding spaces ignored) is used.
	Columns map[string][]string `yaml:"columns"`
	// Speakers maps a speaker value of the export to agent, customer or system (case ignored).
	Speakers map[string]string `yaml:"speakers"`
	// Channels maps a channel value of the export to call, chat, email or ticket (case ignored).
	Channels map[string]string `yaml:"channels"`
}

// Fields lists the record fields a column can be mapped to. speaker, text, time, end and event are
// per message; a file with a text column has one row per message, otherwise one row per record.
var Fields = []string{
	"id", "channel", "started_at", "agent_id", "agent_name", "team",
	"customer_id", "customer_name", "customer_phone", "customer_tier", "business_type", "recording", "tags",
	"speaker", "text", "time", "end", "event",
	"ticket.created_at", "ticket.first_response_at", "ticket.resolved_at", "ticket.due_at",
	"ticket.status", "ticket.category", "ticket.transfers", "ticket.escalated", "ticket.solution",
}

// DefaultMapping recognises the common Chinese and English header names of CS-system exports.
func DefaultMapping() *Mapping {
	return &Mapping{
		Columns: map[string][]string{
			"id":                       {"会话ID", "会话编号", "会话号", "工单号", "工单编号", "工单ID", "通话ID", "通话编号", "记录ID", "conversation_id", "session_id", "ticket_id", "call_id", "id"},
			"channel":                  {"渠道", "来源渠道", "接入渠道", "channel"},
			"started_at":               {"开始时间", "会话开始时间", "通话开始时间", "接入时间", "started_at", "start_time"},
			"agent_id":                 {"客服工号", "坐席工号", "工号", "客服ID", "坐席ID", "agent_id"},
			"agent_name":               {"客服姓名", "坐席姓名", "客服名称", "客服昵称", "agent_name"},
			"team":                     {"班组", "组别", "技能组", "客服组", "team", "group"},
			"customer_id":              {"客户ID", "用户ID", "访客ID", "客户编号", "customer_id", "user_id"},
			"customer_name":            {"客户姓名", "客户名称", "用户名", "用户昵称", "customer_name"},
			"customer_phone":           {"客户电话", "联系电话", "手机号", "customer_phone", "phone"},
			"customer_tier":            {"客户等级", "会员等级", "客户级别", "customer_tier", "tier"},
			"business_type":            {"业务类型", "业务类别", "咨询类型", "business_type"},
			"recording":                {"录音", "录音地址", "录音文件", "recording"},
			"tags":                     {"标签", "tags"},
			"speaker":                  {"发送方", "发送者", "角色", "发言人", "说话人", "speaker", "role", "sender"},
			"text":                     {"内容", "消息内容", "聊天内容", "文本", "text", "message", "content"},
			"time":                     {"发送时间", "消息时间", "时间", "time", "timestamp", "sent_at"},
			"end":                      {"结束秒", "end"},
			"event":                    {"事件", "event"},
			"ticket.created_at":        {"创建时间", "工单创建时间", "created_at"},
			"ticket.first_response_at": {"首次响应时间", "首响时间", "first_response_at"},
			"ticket.resolved_at":       {"解决时间", "完结时间", "resolved_at"},
			"ticket.due_at":            {"截止时间", "到期时间", "due_at"},
			"ticket.status":            {"状态", "工单状态", "status"},
			"ticket.category":          {"分类", "工单分类", "问题分类", "category"},
			"ticket.transfers":         {"转派次数", "转接次数", "transfers"},
			"ticket.escalated":         {"是否升级", "升级", "escalated"},
			"ticket.solution":          {"处理方案", "解决方案", "处理结果", "solution"},
		},
		Speakers: map[string]string{
			"agent": qa.SpeakerAgent, "客服": qa.SpeakerAgent, "坐席": qa.SpeakerAgent, "人工客服": qa.SpeakerAgent,
			"staff": qa.SpeakerAgent, "员工": qa.SpeakerAgent,
			"customer": qa.SpeakerCustomer, "客户": qa.SpeakerCustomer, "用户": qa.SpeakerCustomer,
			"访客": qa.SpeakerCustomer, "顾客": qa.SpeakerCustomer, "user": qa.SpeakerCustomer, "visitor": qa.SpeakerCustomer,
			// A bot (机器人, robot) is not guessed: whether its turns count as the system's is the user's
			// call, made under speakers in a mapping file.
			"system": qa.SpeakerSystem, "系统": qa.SpeakerSystem,
		},
		Channels: map[string]string{
			"call": qa.ChannelCall, "电话": qa.ChannelCall, "热线": qa.ChannelCall, "呼叫中心": qa.ChannelCall, "语音": qa.ChannelCall, "phone": qa.ChannelCall,
			"chat": qa.ChannelChat, "在线": qa.ChannelChat, "在线客服": qa.ChannelChat, "聊天": qa.ChannelChat, "微信": qa.ChannelChat, "网页": qa.ChannelChat, "app": qa.ChannelChat,
			"email": qa.ChannelEmail, "邮件": qa.ChannelEmail, "e-mail": qa.ChannelEmail,
			"ticket": qa.ChannelTicket, "工单": qa.ChannelTicket,
		},
	}
}

// LoadMapping reads a YAML mapping file. It starts from DefaultMapping: a field listed under columns
// replaces the default header names of that field (an empty list disables it); speakers and channels
// add to or override the defaults. Errors name the line to fix.
func LoadMapping(path string) (*Mapping, error) {
	data, err := yamldoc.ReadFile(path)
	if le, ok := yamldoc.IsLimit(err); ok {
		return nil, fmt.Errorf("mapping %s: %s", path, le.Reason)
	} else if err != nil {
		return nil, fmt.Errorf("read mapping file: %w", err)
	}
	var user Mapping
	if _, err := yamldoc.Decode(data, &user); err != nil {
		if le, ok := yamldoc.IsLimit(err); ok {
			return nil, fmt.Errorf("mapping %s:%d: %s", path, le.Line, le.Reason)
		}
		return nil, fmt.Errorf("mapping %s: %s (allowed keys: sheet, channel, columns, speakers, channels)", path, yaml.FormatError(err, false, false))
	}
	at := func(keys ...string) string {
		return fmt.Sprintf("%s:%d", path, yamlLine(data, keys...))
	}
	m := DefaultMapping()
	m.Sheet = user.Sheet
	if user.Channel != "" {
		if !validChannel(user.Channel) {
			return nil, fmt.Errorf("%s: channel %q is not one of call, chat, email, ticket", at("channel"), user.Channel)
		}
		m.Channel = user.Channel
	}
	for _, field := range sortedKeys(user.Columns) {
		if !isField(field) {
			return nil, fmt.Errorf("%s: unknown field %q under columns: use one of %s", at("columns", field), field, strings.Join(Fields, ", "))
		}
		m.Columns[field] = user.Columns[field]
	}
	for _, v := range sortedKeys(user.Speakers) {
		sp := user.Speakers[v]
		if sp != qa.SpeakerAgent && sp != qa.SpeakerCustomer && sp != qa.SpeakerSystem {
			return nil, fmt.Errorf("%s: speaker %q maps to %q: use agent, customer or system", at("speakers", v), v, sp)
		}
		m.Speakers[v] = sp
	}
	for _, v := range sortedKeys(user.Channels) {
		if !validChannel(user.Channels[v]) {
			return nil, fmt.Errorf("%s: channel %q maps to %q: use call, chat, email or ticket", at("channels", v), v, user.Channels[v])
		}
		m.Channels[v] = user.Channels[v]
	}
	return m, nil
}

// speaker resolves an export's speaker value to agent, customer or system.
func (m *Mapping) speaker(v string) (string, error) {
	return lookup(m.Speakers, v, func(s string) bool {
		return s == qa.SpeakerAgent || s == qa.SpeakerCustomer || s == qa.SpeakerSystem
	}, "unknown speaker %q (use agent, customer or system, or map it in the mapping file under speakers)")
}

// channel resolves an export's channel value to call, chat, email or ticket.
func (m *Mapping) channel(v string) (string, error) {
	return lookup(m.Channels, v, validChannel,
		"unknown channel %q (use call, chat, email or ticket, or map it in the mapping file under channels)")
}

// lookup finds v in table (exact, then ignoring case and spaces); canonical values pass through.
func lookup(table map[string]string, v string, canonical func(string) bool, msg string) (string, error) {
	key := strings.TrimSpace(v)
	if canonical(key) {
		return key, nil
	}
	if out, ok := table[key]; ok {
		return out, nil
	}
	for k, out := range table {
		if strings.EqualFold(k, key) {
			return out, nil
		}
	}
	return "", fmt.Errorf(msg, v)
}

func validChannel(c string) bool {
	return c == qa.ChannelCall || c == qa.ChannelChat || c == qa.ChannelEmail || c == qa.ChannelTicket
}

func isField(f string) bool {
	for _, x := range Fields {
		if x == f {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// yamlLine finds the line of the node at keys in data, or 0 when it cannot be located.
func yamlLine(data []byte, keys ...string) int {
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return 0
	}
	b := (&yaml.PathBuilder{}).Root()
	for _, k := range keys {
		b = b.Child(k)
	}
	node, err := b.Build().FilterFile(file)
	if err != nil || node == nil || node.GetToken() == nil {
		return 0
	}
	return node.GetToken().Position.Line
}
