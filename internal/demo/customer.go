package demo

import (
	"math/rand/v2"
	"strconv"
)

// customer is one synthetic customer. Every field is derived from (seed, index) alone, so a customer who
// contacts the centre several times keeps the same name, phone and documents across records.
type customer struct {
	id      string
	surname string
	given   string
	male    bool
	phone   string
	tier    string
	biz     int // business the customer usually contacts us about (index into businesses)
	idCard  string
	card    string
	address string
}

func (c *customer) name() string { return c.surname + c.given }

// title is how a well-behaved agent addresses the customer: 张先生 / 欧阳女士.
func (c *customer) title() string {
	if c.male {
		return c.surname + "先生"
	}
	return c.surname + "女士"
}

// bareTitle is the surname-less address (「好的先生」) that does not satisfy the surname item.
func (c *customer) bareTitle() string {
	if c.male {
		return "先生"
	}
	return "女士"
}

// Surnames repeat by rough frequency so common ones dominate; the compound ones exercise 欧阳女士-style titles.
var surnames = []string{
	"王", "王", "王", "李", "李", "李", "张", "张", "张", "刘", "刘", "陈", "陈", "杨", "黄", "赵", "吴", "周",
	"徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯",
	"邓", "曹", "彭", "曾", "萧", "田", "董", "潘", "袁", "蔡", "蒋", "余", "于", "杜", "叶", "程", "魏", "苏",
	"吕", "丁", "任", "沈", "姚", "卢", "欧阳", "司马", "诸葛", "上官",
}

var (
	maleGiven   = []string{"伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "斌", "建国", "志强", "海涛", "俊杰", "子轩", "浩然", "文博", "国华", "晓东", "宇航", "振华", "立新", "家豪", "鹏飞"}
	femaleGiven = []string{"芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "婷", "雪", "秀英", "桂英", "晓燕", "丽娟", "欣怡", "梓涵", "雨萱", "佳琪", "思雨", "玉兰", "海燕", "春梅", "慧敏", "晓红"}
)

// Tiers follow a typical retail-bank mix: mostly regular, a thin layer of vip and strategic customers.
var (
	tiers      = []string{"new", "regular", "vip", "strategic"}
	tierWeight = []float64{0.15, 0.65, 0.15, 0.05}
)

// Real GB/T 2260 area codes (none in Gansu, 62xxxx, so an ID number never looks like a UnionPay card).
var areaCodes = []string{"110101", "110105", "310104", "310115", "440305", "440106", "510107", "330106", "420106", "320102", "370202", "500103", "210102", "350203"}

// UnionPay-style BINs: 16-digit credit cards, 19-digit debit cards.
var (
	creditBINs = []string{"622588", "625912", "628288", "622155"}
	debitBINs  = []string{"621700", "621483", "622848", "621226"}
)

var (
	cities  = []string{"上海市浦东新区", "北京市朝阳区", "广州市天河区", "深圳市南山区", "成都市武侯区", "杭州市西湖区", "武汉市洪山区", "南京市鼓楼区", "重庆市渝北区", "青岛市市南区"}
	streets = []string{"张杨路", "建国路", "天河北路", "科技园南路", "天府大道", "文三路", "珞喻路", "中山北路", "金开大道", "香港中路"}
)

// newCustomer derives customer idx from its own PCG stream, independent of the record stream.
func newCustomer(seed int64, idx int) customer {
	r := rand.New(rand.NewPCG(uint64(seed)^0x9e3779b97f4a7c15, uint64(idx)))
	c := customer{id: "U" + strconv.Itoa(10001+idx)}
	c.surname = surnames[r.IntN(len(surnames))]
	c.male = r.IntN(2) == 0
	if c.male {
		c.given = maleGiven[r.IntN(len(maleGiven))]
	} else {
		c.given = femaleGiven[r.IntN(len(femaleGiven))]
	}
	c.phone = mobile(r)
	c.tier = tiers[weighted(r, tierWeight)]
	c.biz = weighted(r, bizWeight)
	c.idCard = idCard(r, c.male)
	if r.IntN(2) == 0 {
		c.card = luhnNumber(r, creditBINs[r.IntN(len(creditBINs))], 16)
	} else {
		c.card = luhnNumber(r, debitBINs[r.IntN(len(debitBINs))], 19)
	}
	c.address = cities[r.IntN(len(cities))] + streets[r.IntN(len(streets))] + strconv.Itoa(1+r.IntN(2000)) + "号" +
		strconv.Itoa(1+r.IntN(30)) + "栋" + strconv.Itoa(1+r.IntN(28)) + "0" + strconv.Itoa(1+r.IntN(6)) + "室"
	return c
}

// mobile returns a valid-looking mainland mobile number 1[3-9]xxxxxxxxx.
func mobile(r *rand.Rand) string {
	var b [11]byte
	b[0] = '1'
	b[1] = byte('3' + r.IntN(7))
	for i := 2; i < 11; i++ {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b[:])
}

// idWeights are the GB 11643 weights of the first 17 digits of a resident ID number.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// IDCheckDigit returns the GB 11643 check character for the first 17 digits of an ID number.
func IDCheckDigit(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return "10X98765432"[sum%11]
}

// idCard builds an 18-character resident ID: area, birth date 1955–2003, sequence (odd = male), check digit.
func idCard(r *rand.Rand, male bool) string {
	b := make([]byte, 0, 18)
	b = append(b, areaCodes[r.IntN(len(areaCodes))]...)
	b = strconv.AppendInt(b, int64(1955+r.IntN(49)), 10)
	b = append2(b, 1+r.IntN(12))
	b = append2(b, 1+r.IntN(28))
	seq := r.IntN(1000)
	if (seq%2 == 1) != male {
		seq ^= 1
	}
	b = append(b, byte('0'+seq/100), byte('0'+seq/10%10), byte('0'+seq%10))
	b = append(b, IDCheckDigit(string(b)))
	return string(b)
}

func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }

// LuhnValid reports whether the digit string passes the Luhn (mod 10) check used by bank cards.
func LuhnValid(s string) bool {
	if s == "" {
		return false
	}
	sum, double := 0, false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// luhnNumber returns a Luhn-valid card number of length n starting with bin.
func luhnNumber(r *rand.Rand, bin string, n int) string {
	b := make([]byte, n)
	copy(b, bin)
	for i := len(bin); i < n-1; i++ {
		b[i] = byte('0' + r.IntN(10))
	}
	// The check digit makes the Luhn sum of the whole number divisible by 10.
	b[n-1] = '0'
	sum, double := 0, true
	for i := n - 2; i >= 0; i-- {
		d := int(b[i] - '0')
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	b[n-1] = byte('0' + (10-sum%10)%10)
	return string(b)
}

// weighted picks an index with probability proportional to w.
func weighted(r *rand.Rand, w []float64) int {
	total := 0.0
	for _, v := range w {
		total += v
	}
	x := r.Float64() * total
	for i, v := range w {
		if x < v {
			return i
		}
		x -= v
	}
	return len(w) - 1
}

// pick returns a random element of s.
func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }
