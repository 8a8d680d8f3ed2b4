package pipe

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestOrderedKeepsInputOrder(t *testing.T) {
	for _, workers := range []int{1, 2, 8} {
		i := 0
		var got []int
		err := Ordered(context.Background(), workers, func() (int, bool, error) {
			if i == 1000 {
				return 0, false, nil
			}
			i++
			return i, true, nil
		}, func(v int) int {
			if v%7 == 0 {
				time.Sleep(time.Microsecond * 50) // later items overtake this one
			}
			return v * 2
		}, func(v int) error {
			got = append(got, v)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1000 {
			t.Fatalf("workers %d: %d results, want 1000", workers, len(got))
		}
		for k, v := range got {
			if v != 2*(k+1) {
				t.Fatalf("workers %d: result %d = %d, want %d", workers, k, v, 2*(k+1))
			}
		}
	}
}

func TestOrderedStopsOnErrors(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name          string
		nextErrAt     int
		emitErrAt     int
		want          error
		maxEmitted    int
		cancelContext bool
	}{
		{"next fails", 10, -1, boom, 9, false},
		{"emit fails", -1, 5, boom, 5, false},
		{"context cancelled", -1, -1, context.Canceled, 1000, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			i, emitted := 0, 0
			err := Ordered(ctx, 2, func() (int, bool, error) {
				i++
				if i == tt.nextErrAt {
					return 0, false, boom
				}
				if tt.cancelContext && i == 20 {
					cancel()
				}
				return i, i <= 1000, nil
			}, func(v int) int { return v }, func(v int) error {
				emitted++
				if emitted == tt.emitErrAt {
					return boom
				}
				return nil
			})
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if emitted > tt.maxEmitted {
				t.Fatalf("emitted %d after the error, want at most %d", emitted, tt.maxEmitted)
			}
		})
	}
}
