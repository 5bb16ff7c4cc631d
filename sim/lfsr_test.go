package sim

import "testing"

// gf2 is a 32x32 matrix over GF(2): row i is the mask of input bits that XOR into output bit i.
type gf2 [32]uint32

func (a gf2) mul(b gf2) gf2 { // (a*b) x = a(b x)
	var c gf2
	for i := range 32 {
		var row uint32
		for k := range 32 {
			if a[i]>>k&1 == 1 {
				row ^= b[k]
			}
		}
		c[i] = row
	}
	return c
}

func (a gf2) pow(e uint64) gf2 {
	var r gf2
	for i := range 32 {
		r[i] = 1 << i
	}
	for ; e > 0; e >>= 1 {
		if e&1 == 1 {
			r = r.mul(a)
		}
		a = a.mul(a)
	}
	return r
}

// stepMatrix is the linear map of one LFSR step, read off the implementation column by
// column (the step is linear, so its action on basis vectors defines it).
func stepMatrix() gf2 {
	var m gf2
	for k := range 32 {
		a := LFSR(1 << k)
		a.Step()
		for i := range 32 {
			if uint32(a)>>i&1 == 1 {
				m[i] |= 1 << k
			}
		}
	}
	return m
}

// The LFSR is maximal (rule S-13): its step map M has order exactly 2^32-1, that is
// M^(2^32-1) = I and M^((2^32-1)/q) != I for every prime factor q of 2^32-1.
func TestLFSRPeriodIsMaximal(t *testing.T) {
	m := stepMatrix()
	const period = 1<<32 - 1
	var id gf2
	for i := range 32 {
		id[i] = 1 << i
	}
	if m.pow(period) != id {
		t.Fatal("M^(2^32-1) != I: the LFSR does not have period 2^32-1")
	}
	for _, q := range []uint64{3, 5, 17, 257, 65537} {
		if m.pow(period/q) == id {
			t.Fatalf("M^((2^32-1)/%d) = I: period divides %d, not maximal", q, period/q)
		}
	}
	// The check itself can fail: a non-maximal mask must be rejected by the same test.
	bad := m
	bad[31] ^= 1 << 0 // change feedback into the top bit
	if bad.pow(period) == id {
		for _, q := range []uint64{3, 5, 17, 257, 65537} {
			if bad.pow(period/q) == id {
				return
			}
		}
		t.Fatal("a perturbed feedback also looked maximal; the test cannot tell them apart")
	}
}

// Step is the Galois right shift with mask 0x80200003, written out bit by bit from the
// polynomial x^32 + x^22 + x^2 + x + 1.
func TestLFSRStepFromPolynomial(t *testing.T) {
	ref := func(a uint32) uint32 {
		out := a & 1
		var n uint32
		for i := 0; i < 31; i++ {
			n |= (a >> (i + 1) & 1) << i
		}
		taps := []int{31, 21, 1, 0} // x^32, x^22, x^2, x^1 after the shift
		for _, b := range taps {
			n ^= out << b
		}
		return n
	}
	a := LFSR(DefaultSeed)
	for range 100000 {
		want := ref(uint32(a))
		a.Step()
		if uint32(a) != want {
			t.Fatalf("step gave %08x, polynomial gives %08x", uint32(a), want)
		}
	}
}

// One draw is 8 steps and the low byte; Encode spikes input j when the draw is below x[j].
func TestLFSRDrawAndEncode(t *testing.T) {
	a, b := LFSR(DefaultSeed), LFSR(DefaultSeed)
	x := []uint8{0, 255, 128, 1, 77}
	var fires [5]int
	for range 20000 {
		got := a.Encode(nil, x)
		want := []int{}
		for j := range x {
			for range 8 {
				b.Step()
			}
			if uint8(b) < x[j] {
				want = append(want, j)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("Encode %v, want %v", got, want)
		}
		for k := range got {
			if got[k] != want[k] {
				t.Fatalf("Encode %v, want %v", got, want)
			}
			fires[got[k]]++
		}
	}
	if fires[0] != 0 {
		t.Fatalf("intensity 0 fired %d times", fires[0])
	}
	// Rates follow x/256 (within 3 %), so the low byte of a draw is close to uniform.
	for j, v := range x[1:] {
		rate := float64(fires[j+1]) / 20000
		if d := rate - float64(v)/256; d > 0.03 || d < -0.03 {
			t.Errorf("intensity %d fired at rate %.3f, want about %.3f", v, rate, float64(v)/256)
		}
	}
}
