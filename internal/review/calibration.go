package review

import (
	"math"
	"slices"
	"time"

	"qloop/internal/agree"
	"qloop/internal/qa"
)

// Calibration session states.
const (
	CalibrationOpen   = "open"   // inspectors score independently
	CalibrationClosed = "closed" // the supervisor fixed the calibrated answers
)

// Calibration is a calibration session (校准, D2): several inspectors score the same records
// independently; the supervisor fixes the calibrated answer; agreement and deviations are measured.
type Calibration struct {
	ID          int64         `json:"id"`
	Title       string        `json:"title"`
	Scorecard   string        `json:"scorecard"`
	Version     int           `json:"version"`
	Status      string        `json:"status"`
	RecordIDs   []string      `json:"record_ids"`
	Inspectors  []Participant `json:"inspectors"`
	CreatedBy   string        `json:"created_by"`
	CreatedAt   time.Time     `json:"created_at"`
	ClosedAt    time.Time     `json:"closed_at"`
	Scores      []CalScore    `json:"-"`         // every submitted scoring
	Answers     []CalScore    `json:"-"`         // the calibrated answers (InspectorID 0)
	SubmittedBy map[int64]int `json:"submitted"` // inspector id → records scored
}

// Participant is one inspector of a session.
type Participant struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Name     string `json:"name"`
}

// CalScore is one inspector's (or the calibrated answer's) scoring of one record in a session.
type CalScore struct {
	RecordID    string      `json:"record_id"`
	InspectorID int64       `json:"inspector_id"`
	Items       []ItemScore `json:"items"`
	Score       float64     `json:"score"`
	At          time.Time   `json:"at"`
}

// ItemAgreement is how well the inspectors agreed on one item over the session's records.
type ItemAgreement struct {
	Item      string   `json:"item"`
	Name      string   `json:"name"`
	Agreement *float64 `json:"agreement"` // share of agreeing inspector pairs; nil when no record has two scorings
	Alpha     *float64 `json:"alpha"`     // Krippendorff's alpha (nominal) of the item; nil when undefined
	Matches   *float64 `json:"matches"`   // share of scorings equal to the calibrated answer
}

// InspectorDeviation is one inspector's distance from the calibrated answers.
type InspectorDeviation struct {
	Participant
	Items      int     `json:"items"`      // items compared with a calibrated answer
	Differ     int     `json:"differ"`     // of which judged differently
	Share      float64 `json:"share"`      // differ / items
	ScoreDiff  float64 `json:"score_diff"` // mean (inspector − calibrated) record score: > 0 = scores higher
	ScoreAbs   float64 `json:"score_abs"`  // mean |inspector − calibrated| record score
	Records    int     `json:"records"`    // records scored
	Calibrated int     `json:"calibrated"` // of which with a calibrated answer
}

// Agreement is the analysis of one session.
type Agreement struct {
	Alpha      *float64             `json:"alpha"`       // Krippendorff's alpha (nominal) over every (record, item)
	ScoreAlpha *float64             `json:"score_alpha"` // Krippendorff's alpha (interval) over record scores
	Agreement  *float64             `json:"agreement"`   // share of agreeing pairs over every (record, item)
	Items      []ItemAgreement      `json:"items"`
	Deviations []InspectorDeviation `json:"deviations"`
}

// code turns an item judgement into a nominal category: scale items by level, others by result.
func code(s ItemScore) float64 {
	if s.Level > 0 {
		return float64(10 + s.Level)
	}
	switch s.Result {
	case qa.ResultPass:
		return 1
	case qa.ResultFail:
		return 0
	}
	return 2 // na is a judgement too: "does not apply" against "failed" is a disagreement
}

func ptr(v float64, ok bool) *float64 {
	if !ok || math.IsNaN(v) {
		return nil
	}
	v = math.Round(v*1000) / 1000
	return &v
}

// Analyse measures agreement of the session's scorings per item and overall, and each
// inspector's deviation from the calibrated answers. Units are (record, item) pairs; raters the
// inspectors. Krippendorff's alpha copes with inspectors who did not score every record.
func Analyse(sc *qa.Scorecard, c *Calibration) Agreement {
	col := map[int64]int{}
	for i, p := range c.Inspectors {
		col[p.ID] = i
	}
	recs := map[string]int{}
	for i, id := range c.RecordIDs {
		recs[id] = i
	}
	var items []qa.Item
	for _, d := range sc.Dimensions {
		items = append(items, d.Items...)
	}
	itemPos := map[string]int{}
	for i, it := range items {
		itemPos[it.ID] = i
	}
	nan := func(n int) [][]float64 {
		t := make([][]float64, n)
		for i := range t {
			t[i] = make([]float64, len(c.Inspectors))
			for k := range t[i] {
				t[i][k] = math.NaN()
			}
		}
		return t
	}
	// per item: units = records; overall: units = record × item; scores: units = records
	perItem := make([][][]float64, len(items))
	for i := range perItem {
		perItem[i] = nan(len(c.RecordIDs))
	}
	scores := nan(len(c.RecordIDs))
	refItem := make([][]float64, len(items))
	for i := range refItem {
		refItem[i] = make([]float64, len(c.RecordIDs))
		for k := range refItem[i] {
			refItem[i][k] = math.NaN()
		}
	}
	refScore := make([]float64, len(c.RecordIDs))
	for i := range refScore {
		refScore[i] = math.NaN()
	}
	records := map[int64]int{}
	for _, s := range c.Scores {
		r, okR := recs[s.RecordID]
		k, okK := col[s.InspectorID]
		if !okR || !okK {
			continue
		}
		records[s.InspectorID]++
		scores[r][k] = s.Score
		for _, is := range s.Items {
			if p, ok := itemPos[is.Item]; ok {
				perItem[p][r][k] = code(is)
			}
		}
	}
	for _, s := range c.Answers {
		r, ok := recs[s.RecordID]
		if !ok {
			continue
		}
		refScore[r] = s.Score
		for _, is := range s.Items {
			if p, ok := itemPos[is.Item]; ok {
				refItem[p][r] = code(is)
			}
		}
	}
	var a Agreement
	var all [][]float64
	var allRef []float64
	for i, it := range items {
		t := agree.Table{Values: perItem[i]}
		all = append(all, perItem[i]...)
		allRef = append(allRef, refItem[i]...)
		ia := ItemAgreement{Item: it.ID, Name: it.Name}
		ia.Agreement = ptr(agree.PercentAgreement(t))
		ia.Alpha = ptr(agree.Alpha(t, agree.Nominal))
		var same, n int
		for _, d := range agree.Deviations(t, refItem[i]) {
			n += d.Units
			same += d.Units - d.Differ
		}
		if n > 0 {
			ia.Matches = ptr(float64(same)/float64(n), true)
		}
		a.Items = append(a.Items, ia)
	}
	allT := agree.Table{Values: all}
	a.Alpha = ptr(agree.Alpha(allT, agree.Nominal))
	a.Agreement = ptr(agree.PercentAgreement(allT))
	a.ScoreAlpha = ptr(agree.Alpha(agree.Table{Values: scores}, agree.Interval))
	itemDev := agree.Deviations(allT, allRef)
	scoreDev := agree.Deviations(agree.Table{Values: scores}, refScore)
	for i, p := range c.Inspectors {
		d := InspectorDeviation{Participant: p, Records: records[p.ID]}
		if i < len(itemDev) {
			d.Items, d.Differ = itemDev[i].Units, itemDev[i].Differ
			d.Share = math.Round(itemDev[i].Share*1000) / 1000
		}
		if i < len(scoreDev) {
			d.Calibrated = scoreDev[i].Units
			d.ScoreDiff = math.Round(scoreDev[i].MeanDiff*10) / 10
			d.ScoreAbs = math.Round(scoreDev[i].MeanAbs*10) / 10
		}
		a.Deviations = append(a.Deviations, d)
	}
	slices.SortStableFunc(a.Deviations, func(x, y InspectorDeviation) int {
		switch {
		case x.Share > y.Share:
			return -1
		case x.Share < y.Share:
			return 1
		}
		return 0
	})
	return a
}

// TrendPoint is one closed session's overall agreement, for the trend over sessions.
type TrendPoint struct {
	ID        int64     `json:"id"`
	Title     string    `json:"title"`
	At        time.Time `json:"at"`
	Alpha     *float64  `json:"alpha"`
	Agreement *float64  `json:"agreement"`
}
