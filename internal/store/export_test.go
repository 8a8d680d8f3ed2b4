package store

import (
	"os"
	"strconv"
)

func init() {
	if v, err := strconv.Atoi(os.Getenv("QLOOP_MAX_PARAMS")); err == nil {
		maxParams = v
	}
}
