// Package agree computes inter-rater agreement for calibration sessions: Krippendorff's alpha,
// Fleiss' kappa, per-unit percent agreement, and each rater's deviation from a reference answer.
//
// In a calibration session several inspectors score the same records; a unit is one scored
// item of one record, a rater is one inspector, and the reference is the answer the
// supervisor fixes afterwards.
package agree

import (
	"math"
	"sort"
)

// eps is the tolerance under which two values count as the same: scores arrive as
// float64 and may carry rounding noise from weighting, which must not read as disagreement.
const eps = 1e-9

func same(a, b float64) bool { return math.Abs(a-b) < eps }

// Level of measurement for Krippendorff's alpha.
type Level int

const (
	Nominal  Level = iota // categories (pass/fail/na)
	Ordinal               // ranks (1–5 scale levels)
	Interval              // numbers (scores)
)

// Table is a reliability data matrix: Values[u][r] is rater r's value for unit u; math.NaN() = missing.
// Units with fewer than two values are not pairable and are ignored (as Krippendorff specifies).
// Rows may be shorter than the number of raters; absent cells are missing.
type Table struct {
	Values [][]float64
}

// present returns the non-missing values of a row.
func present(row []float64) []float64 {
	var vs []float64
	for _, v := range row {
		if !math.IsNaN(v) {
			vs = append(vs, v)
		}
	}
	return vs
}

// Alpha returns Krippendorff's alpha at the given level, and ok=false when it is undefined.
//
// It is computed from the coincidence matrix over the distinct values, which handles missing
// data and any number of raters the same way at every level:
//
//	alpha = 1 - (n-1) · Σ o_ck δ²_ck / Σ n_c n_k δ²_ck
//
// Alpha is undefined (0, false) when there are fewer than two pairable values, or when the
// expected disagreement is zero because every pairable value is the same category: such a
// session shows that the raters agreed, but not that they could tell categories apart, so
// Krippendorff leaves alpha undefined rather than calling it 1. Callers should fall back to
// PercentAgreement there. Values within 1e-9 of each other are one category.
func Alpha(t Table, level Level) (alpha float64, ok bool) {
	type obs struct {
		unit int
		v    float64
	}
	var all []obs
	var sizes []int // values per pairable unit
	for _, row := range t.Values {
		vs := present(row)
		if len(vs) < 2 {
			continue
		}
		for _, v := range vs {
			all = append(all, obs{len(sizes), v})
		}
		sizes = append(sizes, len(vs))
	}
	if len(all) < 2 {
		return 0, false
	}

	// Categories: sorted distinct values (ordinal δ needs the order).
	sort.Slice(all, func(i, j int) bool { return all[i].v < all[j].v })
	var cats []float64
	units := make([][]int, len(sizes)) // category index of each value, per unit
	for i, o := range all {
		if i == 0 || !same(o.v, all[i-1].v) {
			cats = append(cats, o.v)
		}
		units[o.unit] = append(units[o.unit], len(cats)-1)
	}

	// Coincidences: every ordered pair of values within a unit, weighted 1/(m_u-1) so
	// each unit contributes exactly its m_u values to the margins.
	k := len(cats)
	o := make([][]float64, k)
	for c := range o {
		o[c] = make([]float64, k)
	}
	for _, u := range units {
		w := 1 / float64(len(u)-1)
		for i, a := range u {
			for j, b := range u {
				if i != j {
					o[a][b] += w
				}
			}
		}
	}
	nc := make([]float64, k)
	cum := make([]float64, k+1) // cum[i] = Σ_{g<i} n_g, for ordinal δ
	var n float64
	for c := range o {
		for _, x := range o[c] {
			nc[c] += x
		}
		n += nc[c]
		cum[c+1] = cum[c] + nc[c]
	}

	delta2 := func(c, d int) float64 {
		if c == d {
			return 0
		}
		switch level {
		case Ordinal:
			lo, hi := min(c, d), max(c, d)
			x := cum[hi+1] - cum[lo] - (nc[lo]+nc[hi])/2
			return x * x
		case Interval:
			x := cats[c] - cats[d]
			return x * x
		default:
			return 1
		}
	}
	var do, de float64
	for c := range k {
		for d := range k {
			dd := delta2(c, d)
			do += o[c][d] * dd
			de += nc[c] * nc[d] * dd
		}
	}
	if de == 0 {
		return 0, false
	}
	return 1 - (n-1)*do/de, true
}

// FleissKappa: counts[u][c] = how many raters put unit u in category c; every unit must have the same
// number of raters n >= 2 and the same number of categories (return ok=false otherwise, on a
// negative count, or when P_e == 1, i.e. every rating fell in one category and chance agreement
// is already perfect). Unlike Alpha it cannot take missing ratings; use Alpha at Nominal then.
func FleissKappa(counts [][]int) (kappa float64, ok bool) {
	_, _, kappa, ok = fleiss(counts)
	return kappa, ok
}

// fleiss also returns the mean observed agreement P̄ and the chance agreement P̄e, for tests.
func fleiss(counts [][]int) (pBar, peBar, kappa float64, ok bool) {
	if len(counts) == 0 || len(counts[0]) == 0 {
		return 0, 0, 0, false
	}
	raters := -1
	colSum := make([]float64, len(counts[0]))
	for _, row := range counts {
		if len(row) != len(colSum) {
			return 0, 0, 0, false
		}
		m, sq := 0, 0
		for c, x := range row {
			if x < 0 {
				return 0, 0, 0, false
			}
			m += x
			sq += x * x
			colSum[c] += float64(x)
		}
		if raters == -1 {
			raters = m
		}
		if m != raters || m < 2 {
			return 0, 0, 0, false
		}
		pBar += float64(sq-m) / float64(m*(m-1))
	}
	total := float64(len(counts) * raters)
	pBar /= float64(len(counts))
	for _, s := range colSum {
		p := s / total
		peBar += p * p
	}
	if 1-peBar < eps {
		return pBar, peBar, 0, false
	}
	return pBar, peBar, (pBar - peBar) / (1 - peBar), true
}

// PercentAgreement is the share of agreeing rater pairs within unit u's values (missing ignored):
// sum over units of agreeing pairs / sum of pairs; ok=false when there are no pairs. Values equal when |a-b| < 1e-9.
// Pooling pairs (rather than averaging per-unit shares) weights a unit by how many raters scored it.
// It is not chance-corrected, so it stays defined where Alpha is not (everyone gave the same value).
func PercentAgreement(t Table) (share float64, ok bool) {
	var agree, pairs int
	for _, row := range t.Values {
		vs := present(row)
		for i := range vs {
			for j := i + 1; j < len(vs); j++ {
				pairs++
				if same(vs[i], vs[j]) {
					agree++
				}
			}
		}
	}
	if pairs == 0 {
		return 0, false
	}
	return float64(agree) / float64(pairs), true
}

// Deviation is one rater's distance from a reference answer over the units both have.
type Deviation struct {
	Rater    int     // column index
	Units    int     // units compared (rater and reference both present)
	Differ   int     // units where the rater's value differs from the reference
	Share    float64 // Differ / Units (0 when Units == 0)
	MeanDiff float64 // mean of (rater - reference) over compared units (signed: > 0 = scores higher)
	MeanAbs  float64 // mean |rater - reference|
}

// Deviations compares each rater column of t with ref[u] (NaN = no reference for that unit).
// It returns one Deviation per column (the widest row sets the count), in column order, also
// for raters with nothing to compare (Units == 0), so results line up with the table's columns.
// Units beyond len(ref) have no reference. Values within 1e-9 of the reference do not differ.
func Deviations(t Table, ref []float64) []Deviation {
	cols := 0
	for _, row := range t.Values {
		cols = max(cols, len(row))
	}
	devs := make([]Deviation, cols)
	for r := range devs {
		d := &devs[r]
		d.Rater = r
		var sum, abs float64
		for u, row := range t.Values {
			if u >= len(ref) || math.IsNaN(ref[u]) || r >= len(row) || math.IsNaN(row[r]) {
				continue
			}
			d.Units++
			diff := row[r] - ref[u]
			if !same(row[r], ref[u]) {
				d.Differ++
			}
			sum += diff
			abs += math.Abs(diff)
		}
		if d.Units > 0 {
			n := float64(d.Units)
			d.Share = float64(d.Differ) / n
			d.MeanDiff = sum / n
			d.MeanAbs = abs / n
		}
	}
	return devs
}
