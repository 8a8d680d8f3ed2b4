package agree

import (
	"math"
	"testing"
)

var nan = math.NaN()

// wiki is the reliability data of Krippendorff's worked example (also on Wikipedia,
// "Krippendorff's alpha"): 12 units (rows) × observers A–D (columns).
var wiki = Table{Values: [][]float64{
	{1, 1, nan, 1},
	{2, 2, 3, 2},
	{3, 3, 3, 3},
	{3, 3, 3, 3},
	{2, 2, 2, 2},
	{1, 2, 3, 4},
	{4, 4, 4, 4},
	{1, 1, 2, 1},
	{2, 2, 2, 2},
	{nan, 5, 5, 5},
	{nan, nan, 1, 1},
	{nan, 3, nan, nan},
}}

// binary is Krippendorff's two-observer binary example; by hand: o_00 = 10, o_11 = 2,
// o_01 = o_10 = 4, n_0 = 14, n_1 = 6, n = 20, so alpha = 1 - 19·8 / (2·14·6) = 2/21.
// With two categories δ² is the same constant at every level, so all levels agree.
var binary = Table{Values: [][]float64{
	{0, 1}, {1, 1}, {0, 1}, {0, 0}, {0, 0}, {0, 1}, {0, 0}, {0, 0}, {1, 0}, {0, 0},
}}

func mapTable(t Table, f func(float64) float64) Table {
	out := Table{Values: make([][]float64, len(t.Values))}
	for u, row := range t.Values {
		for _, v := range row {
			out.Values[u] = append(out.Values[u], f(v))
		}
	}
	return out
}

func TestAlpha(t *testing.T) {
	withoutUnit12 := Table{Values: wiki.Values[:11]}
	withSingleton := Table{Values: append(append([][]float64{}, wiki.Values...), []float64{nan, 9, nan, nan})}
	tests := []struct {
		name   string
		t      Table
		level  Level
		want   float64
		tol    float64
		wantOK bool
	}{
		{"wiki nominal", wiki, Nominal, 0.743, 5e-4, true},
		{"wiki ordinal", wiki, Ordinal, 0.815, 5e-4, true},
		{"wiki interval", wiki, Interval, 0.849, 5e-4, true},
		{"unpairable unit dropped", withoutUnit12, Interval, 0.849, 5e-4, true},
		{"unpairable new value ignored", withSingleton, Interval, 0.849, 5e-4, true},
		{"ordinal invariant under monotone map", mapTable(wiki, func(v float64) float64 { return v * v * v }), Ordinal, 0.815, 5e-4, true},
		{"interval invariant under affine map", mapTable(wiki, func(v float64) float64 { return 10 + 2*v }), Interval, 0.849, 5e-4, true},
		{"binary nominal", binary, Nominal, 2.0 / 21, 1e-12, true},
		{"binary ordinal", binary, Ordinal, 2.0 / 21, 1e-12, true},
		{"binary interval", binary, Interval, 2.0 / 21, 1e-12, true},
		{"perfect nominal", Table{Values: [][]float64{{1, 1}, {2, 2, 2}, {3, nan, 3}}}, Nominal, 1, 1e-12, true},
		{"perfect ordinal", Table{Values: [][]float64{{1, 1}, {2, 2, 2}, {3, nan, 3}}}, Ordinal, 1, 1e-12, true},
		{"perfect interval", Table{Values: [][]float64{{1, 1}, {2, 2, 2}, {3, nan, 3}}}, Interval, 1, 1e-12, true},
		// o_12 = o_21 = 2, n_1 = n_2 = 2, n = 4: 1 - 3·4 / (2·2·2) = -0.5.
		{"systematic disagreement", Table{Values: [][]float64{{1, 2}, {2, 1}}}, Nominal, -0.5, 1e-12, true},
		{"values within 1e-9 are one category", Table{Values: [][]float64{{1, 1 + 1e-12}, {2, 2}}}, Nominal, 1, 1e-12, true},
		{"single unit identical", Table{Values: [][]float64{{3, 3, 3}}}, Nominal, 0, 0, false},
		{"one category everywhere", Table{Values: [][]float64{{1, 1}, {1, nan, 1}, {2}}}, Interval, 0, 0, false},
		{"only singletons", Table{Values: [][]float64{{1, nan}, {2}, {nan, 3}}}, Nominal, 0, 0, false},
		{"all missing", Table{Values: [][]float64{{nan, nan}}}, Ordinal, 0, 0, false},
		{"empty", Table{}, Nominal, 0, 0, false},
	}
	for _, tc := range tests {
		got, ok := Alpha(tc.t, tc.level)
		if ok != tc.wantOK || (ok && math.Abs(got-tc.want) > tc.tol) {
			t.Errorf("%s: Alpha = %.6f, %v; want %.6f, %v", tc.name, got, ok, tc.want, tc.wantOK)
		}
	}
	for _, l := range []Level{Nominal, Ordinal, Interval} {
		a, _ := Alpha(wiki, l)
		t.Logf("wiki alpha level %d = %.6f", l, a)
	}
}

// fleissWiki is the worked example of Wikipedia "Fleiss' kappa": 10 subjects, 14 raters, 5 categories.
var fleissWiki = [][]int{
	{0, 0, 0, 0, 14},
	{0, 2, 6, 4, 2},
	{0, 0, 3, 5, 6},
	{0, 3, 9, 2, 0},
	{2, 2, 8, 1, 1},
	{7, 7, 0, 0, 0},
	{3, 2, 6, 3, 0},
	{2, 5, 3, 2, 2},
	{6, 5, 2, 1, 0},
	{0, 2, 2, 3, 7},
}

func TestFleissKappa(t *testing.T) {
	tests := []struct {
		name   string
		counts [][]int
		want   float64
		tol    float64
		wantOK bool
	}{
		{"wikipedia", fleissWiki, 0.210, 5e-4, true},
		{"perfect", [][]int{{2, 0}, {0, 2}}, 1, 1e-12, true},
		// P_i = 0, P̄e = 0.5: (0 - 0.5) / 0.5.
		{"always split", [][]int{{1, 1}, {1, 1}}, -1, 1e-12, true},
		{"unequal raters", [][]int{{2, 0}, {1, 2}}, 0, 0, false},
		{"one rater", [][]int{{1, 0}, {0, 1}}, 0, 0, false},
		{"one category only", [][]int{{3, 0}, {3, 0}}, 0, 0, false},
		{"ragged categories", [][]int{{2, 0}, {2}}, 0, 0, false},
		{"negative count", [][]int{{3, -1}, {1, 1}}, 0, 0, false},
		{"no categories", [][]int{{}}, 0, 0, false},
		{"empty", nil, 0, 0, false},
	}
	for _, tc := range tests {
		got, ok := FleissKappa(tc.counts)
		if ok != tc.wantOK || (ok && math.Abs(got-tc.want) > tc.tol) {
			t.Errorf("%s: FleissKappa = %.6f, %v; want %.6f, %v", tc.name, got, ok, tc.want, tc.wantOK)
		}
	}
	p, pe, k, _ := fleiss(fleissWiki)
	if math.Abs(p-0.378) > 5e-4 || math.Abs(pe-0.213) > 5e-4 {
		t.Errorf("wikipedia: P̄ = %.6f, P̄e = %.6f; want 0.378, 0.213", p, pe)
	}
	t.Logf("wikipedia fleiss: P̄ = %.6f, P̄e = %.6f, kappa = %.6f", p, pe, k)
}

func TestPercentAgreement(t *testing.T) {
	tests := []struct {
		name   string
		t      Table
		want   float64
		wantOK bool
	}{
		// Pairs per unit 3,6,6,6,6,6,6,6,6,3,1,0 = 55; agreeing 3,3,6,6,6,0,6,3,6,3,1 = 43.
		{"wiki", wiki, 43.0 / 55, true},
		{"all same (alpha undefined)", Table{Values: [][]float64{{1, 1}, {1, nan, 1}}}, 1, true},
		{"disagree", Table{Values: [][]float64{{1, 2}}}, 0, true},
		{"three raters", Table{Values: [][]float64{{1, 1, 2}}}, 1.0 / 3, true},
		// Pooled: (3 + 0) / (3 + 1), not the mean of per-unit shares (0.5).
		{"pooled over pairs", Table{Values: [][]float64{{1, 1, 1}, {1, 2}}}, 0.75, true},
		{"tolerance", Table{Values: [][]float64{{1, 1 + 1e-12}}}, 1, true},
		{"only singletons", Table{Values: [][]float64{{1, nan}, {2}}}, 0, false},
		{"empty", Table{}, 0, false},
	}
	for _, tc := range tests {
		got, ok := PercentAgreement(tc.t)
		if ok != tc.wantOK || math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: PercentAgreement = %.6f, %v; want %.6f, %v", tc.name, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestDeviations(t *testing.T) {
	small := Table{Values: [][]float64{
		{1, 2, nan},
		{3, 1, 4},
		{2, 4},
	}}
	wikiRef := []float64{1, 2, 3, 3, 2, nan, 4, 1, 2, 5, 1, 3}
	tests := []struct {
		name string
		t    Table
		ref  []float64
		want []Deviation
	}{
		{"small", small, []float64{2, nan, 2}, []Deviation{
			{Rater: 0, Units: 2, Differ: 1, Share: 0.5, MeanDiff: -0.5, MeanAbs: 0.5},
			{Rater: 1, Units: 2, Differ: 1, Share: 0.5, MeanDiff: 1, MeanAbs: 1},
			{Rater: 2}, // only unit 1 has a value, and it has no reference
		}},
		{"ref shorter than table", small, []float64{2}, []Deviation{
			{Rater: 0, Units: 1, Differ: 1, Share: 1, MeanDiff: -1, MeanAbs: 1},
			{Rater: 1, Units: 1},
			{Rater: 2},
		}},
		{"no reference", small, nil, []Deviation{{Rater: 0}, {Rater: 1}, {Rater: 2}}},
		{"tolerance", Table{Values: [][]float64{{2 + 1e-12}}}, []float64{2}, []Deviation{
			{Rater: 0, Units: 1, MeanDiff: 1e-12, MeanAbs: 1e-12},
		}},
		{"wiki", wiki, wikiRef, []Deviation{
			{Rater: 0, Units: 8},
			{Rater: 1, Units: 10},
			{Rater: 2, Units: 9, Differ: 2, Share: 2.0 / 9, MeanDiff: 2.0 / 9, MeanAbs: 2.0 / 9},
			{Rater: 3, Units: 10},
		}},
		{"empty", Table{}, []float64{1}, []Deviation{}},
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	for _, tc := range tests {
		got := Deviations(tc.t, tc.ref)
		if len(got) != len(tc.want) {
			t.Errorf("%s: %d deviations, want %d", tc.name, len(got), len(tc.want))
			continue
		}
		for i, g := range got {
			w := tc.want[i]
			if g.Rater != w.Rater || g.Units != w.Units || g.Differ != w.Differ ||
				!near(g.Share, w.Share) || !near(g.MeanDiff, w.MeanDiff) || !near(g.MeanAbs, w.MeanAbs) {
				t.Errorf("%s: rater %d = %+v, want %+v", tc.name, i, g, w)
			}
		}
	}
}
