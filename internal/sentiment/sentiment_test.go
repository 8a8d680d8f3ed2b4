package sentiment

import (
	"strings"
	"testing"
	"testing/fstest"
)

// Expected moods: upset ≤ Upset; calm is neither upset nor clearly positive
// (Upset < v < 0.2); pos ≥ 0.2; notNeg ≥ 0 (negated negative: reassurance).
const (
	upset  = "upset"
	calm   = "calm"
	pos    = "pos"
	notNeg = "notNeg"
)

func TestScore(t *testing.T) {
	tests := []struct {
		group, text, want string
	}{
		{"angry", "你们到底怎么回事！！等了半天了还没到", upset},
		{"angry", "太差了，我要投诉你们", upset},
		{"angry", "气死了，什么破手机，三天两头死机", upset},
		{"angry", "搞什么啊，打了好几次了都没人处理", upset},
		{"angry", "你们就是一群骗子", upset},
		{"angry", "垃圾服务，垃圾公司", upset},
		{"angry", "我受够了，马上给我退款", upset},
		{"angry", "你们客服推来推去的，到现在都没解决", upset},
		{"angry", "凭什么乱扣费？？？", upset},
		{"angry", "对你们的处理结果非常不满意", upset},
		{"angry", "我对这个结果很失望", upset},
		{"anxious", "急死了，明天就要用，怎么还没发货", upset},
		{"anxious", "我很着急，能不能快点", upset},
		{"anxious", "订单都好几天了还没收到？？", upset},
		{"calm question", "请问怎么开发票？", calm},
		{"calm question", "我想查一下我的订单到哪里了", calm},
		{"calm question", "你好，我想咨询一下套餐的问题", calm},
		{"calm question", "我要退款，麻烦告诉我怎么操作", calm},
		{"calm question", "这个差价能退吗", calm},
		{"calm question", "好的，我知道了", calm},
		{"thanks", "谢谢你，问题解决了", pos},
		{"thanks", "非常满意，辛苦了", pos},
		{"thanks", "好的，没问题，谢谢", pos},
		{"thanks", "你们的客服很耐心，给你们点赞", pos},
		{"negated negative", "没问题", pos},
		{"negated negative", "我不生气，就是想问问", notNeg},
		{"negated negative", "没有不满意，挺好的", pos},
		{"negated negative", "我不着急，你们慢慢查", notNeg},
		{"negated positive", "不满意", upset},
		{"negated positive", "一点都不满意", upset},
		{"negated positive", "这个真的不好用", upset},
		{"negated positive", "没有解决，我不满意", upset},
		{"negated positive", "不太满意", calm},
		{"traditional", "氣死了！你們到底怎麼回事", upset},
		{"traditional", "謝謝，問題已經解決了", pos},
		{"traditional", "請問怎麼查詢話費", calm},
		{"full-width punctuation", "ＴＭＤ！！！太過分了！！！", upset},
		{"full-width punctuation", "为什么还没到？？？", upset},
		{"abuse not negated", "你不是骗子是什么", upset},
		{"asr spaces and fillers", "嗯 那个 我 等了 半天 了 还 没 到", upset},
		{"cantonese", "我好唔满意", upset},
	}
	s := Default()
	for _, tt := range tests {
		t.Run(tt.group+"/"+tt.text, func(t *testing.T) {
			v := s.Score(tt.text)
			var ok bool
			switch tt.want {
			case upset:
				ok = v <= Upset
			case calm:
				ok = v > Upset && v < 0.2
			case pos:
				ok = v >= 0.2
			case notNeg:
				ok = v >= 0
			}
			if !ok {
				t.Errorf("Score(%q) = %.3f, want %s", tt.text, v, tt.want)
			}
			if v < -1 || v > 1 {
				t.Errorf("Score(%q) = %.3f out of -1…1", tt.text, v)
			}
		})
	}
}

// TestUpsetThreshold justifies Upset = -0.3: every single clear cue is at
// or below it, every mild cue alone stays above it, and intensifiers only
// push a mild cue over it when they make it clearly upset.
func TestUpsetThreshold(t *testing.T) {
	s := Default()
	for _, text := range []string{"不满意", "着急", "投诉", "太差了", "失望", "怎么回事", "气死了", "骗子", "等了半天", "不好", "生气"} {
		t.Run("clear/"+text, func(t *testing.T) {
			if v := s.Score(text); v > Upset {
				t.Errorf("clear cue %q = %.3f > Upset", text, v)
			}
		})
	}
	for _, text := range []string{"退款", "到底", "退货", "怎么还", "还没有", "不太满意", "扣费", "赶紧"} {
		t.Run("mild/"+text, func(t *testing.T) {
			if v := s.Score(text); v <= Upset || v >= 0 {
				t.Errorf("mild cue %q = %.3f, want in (Upset, 0)", text, v)
			}
		})
	}
	t.Run("exclamations intensify", func(t *testing.T) {
		plain, loud := s.Score("到底怎么回事"), s.Score("到底怎么回事！！！")
		if loud >= plain {
			t.Errorf("！！！ did not intensify: %.3f vs %.3f", loud, plain)
		}
		if q, qq := s.Score("还没到？"), s.Score("还没到？？？"); qq >= q {
			t.Errorf("？？？ did not intensify: %.3f vs %.3f", qq, q)
		}
		if v := s.Score("请问可以吗？！"); v != 0 {
			t.Errorf("punctuation alone must not create sentiment: %.3f", v)
		}
	})
}

func TestLoad(t *testing.T) {
	lists := func(neg string) fstest.MapFS {
		fs := fstest.MapFS{}
		for _, f := range files {
			fs["l/"+f.name] = &fstest.MapFile{Data: []byte("# empty\n")}
		}
		fs["l/negative.txt"] = &fstest.MapFile{Data: []byte(neg)}
		return fs
	}
	tests := []struct {
		name, neg string
		wantErr   string
	}{
		{"ok", "差评 -1.5\n慢\n", ""},
		{"bad weight", "差评 very\n", "negative.txt:1"},
		{"extra field", "差评 -1 x\n", "negative.txt:1"},
		{"empty after folding", "。。\n", "empty after normalisation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Load(lists(tt.neg), "l")
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if v := l.Score("差评，太慢"); v >= 0 {
					t.Errorf("custom lexicon score %.3f", v)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		fs := lists("")
		delete(fs, "l/degree.txt")
		if _, err := Load(fs, "l"); err == nil {
			t.Error("missing degree.txt accepted")
		}
	})
	t.Run("builtin", func(t *testing.T) {
		if _, err := Load(builtin, "lexicon"); err != nil {
			t.Fatal(err)
		}
	})
}

func BenchmarkScore(b *testing.B) {
	text := strings.Repeat("你们到底怎么回事！！等了半天了还没到，我要投诉。谢谢，问题解决了。", 10)
	s := Default()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		s.Score(text)
	}
}

func TestPoliteEndingsAreNotUpset(t *testing.T) {
	s := Default()
	for _, text := range []string{"没有了谢谢", "再没有谢谢", "没有谢谢", "没有了，谢谢你", "不用了谢谢"} {
		if v := s.Score(text); v <= 0 {
			t.Errorf("Score(%q) = %.2f, want positive: a customer closing politely is not upset", text, v)
		}
	}
}
