package sample

import (
	"fmt"
	"math"
	"strings"

	"qloop/internal/qa"
)

// Size returns the records to review for a wanted confidence (e.g. 0.95, any in (0,1)) and margin of error
// (e.g. 0.05) with expected proportion p, corrected for a finite population (population <= 0 = infinite):
// n0 = z² p(1-p) / e², n = n0 / (1 + (n0-1)/N), rounded up. p = 0 means unknown and uses 0.5, the
// most conservative value, because an API client that omits p sends 0.
func Size(population int, confidence, margin, p float64) (int, error) {
	var errs []string
	if !(confidence > 0 && confidence < 1) {
		errs = append(errs, fmt.Sprintf("confidence 必须在 0 到 1 之间 confidence must be between 0 and 1, e.g. 0.95 (got %v)", confidence))
	}
	if !(margin > 0 && margin < 1) {
		errs = append(errs, fmt.Sprintf("margin 必须在 0 到 1 之间 margin must be between 0 and 1, e.g. 0.05 (got %v)", margin))
	}
	if p == 0 {
		p = 0.5
	}
	if !(p > 0 && p < 1) {
		errs = append(errs, fmt.Sprintf("p 必须在 0 到 1 之间 p must be between 0 and 1 (got %v)", p))
	}
	if len(errs) > 0 {
		return 0, qa.NewError(qa.EInvalid, strings.Join(errs, "; "))
	}
	z := math.Sqrt2 * math.Erfinv(confidence)
	n := z * z * p * (1 - p) / (margin * margin)
	if population > 0 {
		n = n / (1 + (n-1)/float64(population))
	}
	if n > 1e12 {
		return 0, qa.NewError(qa.EInvalid, fmt.Sprintf("margin 太小 margin %v needs more than 10¹² records", margin))
	}
	// The epsilon keeps an exact integer from rounding up over floating-point noise.
	return max(1, int(math.Ceil(n-1e-9))), nil
}
