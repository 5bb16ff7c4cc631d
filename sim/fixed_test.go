package sim

import (
	"math/big"
	"testing"
)

// bigDecay computes rule S-7 with exact rationals, a definition independent of shifts.
func bigDecay(x int64, leak int) int64 {
	q := new(big.Rat).SetFrac64(x*int64(leak), 4096)
	f := new(big.Int).Div(q.Num(), q.Denom()) // Euclidean division: floor for a positive divisor
	return x - f.Int64()
}

func TestDecayMatchesExactFloor(t *testing.T) {
	xs := []int64{0, 1, -1, 2, -2, 3, -3, 4095, -4095, 4096, -4096, 1<<23 - 1, -1 << 23, 123457, -123457}
	leaks := []int{0, 1, 2, 3, 5, 409, 2047, 2048, 2049, 4094, 4095}
	for _, x := range xs {
		for _, l := range leaks {
			got := Decay(int32(x), l)
			if want := bigDecay(x, l); int64(got) != want {
				t.Errorf("Decay(%d, %d) = %d, exact floor gives %d", x, l, got, want)
			}
			// The result lies between 0 and x (rule S-7): decay never overflows.
			if (x >= 0 && (got < 0 || int64(got) > x)) || (x < 0 && (int64(got) < x || got > 0)) {
				t.Errorf("Decay(%d, %d) = %d is not between 0 and x", x, l, got)
			}
		}
	}
}

// Shift decay x - (x >>> k) is the special case leak = 2^(12-k) (rule S-7).
func TestShiftDecayIsSpecialCase(t *testing.T) {
	for k := 1; k <= 12; k++ {
		for x := int32(-70000); x <= 70000; x += 7 {
			if got, want := Decay(x, 1<<(12-k)), x-(x>>k); got != want {
				t.Fatalf("k=%d x=%d: Decay %d, shift decay %d", k, x, got, want)
			}
		}
	}
}

// Negative states round toward minus infinity, so -1 decays to 0 and 1 stays 1 (rule S-7).
func TestDecayRoundingOfSmallStates(t *testing.T) {
	for l := 1; l <= MaxLeak; l++ {
		if got := Decay(-1, l); got != 0 {
			t.Fatalf("Decay(-1, %d) = %d, want 0", l, got)
		}
		if got := Decay(1, l); got != 1 {
			t.Fatalf("Decay(1, %d) = %d, want 1", l, got)
		}
	}
}

func TestSaturateBothEdges(t *testing.T) {
	for bits := MinStateBits; bits <= 32; bits++ {
		hi := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(bits-1)), big.NewInt(1)).Int64()
		lo := -hi - 1
		for _, c := range []struct{ in, want int64 }{
			{hi, hi}, {hi + 1, hi}, {hi + 1000, hi}, {lo, lo}, {lo - 1, lo}, {lo - 1000, lo}, {0, 0}, {-1, -1},
			{1 << 40, hi}, {-1 << 40, lo},
		} {
			if got := Saturate(c.in, bits); int64(got) != c.want {
				t.Errorf("Saturate(%d, %d) = %d, want %d", c.in, bits, got, c.want)
			}
		}
	}
}
